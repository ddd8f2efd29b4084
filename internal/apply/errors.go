package apply

import (
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// ErrHistoryChanged means an applied file's content differs from the hash
// recorded when it was applied.
var ErrHistoryChanged = errors.New("applied migration file was changed")

// ExecError is a migration file that failed to apply, and what that left
// behind: in a transaction (file or all mode), nothing of the transaction,
// revisions included; with no transaction, the statements before the
// failing one, recorded on the file's revision.
type ExecError struct {
	File string // the file's name
	Line int    // line of the failing statement in the file; 0 when the file failed before any statement ran
	Stmt string // the failing statement; "" likewise
	Mode string // the transaction mode the file ran in
	Err  error
}

func (e *ExecError) Error() string {
	if e.Stmt == "" {
		return fmt.Sprintf("apply: %s: %v", e.File, e.Err)
	}
	// A statement of many lines (a DO block, such as the guard `migrate
	// diff` writes before an enum conversion) is named by its first: the
	// line number locates the rest.
	stmt, _, more := strings.Cut(e.Stmt, "\n")
	if more {
		stmt += " …"
	}
	msg := fmt.Sprintf("apply: %s:%d: statement %q failed: %v", e.File, e.Line, stmt, e.Err)
	// A RAISE in a migration (P0001), such as the guard's, says what to do
	// in its hint; PostgreSQL's own errors are explained below.
	var pe *pgconn.PgError
	if errors.As(e.Err, &pe) && pe.Detail != "" {
		// Which row: "Key (email)=(a@x) is duplicated."
		msg += " (detail: " + pe.Detail + ")"
	}
	if pe != nil && pe.Code == "P0001" && pe.Hint != "" {
		msg += " (hint: " + pe.Hint + ")"
	}
	switch e.Mode {
	case TxAll:
		msg += "; --tx-mode all rolled back the whole batch: nothing was applied"
	case TxNone:
		msg += "; the statements before it stay applied, and a re-run resumes at this one"
		if name, ok := concurrentIndex(e.Stmt); ok {
			// A failed CREATE INDEX CONCURRENTLY leaves its index behind,
			// INVALID: the re-run would fail on "already exists".
			msg += fmt.Sprintf(", after `DROP INDEX CONCURRENTLY %s` (a failed concurrent build leaves the index behind, INVALID)", name)
		}
	}
	if pe != nil && pe.Code == "55P04" {
		// PostgreSQL 12+ runs ALTER TYPE ... ADD VALUE in a transaction,
		// but the new value cannot be used before that transaction commits.
		msg += "; a value added by ALTER TYPE ADD VALUE cannot be used in the same transaction: "
		if e.Mode == TxAll {
			msg += "apply with --tx-mode file"
		} else {
			msg += "use it in a later file"
		}
	}
	return msg
}

func (e *ExecError) Unwrap() error { return e.Err }

// concurrentIndex returns the index a CREATE [UNIQUE] INDEX CONCURRENTLY
// statement builds, as written (possibly quoted), when stmt is one.
func concurrentIndex(stmt string) (string, bool) {
	f := strings.Fields(stmt)
	if len(f) > 1 && strings.EqualFold(f[1], "UNIQUE") {
		f = append(f[:1], f[2:]...)
	}
	if len(f) < 4 || !strings.EqualFold(f[0], "CREATE") || !strings.EqualFold(f[1], "INDEX") || !strings.EqualFold(f[2], "CONCURRENTLY") {
		return "", false
	}
	name := f[3]
	if strings.EqualFold(name, "IF") || strings.EqualFold(name, "ON") {
		return "", false
	}
	return name, true
}

// execError names f in err from Atlas's executor; a failing statement is
// located by its line.
func execError(f migrate.File, mode string, err error) error {
	e := &ExecError{File: f.Name(), Mode: mode, Err: err}
	var se *migrate.StmtExecError
	if errors.As(err, &se) && se.Stmt != nil {
		e.Stmt, e.Err = se.Stmt.Text, se.Err
		e.Line = migdir.StmtLine(f.Bytes(), se.Stmt.Pos)
	}
	return e
}
