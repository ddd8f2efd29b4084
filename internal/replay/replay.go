// Package replay executes a migration directory on a clean dev database and
// reads back the schema it produces: the "current state" that new
// migrations are planned against and that the gate compares with Ent.
package replay

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// StmtError is a statement that failed to apply.
type StmtError struct {
	File string // file name within the directory
	Line int    // 1-based line where the statement starts
	Stmt string
	Err  error
	Note string // what PostgreSQL's message hides, e.g. a BOM
}

func (e *StmtError) Error() string {
	return fmt.Sprintf("%s:%d: %s%s\n  statement: %s", e.File, e.Line, Message(e.Err), e.Note, e.Stmt)
}

// bomNote explains an otherwise invisible cause: PostgreSQL reports a BOM
// as `syntax error at or near "\uFEFF..."`, which shows as nothing.
const bomNote = "; the file starts with a UTF-8 byte order mark (BOM), which PostgreSQL rejects: save it as UTF-8 without a BOM"

func (e *StmtError) Unwrap() error { return e.Err }

// Message renders a PostgreSQL error with its SQLSTATE and detail.
func Message(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := fmt.Sprintf("%s: %s (SQLSTATE %s)", pe.Severity, pe.Message, pe.Code)
	if pe.Detail != "" {
		msg += "; " + pe.Detail
	}
	return msg
}

// Dir applies every file of dir on conn in order, each in its own
// transaction unless the file says `-- atlas:txmode none`, and returns the
// resulting schema.
func Dir(ctx context.Context, conn *pgdb.Conn, dir *migdir.Dir) (*schema.Schema, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	return Files(ctx, conn, files)
}

// Files applies files in order and returns the resulting schema.
func Files(ctx context.Context, conn *pgdb.Conn, files []migrate.File) (*schema.Schema, error) {
	for _, f := range files {
		if err := File(ctx, conn.DB, f); err != nil {
			return nil, err
		}
	}
	return conn.Inspect(ctx)
}

// File applies one migration file. A file that runs in a transaction is
// sent whole, in one round trip inside an explicit transaction (a lone
// simple query would otherwise run outside one, and CONCURRENTLY would
// wrongly pass); only when that fails is it replayed statement by
// statement, to pinpoint the failing statement, its line and its error.
func File(ctx context.Context, db *sql.DB, f migrate.File) error {
	if batchable(f) {
		err := batch(ctx, db, f)
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return fileByStatement(ctx, db, f)
}

func batch(ctx context.Context, db *sql.DB, f migrate.File) error {
	return inTx(ctx, db, string(f.Bytes()))
}

// inTx sends a script in one round trip inside an explicit transaction.
func inTx(ctx context.Context, db *sql.DB, script string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// batchable: files outside a transaction, or with a custom delimiter that
// only Atlas's lexer understands, run statement by statement.
func batchable(f migrate.File) bool {
	if _, ok := f.(*migrate.LocalFile); !ok {
		return false
	}
	return !migdir.NoTx(f) && !migdir.HasDelimiter(f)
}

// fileByStatement applies a file one statement at a time.
func fileByStatement(ctx context.Context, db *sql.DB, f migrate.File) error {
	stmts, err := f.StmtDecls()
	if err != nil {
		return fmt.Errorf("replay: %s: %w", f.Name(), err)
	}
	list := make([]Stmt, len(stmts))
	for i, s := range stmts {
		list[i] = Stmt{Text: s.Text, Line: migdir.StmtLine(f.Bytes(), s.Pos)}
	}
	// The header is read through CRLF line endings too (migdir.TxMode).
	noTx := migdir.NoTx(f)
	if err := execEach(ctx, db, list, !noTx); err != nil {
		var se *StmtError
		if errors.As(err, &se) {
			se.File = f.Name()
			if se.Line == 1 && migdir.HasBOM(f.Bytes()) {
				se.Note = bomNote
			}
		}
		return err
	}
	return nil
}

// Stmt is one statement and where it starts.
type Stmt struct {
	Text string
	Line int
}

// Exec runs statements in order, in one transaction when tx is set. A
// failing statement comes back as a *StmtError. In a transaction they are
// first sent in one round trip, as File does.
func Exec(ctx context.Context, db *sql.DB, stmts []Stmt, tx bool) error {
	if tx && len(stmts) > 1 {
		texts := make([]string, len(stmts))
		for i, s := range stmts {
			texts[i] = s.Text
		}
		err := inTx(ctx, db, strings.Join(texts, ";\n"))
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return execEach(ctx, db, stmts, tx)
}

func execEach(ctx context.Context, db *sql.DB, stmts []Stmt, tx bool) error {
	type execer interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	var (
		ex   execer = db
		txn  *sql.Tx
		err  error
		conn *sql.Conn
	)
	if tx {
		if txn, err = db.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("replay: begin: %w", err)
		}
		defer txn.Rollback()
		ex = txn
	} else {
		// One session for the file, so SET statements carry over.
		if conn, err = db.Conn(ctx); err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		defer conn.Close()
		ex = conn
	}
	for _, s := range stmts {
		if _, err := ex.ExecContext(ctx, s.Text); err != nil {
			return &StmtError{Line: s.Line, Stmt: s.Text, Err: err}
		}
	}
	if txn != nil {
		if err := txn.Commit(); err != nil {
			return fmt.Errorf("replay: commit: %w", err)
		}
	}
	return nil
}
