package revert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// dryRun runs the checks in a read-only transaction, and says whether the
// down would be refused.
func dryRun(ctx context.Context, o Options, p *Plan) error {
	tx, err := o.Target.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("migrate down: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := runChecks(ctx, tx, p.Checks); err != nil {
		return err
	}
	return refusal(p, o.Force)
}

// execute runs the down in one transaction: the tables the checks read are
// locked against writes first, so no row arrives between a check and the
// statement it guards; then the checks, the statements, the revisions
// removed, and an inspection that proves the database is now the target
// version's schema. Anything short of that rolls it all back.
func execute(ctx context.Context, o Options, p *Plan, sel *selection, live, target *schema.Realm) error {
	killpoint.Here("revert.planned")
	// What the statements set out to undo: the scope of the check that
	// they did (reached).
	undo, err := pgdb.DiffRealms(ctx, o.Target.Driver, o.Env.Dev, live, target)
	if err != nil {
		return fmt.Errorf("migrate down: diff: %w", err)
	}
	tx, err := o.Target.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate down: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL lock_timeout = '%dms'", o.LockTimeout.Milliseconds())); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	if tables := checkedTables(p.Checks); len(tables) > 0 {
		if _, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(tables, ", ")+" IN SHARE MODE"); err != nil {
			return fmt.Errorf("migrate down: lock the checked tables (waited %s; raise --lock-timeout): %w; nothing was changed", o.LockTimeout, err)
		}
	}
	if err := runChecks(ctx, tx, p.Checks); err != nil {
		return err
	}
	if err := refusal(p, o.Force); err != nil {
		return err
	}
	killpoint.Here("revert.checked")
	for _, s := range p.Statements {
		if _, err := tx.ExecContext(ctx, s.SQL); err != nil {
			return fmt.Errorf("migrate down: %s: %s; the transaction was rolled back: nothing was changed", short(s.SQL), pgLine(err))
		}
	}
	killpoint.Here("revert.executed")
	store := revisions.New(tx, o.RevisionsSchema)
	for _, f := range sel.revert {
		if err := store.DeleteRevision(ctx, f.Version); err != nil {
			return err
		}
	}
	killpoint.Here("revert.revisions")
	if err := reached(ctx, o, tx, live, target, undo, p.To); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate down: commit: %w", err)
	}
	done = true
	killpoint.Here("revert.committed")
	p.Reverted = true
	return nil
}

// runChecks counts, for each check, the rows in the way. A count that
// fails (values that do not convert) is the check's error, in a savepoint
// so the transaction goes on; --force cannot go past it, as the statement
// would fail on the same values.
func runChecks(ctx context.Context, tx *sql.Tx, cs []Check) error {
	for i := range cs {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT schemactl_check"); err != nil {
			return fmt.Errorf("migrate down: check %s: %w", cs[i].Object, err)
		}
		err := tx.QueryRowContext(ctx, cs[i].SQL).Scan(&cs[i].Rows)
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && cs[i].Kind == ValuesKept:
			cs[i].Error = pgErr.Message
			// The statement converts with the same cast: it would fail
			// too, so --force cannot go past this check.
			cs[i].Forcible = false
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT schemactl_check"); err != nil {
				return fmt.Errorf("migrate down: check %s: %w", cs[i].Object, err)
			}
		case err != nil:
			return fmt.Errorf("migrate down: check %s: %s", cs[i].Object, pgLine(err))
		default:
			if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT schemactl_check"); err != nil {
				return fmt.Errorf("migrate down: check %s: %w", cs[i].Object, err)
			}
		}
	}
	return nil
}

// checkedTables are the tables the checks read, once each.
func checkedTables(cs []Check) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.table) {
			out = append(out, c.table)
		}
	}
	return out
}

// pgLine is a PostgreSQL error on one line, with its detail.
func pgLine(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		s := pgErr.Message
		if pgErr.Detail != "" {
			s += " (" + pgErr.Detail + ")"
		}
		return s + " [SQLSTATE " + pgErr.Code + "]"
	}
	return err.Error()
}
