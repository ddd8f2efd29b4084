package apply

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// batch runs pending files the way the Atlas CLI's `tx` type does (its
// driverFor, mayRollback, mayCommit and commit around Executor.Execute):
//   - a file in mode none runs on the connection: each statement commits,
//     and so does the revision after it;
//   - a file in mode file runs in a transaction of its own, its revision
//     written in it; it commits after the file and rolls back on failure;
//   - files in mode all run in one transaction, opened by the first and
//     committed after the last; a failure rolls back every file of the
//     batch, and with them their revisions.
//
// So a rolled-back transaction leaves the revisions table as it was before
// it: Atlas's executor writes the failed file's revision (with its error)
// inside the transaction, and the rollback takes it away. One deliberate
// difference: Atlas commits a file whose own directive says `txmode file`
// only at the end of the run when --tx-mode is none (its mayCommit looks at
// the global mode), and fails the next such file with "unexpected active
// transaction"; here each such file commits after itself, as its directive
// asks.
type batch struct {
	proxy  *txProxy
	store  *buffered         // the revisions, in the open transaction
	inTx   *migrate.Executor // on proxy and store
	direct *migrate.Executor // on the connection, for mode none
	tx     *sql.Tx
	open   int // files run in the open transaction
}

func newBatch(conn *pgdb.Conn, dir migrate.Dir, base *revisions.Store, known map[string]*migrate.Revision, files map[string]fileNow, opts []migrate.ExecutorOption) (*batch, error) {
	// One driver for every transaction: opening one costs a round trip to
	// read the server's settings.
	proxy := &txProxy{db: conn.DB}
	drv, err := postgres.Open(proxy)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	store := &buffered{history: history{Store: base.On(proxy), files: files}, known: known}
	inTx, err := migrate.NewExecutor(drv, dir, store, opts...)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	direct, err := migrate.NewExecutor(conn.Driver, dir, history{Store: base, files: files}, opts...)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return &batch{proxy: proxy, store: store, inTx: inTx, direct: direct}, nil
}

// run executes files, each in its mode (see txModes), and returns how many
// were committed. It stops at the first failure.
func (b *batch) run(ctx context.Context, files []migrate.File, modes []string, notify func(migrate.File, int)) (committed int, err error) {
	for i, f := range files {
		notify(f, i)
		ex, err := b.executorFor(ctx, modes[i])
		if err != nil {
			return committed, b.rollback(err)
		}
		err = ex.Execute(ctx, f)
		if err == nil && b.tx != nil {
			err = b.store.flush(ctx)
		}
		if err != nil {
			return committed, b.rollback(execError(f, modes[i], err))
		}
		if b.tx == nil { // mode none: committed statement by statement
			committed++
			continue
		}
		b.open++
		if modes[i] == TxFile {
			// A deferred constraint fails here, and rolls the file back.
			if err := b.commit(); err != nil {
				return committed, fmt.Errorf("apply: %s: %w", f.Name(), err)
			}
			committed++
		}
	}
	n := b.open
	if err := b.commit(); err != nil {
		return committed, fmt.Errorf("apply: --tx-mode all: %w; the whole batch was rolled back: nothing was applied", err)
	}
	return committed + n, nil
}

// executorFor is Atlas's driverFor: the executor for a file in mode.
func (b *batch) executorFor(ctx context.Context, mode string) (*migrate.Executor, error) {
	switch mode {
	case TxNone:
		if b.tx != nil {
			// txModes never mixes none into an all batch.
			return nil, errors.New("apply: a file without a transaction inside an open one")
		}
		return b.direct, nil
	case TxFile:
		if b.tx != nil {
			return nil, errors.New("apply: unexpected active transaction")
		}
	case TxAll:
		if b.tx != nil {
			return b.inTx, nil
		}
	default:
		return nil, fmt.Errorf("apply: unknown tx-mode %q", mode)
	}
	tx, err := b.proxy.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("apply: begin: %w", err)
	}
	b.tx, b.proxy.tx = tx, tx
	return b.inTx, nil
}

// rollback is Atlas's mayRollback: the open transaction, with every file
// run in it and their revisions, is undone.
func (b *batch) rollback(err error) error {
	b.store.pending = nil
	if b.tx == nil {
		return err
	}
	defer b.reset()
	if err2 := b.tx.Rollback(); err2 != nil {
		return fmt.Errorf("%w; rollback: %v", err, err2) // one line, err stays typed
	}
	return err
}

// commit commits the open transaction, if any.
func (b *batch) commit() error {
	if b.tx == nil {
		return nil
	}
	defer b.reset()
	if err := b.tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (b *batch) reset() { b.tx, b.proxy.tx, b.open = nil, nil, 0 }

// txProxy lets one Atlas driver run on a new transaction per file, or on the
// connection when none is open.
type txProxy struct {
	db *sql.DB
	tx *sql.Tx
}

func (p *txProxy) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if p.tx != nil {
		return p.tx.ExecContext(ctx, q, args...)
	}
	return p.db.ExecContext(ctx, q, args...)
}

func (p *txProxy) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if p.tx != nil {
		return p.tx.QueryContext(ctx, q, args...)
	}
	return p.db.QueryContext(ctx, q, args...)
}
