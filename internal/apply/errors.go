package apply

import (
	"errors"
	"fmt"

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
	msg := fmt.Sprintf("apply: %s:%d: statement %q failed: %v", e.File, e.Line, e.Stmt, e.Err)
	switch e.Mode {
	case TxAll:
		msg += "; --tx-mode all rolled back the whole batch: nothing was applied"
	case TxNone:
		msg += "; the statements before it stay applied, and a re-run resumes at this one"
	}
	var pe *pgconn.PgError
	if errors.As(e.Err, &pe) && pe.Code == "55P04" {
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
