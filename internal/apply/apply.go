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
	"maps"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// LockName is the advisory lock the Atlas CLI takes, so concurrent applies
// from either tool run one after another.
const LockName = "atlas_migrate_execute"

// Operator is recorded in each revision's operator_version.
var Operator = "schemactl"

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
	Applied int            // how many of them were committed (on failure too)
}

// Run applies the pending files of o.Dir on conn. Nothing is written (not
// even the revisions table) before the pending files' transaction modes are
// known to be possible. On a failure, Result says which files were
// committed before it, and the error is an *ExecError naming the file.
func Run(ctx context.Context, conn *pgdb.Conn, o Options) (*Result, error) {
	mode := o.TxMode
	switch mode {
	case "":
		mode = TxFile
	case TxFile, TxAll, TxNone:
	default:
		return nil, fmt.Errorf("apply: unknown tx-mode %q", mode)
	}
	if problems, err := o.Dir.CheckSum(); err != nil {
		return nil, err
	} else if len(problems) > 0 {
		// Not a finding here: nothing can be applied from such a directory.
		return nil, fmt.Errorf("apply: refusing to apply: %s", problems[0])
	}
	if err := checkFiles(o.Dir); err != nil {
		return nil, err
	}
	unlock, err := Lock(ctx, conn, o.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	store := revisions.New(conn.DB, o.RevisionsSchema)
	sum, err := o.Dir.Migrate().Checksum()
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	known, err := CheckHistory(ctx, o.Dir, sum, store)
	if err != nil {
		return nil, err
	}
	dir := summed{o.Dir.Migrate(), sum}
	// Atlas's Pending, on a store that writes nothing: with --baseline it
	// writes the baseline revision, which waits until the checks below pass.
	planner, err := migrate.NewExecutor(conn.Driver, dir, readOnly{store}, options(o)...)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	pending, err := planner.Pending(ctx)
	switch {
	case errors.Is(err, migrate.ErrNoPendingFiles) && o.Baseline != "" && !o.DryRun && !slices.ContainsFunc(slices.Collect(maps.Values(known)), started):
		// Baselined at the last file: Atlas still records the baseline.
		if err := store.Init(ctx); err != nil {
			return nil, err
		}
		return &Result{}, writeBaseline(ctx, o, store)
	case errors.Is(err, migrate.ErrNoPendingFiles):
		return &Result{}, nil
	case err != nil:
		return nil, fmt.Errorf("apply: %w", err)
	}
	if o.N > 0 && len(pending) > o.N {
		pending = pending[:o.N]
	}
	modes, err := txModes(pending, mode)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	res := &Result{Pending: pending}
	if o.DryRun {
		return res, nil
	}
	now, err := filesNow(conn.Driver, sum, pending)
	if err != nil {
		return nil, err
	}
	if err := store.Init(ctx); err != nil {
		return nil, err
	}
	if o.Baseline != "" && !slices.ContainsFunc(slices.Collect(maps.Values(known)), started) {
		if err := writeBaseline(ctx, o, store); err != nil {
			return nil, err
		}
	}
	b, err := newBatch(conn, dir, store, known, now, options(o))
	if err != nil {
		return nil, err
	}
	res.Applied, err = b.run(ctx, pending, modes, func(f migrate.File, i int) {
		if o.OnFile != nil {
			o.OnFile(f, i, len(pending))
		}
	})
	return res, err
}

// writeBaseline writes the revision Atlas's Pending writes for --baseline on
// a database with no revisions, as it writes it.
func writeBaseline(ctx context.Context, o Options, store *revisions.Store) error {
	files, err := o.Dir.Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Version() == o.Baseline {
			return store.WriteRevision(ctx, &migrate.Revision{Version: f.Version(), Description: f.Desc(),
				Type: migrate.RevisionTypeBaseline, ExecutedAt: time.Now(), OperatorVersion: Operator})
		}
	}
	return fmt.Errorf("apply: baseline version %q not found", o.Baseline)
}

// readOnly is the revisions store for computing the pending files: it
// writes nothing, and it does not show revisions that record nothing
// applied (see unstarted).
type readOnly struct{ *revisions.Store }

func (readOnly) WriteRevision(context.Context, *migrate.Revision) error { return nil }

func (s readOnly) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	revs, err := s.Store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(revs, unstarted), nil
}

// unstarted reports whether a revision records a file of which nothing was
// applied. Such a row is written when a file's first statement fails with
// no transaction, and was written by older schemactl versions after a
// rolled-back transaction; in both cases the database holds nothing of the
// file. Atlas's Pending takes the last revision as the point to continue
// from, so such a row after versions that were never recorded (an older
// schemactl's failed --tx-mode all batch) hid them, or made them read as
// "added out of order". Pending files are computed without these rows, and
// the file runs afresh (history.correct).
func unstarted(r *migrate.Revision) bool {
	return r.Type == migrate.RevisionTypeExecute && r.Applied == 0 && r.Total > 0
}

func started(r *migrate.Revision) bool { return !unstarted(r) }

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

// Lock takes Atlas's advisory lock, waiting at most timeout: apply and
// migrate down (internal/revert) run one after another.
func Lock(ctx context.Context, conn *pgdb.Conn, timeout time.Duration) (func(), error) {
	l, ok := conn.Driver.(schema.Locker)
	if !ok {
		return nil, errors.New("apply: the driver cannot lock")
	}
	unlock, err := l.Lock(ctx, LockName, timeout)
	if err != nil {
		return nil, fmt.Errorf("apply: another apply or down holds the lock %q (waited %s; raise --lock-timeout): %w", LockName, timeout, err)
	}
	return func() { _ = unlock() }, nil
}

// CheckHistory refuses to continue when a fully applied file no longer
// hashes to what was recorded: the database ran something else. It returns
// the revisions, by version.
//
// An atlas.sum entry hashes every file before it too, so a file added
// before an applied one (a Flyway V file before the repeatable R files
// that always run last, or any file out of order) changes the applied
// file's entry though not the file. Such a file is not compared: Atlas's
// Pending reports the added one as out of order, which is the news.
func CheckHistory(ctx context.Context, dir *migdir.Dir, sum migrate.HashFile, store *revisions.Store) (map[string]*migrate.Revision, error) {
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]*migrate.Revision{}
	for _, r := range revs {
		known[r.Version] = r
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	// behind: the recorded versions that follow an unrecorded file which
	// itself follows a recorded one.
	byVersion, behind := map[string]migrate.File{}, map[string]bool{}
	var seen, hole bool
	for _, f := range files {
		byVersion[f.Version()] = f
		_, ok := known[f.Version()]
		switch {
		case ok && hole:
			behind[f.Version()] = true
		case ok:
			seen = true
		case seen:
			hole = true
		}
	}
	for _, r := range revs {
		f, ok := byVersion[r.Version]
		if !ok || behind[r.Version] || r.Type.Has(migrate.RevisionTypeBaseline) || r.Applied != r.Total {
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
