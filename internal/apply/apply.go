// Package apply executes pending migration files on a target database, the
// way the Atlas CLI does and interchangeably with it: the same revisions
// table, the same advisory lock, the same transaction modes and partial
// resumption. It refuses to run on a history that no longer matches the
// directory.
package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// Transaction modes, as Atlas names them.
const (
	TxFile = "file" // one transaction per file (the default)
	TxAll  = "all"  // one transaction for every pending file
	TxNone = "none" // no transaction: statements commit one by one
)

// LockName is the advisory lock the Atlas CLI takes, so concurrent applies
// from either tool run one after another.
const LockName = "atlas_migrate_execute"

// Operator is recorded in each revision's operator_version.
var Operator = "schemactl"

// ErrHistoryChanged means an applied file's content differs from the hash
// recorded when it was applied.
var ErrHistoryChanged = errors.New("applied migration file was changed")

// Options configure one apply.
type Options struct {
	Dir             *migdir.Dir
	TxMode          string
	LockTimeout     time.Duration
	Baseline        string // adopt an existing database at this version
	DryRun          bool   // print, change nothing
	N               int    // apply at most N files (0: all)
	RevisionsSchema string
	// OnFile is told about each file before it runs.
	OnFile func(f migrate.File, index, total int)
}

// Result is what an apply did, or would do with DryRun.
type Result struct {
	Pending []migrate.File // the files selected to run
	Applied int            // how many ran to completion
}

