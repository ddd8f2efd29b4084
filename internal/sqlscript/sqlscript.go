// Package sqlscript runs a SQL script, a list of statements with the lines
// they start on, on PostgreSQL: in one round trip inside a transaction when
// it can, statement by statement when it must (outside a transaction, or to
// pinpoint the statement that failed). Replaying a migration file and
// building the desired schema both run scripts; neither depends on the
// other.
package sqlscript

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ledgerforge/schemactl/internal/pgerr"
)

// Stmt is one statement and where it starts.
type Stmt struct {
	Text string
	Line int    // 1-based
	File string // the file it comes from, when the script joins several
}

// StmtError is a statement that failed to apply.
type StmtError struct {
	File string // the script's file name within its directory, when it has one
	Line int    // 1-based line where the statement starts
	Stmt string
	Err  error
	Note string // what PostgreSQL's message hides, e.g. a BOM
}

func (e *StmtError) Error() string {
	return fmt.Sprintf("%s:%d: %s%s\n  statement: %s", e.File, e.Line, pgerr.Message(e.Err), e.Note, e.Stmt)
}

func (e *StmtError) Unwrap() error { return e.Err }

// Exec runs statements in order, in one transaction when tx is set. A
// failing statement comes back as a *StmtError. In a transaction they are
// first sent in one round trip; only when that fails are they run again
// one by one, to name the failing statement.
func Exec(ctx context.Context, db *sql.DB, stmts []Stmt, tx bool) error {
	if tx && len(stmts) > 1 {
		texts := make([]string, len(stmts))
		for i, s := range stmts {
			texts[i] = s.Text
		}
		err := Batch(ctx, db, strings.Join(texts, ";\n"))
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return Each(ctx, db, stmts, tx)
}

// Batch sends a script in one round trip inside an explicit transaction (a
// lone simple query would otherwise run outside one, and CONCURRENTLY
// would wrongly pass). BEGIN and COMMIT travel with the script: one round
// trip rather than three. A replay sends one batch per file, and on a busy
// machine each round trip also waits for the scheduler. Its error names no
// statement.
func Batch(ctx context.Context, db *sql.DB, script string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The newline ends a last-line comment; the lone ";" a statement
	// without one.
	if _, err := conn.ExecContext(ctx, "BEGIN;\n"+script+"\n;\nCOMMIT;"); err != nil {
		// PostgreSQL skipped the rest of the query, COMMIT included: the
		// session stays in the failed transaction until it rolls back (or
		// the pool, seeing that, drops it and connects again).
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	return nil
}

// Each runs statements one at a time, in one transaction when tx is set,
// else in one session (so that SET statements carry over). A failing
// statement comes back as a *StmtError.
func Each(ctx context.Context, db *sql.DB, stmts []Stmt, tx bool) error {
	type execer interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}
	var (
		ex   execer
		txn  *sql.Tx
		err  error
		conn *sql.Conn
	)
	if tx {
		if txn, err = db.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("sqlscript: begin: %w", err)
		}
		defer txn.Rollback()
		ex = txn
	} else {
		if conn, err = db.Conn(ctx); err != nil {
			return fmt.Errorf("sqlscript: %w", err)
		}
		defer conn.Close()
		ex = conn
	}
	for _, s := range stmts {
		if _, err := ex.ExecContext(ctx, s.Text); err != nil {
			return &StmtError{File: s.File, Line: s.Line, Stmt: s.Text, Err: err}
		}
	}
	if txn != nil {
		if err := txn.Commit(); err != nil {
			return fmt.Errorf("sqlscript: commit: %w", err)
		}
	}
	return nil
}