// Run applies the pending files of o.Dir on conn.
func Run(ctx context.Context, conn *pgdb.Conn, o Options) (*Result, error) {
	if problems, err := o.Dir.CheckSum(); err != nil {
		return nil, err
	} else if len(problems) > 0 {
		// Not a finding here: nothing can be applied from such a directory.
		return nil, fmt.Errorf("apply: refusing to apply: %s", problems[0])
	}
	if err := checkFiles(o.Dir); err != nil {
		return nil, err
	}
	unlock, err := lock(ctx, conn, o.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	store := revisions.New(conn.DB, o.RevisionsSchema)
	if !o.DryRun {
		if err := store.Init(ctx); err != nil {
			return nil, err
		}
	}
	sum, err := o.Dir.Local().Checksum()
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	known, err := checkHistory(ctx, o.Dir, sum, store)
	if err != nil {
		return nil, err
	}
	dir := summed{o.Dir.Local(), sum}
	ex, err := migrate.NewExecutor(conn.Driver, dir, store, options(o)...)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	pending, err := ex.Pending(ctx)
	switch {
	case errors.Is(err, migrate.ErrNoPendingFiles):
		return &Result{}, nil
	case err != nil:
		return nil, fmt.Errorf("apply: %w", err)
	}
	if o.N > 0 && len(pending) > o.N {
		pending = pending[:o.N]
	}
	res := &Result{Pending: pending}
	if o.DryRun {
		return res, nil
	}
	// A file that failed in a transaction left a revision with nothing
	// applied, only its error: start it afresh, with its current hash.
	if r, err := store.ReadRevision(ctx, pending[0].Version()); err == nil && r.Applied == 0 {
		if err := store.DeleteRevision(ctx, r.Version); err != nil {
			return nil, err
		}
	}
	return res, execute(ctx, conn, o, dir, store, known, ex, pending, res)
}

// summed is the directory with its checksum computed once: Atlas's executor
// rehashes every file for each file it runs, quadratic in the directory.
type summed struct {
	migrate.Dir
	sum migrate.HashFile
}

func (d summed) Checksum() (migrate.HashFile, error) { return d.sum, nil }

func options(o Options) []migrate.ExecutorOption {
	opts := []migrate.ExecutorOption{migrate.WithOperatorVersion(Operator)}
	if o.Baseline != "" {
		opts = append(opts, migrate.WithBaselineVersion(o.Baseline))
	}
	return opts
}

// lock takes Atlas's advisory lock, waiting at most timeout.
func lock(ctx context.Context, conn *pgdb.Conn, timeout time.Duration) (func(), error) {
	l, ok := conn.Driver.(schema.Locker)
	if !ok {
		return nil, errors.New("apply: the driver cannot lock")
	}
	unlock, err := l.Lock(ctx, LockName, timeout)
	if err != nil {
		return nil, fmt.Errorf("apply: another apply holds the lock %q (waited %s; raise --lock-timeout): %w", LockName, timeout, err)
	}
	return func() { _ = unlock() }, nil
}

// checkHistory refuses to continue when a fully applied file no longer
// hashes to what was recorded: the database ran something else. It returns
// the versions that have a revision.
func checkHistory(ctx context.Context, dir *migdir.Dir, sum migrate.HashFile, store *revisions.Store) (map[string]bool, error) {
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range revs {
		known[r.Version] = true
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	byVersion := map[string]migrate.File{}
	for _, f := range files {
		byVersion[f.Version()] = f
	}
	for _, r := range revs {
		f, ok := byVersion[r.Version]
		if !ok || r.Type.Has(migrate.RevisionTypeBaseline) || r.Applied != r.Total {
			continue
		}
		h, err := sum.SumByName(f.Name())
		if err != nil {
			return nil, fmt.Errorf("apply: %w", err)
		}
		if h != r.Hash {
			return nil, fmt.Errorf("apply: %w: %s was applied with hash %s, the file now hashes to %s; restore it, and put new changes in a new migration", ErrHistoryChanged, f.Name(), r.Hash, h)
		}
	}
	return known, nil
}

// execute runs the pending files in the transaction mode asked for; a
// file's `-- atlas:txmode none` runs it outside any transaction.
func execute(ctx context.Context, conn *pgdb.Conn, o Options, dir migrate.Dir, store *revisions.Store, known map[string]bool, ex *migrate.Executor, pending []migrate.File, res *Result) error {
	mode := o.TxMode
	if mode == "" {
		mode = TxFile
	}
	t, err := newTxRunner(conn, o, dir, store, known)
	if err != nil {
		return err
	}
	if mode == TxAll {
		return inTx(ctx, t, func(tx *migrate.Executor) error {
			for i, f := range pending {
				notify(o, f, i, len(pending))
				if err := tx.Execute(ctx, f); err != nil {
					return err
				}
				if err := t.store.flush(ctx); err != nil {
					return err
				}
				res.Applied++
			}
			return nil
		}, pending)
	}
	for i, f := range pending {
		notify(o, f, i, len(pending))
		var err error
		if mode == TxNone || noTx(f) {
			err = ex.Execute(ctx, f)
		} else {
			err = inTx(ctx, t, func(tx *migrate.Executor) error { return tx.Execute(ctx, f) }, []migrate.File{f})
		}
		if err != nil {
			return err
		}
		res.Applied++
	}
	return nil
}

// inTx runs fn on an executor bound to one transaction. When it fails, the
// transaction (the file's statements and its revision) rolls back, and the
// error is then recorded on the revision outside it, as the Atlas CLI does.
func inTx(ctx context.Context, t *txRunner, fn func(*migrate.Executor) error, files []migrate.File) error {
	tx, err := t.conn.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("apply: begin: %w", err)
	}
	t.proxy.tx = tx
	defer func() { t.proxy.tx = nil }()
	if err := fn(t.ex); err != nil {
		tx.Rollback()
		t.store.pending = nil
		return errors.Join(err, recordFailure(ctx, t.dir, t.base, files, err))
	}
	if err := t.store.flush(ctx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("apply: commit: %w", err)
	}
	return nil
}

// txRunner is one executor whose driver and revisions run on the current
// transaction.
type txRunner struct {
	conn  *pgdb.Conn
	dir   migrate.Dir
	base  *revisions.Store
	proxy *txProxy
	store *buffered
	ex    *migrate.Executor
}

func newTxRunner(conn *pgdb.Conn, o Options, dir migrate.Dir, base *revisions.Store, known map[string]bool) (*txRunner, error) {
	proxy := &txProxy{db: conn.DB}
	drv, err := postgres.Open(proxy)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	store := &buffered{Store: base.On(proxy), known: known}
	ex, err := migrate.NewExecutor(drv, dir, store, options(o)...)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return &txRunner{conn: conn, dir: dir, base: base, proxy: proxy, store: store, ex: ex}, nil
}

// recordFailure writes the failed file's revision (nothing applied) with
// its error, so status shows what went wrong.
func recordFailure(ctx context.Context, dir migrate.Dir, store *revisions.Store, files []migrate.File, err error) error {
	var se *migrate.StmtExecError
	if !errors.As(err, &se) {
		return nil
	}
	for _, f := range files {
		if f.Version() != se.Version {
			continue
		}
		stmts, _ := f.StmtDecls()
		sum, err := dir.Checksum()
		if err != nil {
			return err
		}
		hash, err := sum.SumByName(f.Name())
		if err != nil {
			return err
		}
		return store.WriteRevision(ctx, &migrate.Revision{Version: f.Version(), Description: f.Desc(), Type: migrate.RevisionTypeExecute,
			Total: len(stmts), Hash: hash, ExecutedAt: time.Now(), Error: se.Err.Error(), ErrorStmt: se.Stmt.Text, OperatorVersion: Operator})
	}
	return nil
}

func notify(o Options, f migrate.File, i, n int) {
	if o.OnFile != nil {
		o.OnFile(f, i, n)
	}
}

// noTx reads the header as Atlas does, and also through CRLF line endings.
func noTx(f migrate.File) bool { return migdir.NoTx(f) }
