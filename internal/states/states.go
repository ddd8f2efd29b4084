// Package states computes the two states every schemactl command compares:
// the desired one (the Ent schemas and the SQL composed with them,
// normalised on a dev database) and the
// current one (the migration directory, replayed on another). The two are
// independent, so they are computed side by side, and both are taken from
// the replay cache when it holds them, or from the realm cache when it
// holds their inspected schemas (realms.go).
package states

import (
	"context"
	"errors"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/entc/gen"
	"golang.org/x/sync/errgroup"

	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/replay"
	"github.com/ledgerforge/schemactl/internal/replaycache"
)

// States holds both sides, every schema of each (pgdb.Conn.Inspect). Conn
// stays open for planning (Atlas's planner needs the server's version); the
// caller closes it.
type States struct {
	Desired, Current *schema.Realm
	Graph            *gen.Graph
	Loaded           *desired.State // the desired state's sources, loaded
	Files            []migrate.File
	Conn             *pgdb.Conn
}

// Close releases the planning connection.
func (s *States) Close() error {
	if s == nil || s.Conn == nil {
		return nil
	}
	return s.Conn.Close()
}

// Current replays files on a clean database. The connection is returned
// open; the database itself is already released.
func (e *Env) Current(ctx context.Context, files []migrate.File) (*schema.Realm, *pgdb.Conn, error) {
	_, cur, conn, err := e.currentSplit(ctx, files, len(files), true)
	return cur, conn, err
}

// CurrentSplit returns the schema after the first k of files (what later
// files run against) and after all, as replayed on a clean database, or as
// the realm cache holds it when k is all of them. The database is
// inspected at most twice, never per statement. The exclude patterns apply
// to the schema after all files, the one compared; the one after k is what
// the database holds, for judging the later files (with k equal to
// len(files) the two are the same schema). Compare them with Differ.
func (e *Env) CurrentSplit(ctx context.Context, files []migrate.File, k int) (before, current *schema.Realm, err error) {
	if k == len(files) {
		if r, ok := e.cachedRealm(replayRealm, hashed(files).last()); ok {
			return r, r, exclude.Schemas(r, e.exclude)
		}
	}
	before, current, conn, err := e.currentSplit(ctx, files, k, true)
	if conn != nil {
		conn.Close()
	}
	return before, current, err
}

// Before is CurrentSplit for a caller that compares nothing with the
// schema after all files (a review of the directory alone): the files
// after the first k are applied, so a file that does not replay is still
// an error, but the database is inspected once, after k.
func (e *Env) Before(ctx context.Context, files []migrate.File, k int) (*schema.Realm, error) {
	if k == len(files) {
		before, _, err := e.CurrentSplit(ctx, files, k)
		return before, err
	}
	before, _, conn, err := e.currentSplit(ctx, files, k, false)
	if conn != nil {
		conn.Close()
	}
	return before, err
}

// currentSplit replays files and inspects the database after the first k,
// and after all of them when all is set (current is nil otherwise).
func (e *Env) currentSplit(ctx context.Context, files []migrate.File, k int, all bool) (before, current *schema.Realm, conn *pgdb.Conn, err error) {
	f := hashed(files)
	db, conn, cost, err := e.build(ctx, f, k)
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (*schema.Realm, *schema.Realm, *pgdb.Conn, error) {
		conn.Close()
		return nil, nil, nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	if before, err = inspect(ctx, conn, "inspecting the replayed schema"); err != nil {
		return fail(err)
	}
	if e.offer(db, f, k, cost) && k < len(files) {
		// The cache keeps this database as it is: go on in a copy.
		conn.Close()
		pool, _ := e.Pool(ctx) // ready: build waited
		if db, err = pool.Clone(ctx, db.Name); err != nil {
			return nil, nil, nil, err
		}
		if conn, err = pgdb.ConnectDev(ctx, db.URL); err != nil {
			return nil, nil, nil, err
		}
	}
	current = before
	if k < len(files) {
		if err := e.apply(ctx, conn, db, f, k, len(files)); err != nil {
			return fail(err)
		}
		current = nil
		if all {
			if current, err = inspect(ctx, conn, "inspecting the replayed schema"); err != nil {
				return fail(err)
			}
		}
	}
	pgdb.Subtract(before, e.base)
	if current != nil && current != before {
		pgdb.Subtract(current, e.base)
	}
	if current != nil {
		e.storeRealm(replayRealm, f.last(), current)
		if err := exclude.Schemas(current, e.exclude); err != nil {
			return fail(err)
		}
	}
	if err := db.Release(ctx); err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	return before, current, conn, nil
}

// Replay builds files on a clean database and returns the schema; the
// database is released and the connection closed before returning.
func (e *Env) Replay(ctx context.Context, files []migrate.File) (*schema.Realm, error) {
	s, conn, err := e.Current(ctx, files)
	if conn != nil {
		conn.Close()
	}
	return s, err
}

// Verify replays files on a clean database, without inspecting it: that
// they apply is all `migrate validate`, and `migrate diff` before it
// writes, needs to know.
func (e *Env) Verify(ctx context.Context, files []migrate.File) error {
	f := hashed(files)
	db, conn, cost, err := e.build(ctx, f, len(files))
	if err != nil {
		return err
	}
	e.offer(db, f, len(files), cost)
	conn.Close()
	return db.Release(ctx)
}

// Desired loads the desired-state sources (Ent schema packages, SQL
// files, external programs) and normalises their composed state on a
// clean database, or takes it from the cached cluster when the same
// script built it there. The loaded state's graph holds every package's
// types.
func (e *Env) Desired(ctx context.Context, sources ...desired.Source) (*schema.Realm, *desired.State, error) {
	st, err := e.LoadDesired(ctx, sources)
	if err != nil {
		return nil, nil, err
	}
	s, err := e.Normalised(ctx, st)
	return s, st, err
}

// LoadDesired loads the desired-state sources: the Ent schema packages
// with the project's own Ent, for this dev server's version, and the SQL
// sources (internal/desired). With NoCache, a package whose last load
// failed is loaded again rather than the failure replayed.
func (e *Env) LoadDesired(ctx context.Context, sources []desired.Source) (*desired.State, error) {
	v, err := e.serverVersion(ctx)
	if err != nil {
		return nil, err
	}
	return desired.Load(ctx, sources, desired.Options{ServerVersion: v, Retry: e.noCache})
}

// Load computes both states in parallel: the directory's files replayed,
// and the desired state normalised.
func (e *Env) Load(ctx context.Context, sources []desired.Source, files []migrate.File) (*States, error) {
	st := &States{Files: files}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		st.Current, st.Conn, err = e.Current(gctx, files)
		return err
	})
	g.Go(func() (err error) {
		st.Desired, st.Loaded, err = e.Desired(gctx, sources...)
		if st.Loaded != nil {
			st.Graph = st.Loaded.Graph
		}
		return err
	})
	if err := g.Wait(); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// build returns a database holding f's first k files and an open connection to
// it, and how long replaying took. It starts from the cluster's ReplayDB
// when that holds a prefix: the first time in place, later from a copy.
// A caller given ReplayDB itself must close the connection before the
// next copy of it.
func (e *Env) build(ctx context.Context, f hashedFiles, k int) (*devdb.DB, *pgdb.Conn, time.Duration, error) {
	pool, err := e.Pool(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	j := e.cached(f, k)
	var db *devdb.DB
	switch {
	case j > 0 && e.take():
		db, err = pool.Existing(replaycache.ReplayDB)
	case j > 0:
		db, err = pool.Clone(ctx, replaycache.ReplayDB)
	default:
		db, err = pool.Acquire(ctx)
	}
	if err != nil {
		return nil, nil, 0, err
	}
	conn, err := pgdb.ConnectDev(ctx, db.URL)
	if err != nil {
		return nil, nil, 0, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	start := time.Now()
	if err := e.apply(ctx, conn, db, f, j, k); err != nil {
		conn.Close()
		return nil, nil, 0, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	return db, conn, time.Since(start), nil
}

// apply applies f's files j to k to db, which holds the first j, and keeps track
// of what ReplayDB holds when db is it.
func (e *Env) apply(ctx context.Context, conn *pgdb.Conn, db *devdb.DB, f hashedFiles, j, k int) error {
	inPlace := db.Name == replaycache.ReplayDB
	t := progress.Nop
	if k > j {
		t = progress.Start(ctx, "replaying migration files", len(f.list))
		defer t.End()
	}
	for i, file := range f.list[j:k] {
		t.Step(j+i+1, file.Name())
		if err := replay.File(ctx, conn.DB, file); err != nil {
			if inPlace {
				e.hold(state{})
			}
			return err
		}
		killpoint.Here("states.replay")
	}
	if inPlace && k > j {
		e.hold(f.prefix(k))
	}
	return nil
}

// Normalised is the desired schema of the loaded sources, inspected from
// a database their script built (now, or in the cached cluster) or read
// from the realm cache, without what the exclude patterns match and what
// the baseline holds. The database holds the baseline and the extensions
// the directory creates before the script runs (see extensions.go).
// Without a SQL source, the state cannot declare functions, triggers or
// extensions (pgdb.SetUndeclared).
func (e *Env) Normalised(ctx context.Context, st *desired.State) (*schema.Realm, error) {
	exts, err := e.extensions()
	if err != nil {
		return nil, err
	}
	if st.DeclaresExtras() {
		// A SQL source declares the extensions itself: they are compared,
		// not copied from the directory.
		exts = nil
	}
	key := st.DDL.Key()
	if k := exts.key(); k != "" {
		key = k + "+" + key
	}
	// done finishes a realm as inspected (and, without the baseline, as
	// the realm cache keeps it).
	done := func(s *schema.Realm) (*schema.Realm, error) {
		desired.AddExternalViews(st.Graph, s)
		pgdb.SetUndeclared(s, !st.DeclaresExtras())
		return s, exclude.Schemas(s, e.exclude)
	}
	if s, ok := e.cachedRealm(desiredRealm, key); ok {
		return done(s)
	}
	pool, err := e.Pool(ctx)
	if err != nil {
		return nil, err
	}
	if e.entry != nil && e.entry.Desired == key {
		if conn := e.cachedDesired(ctx, pool); conn != nil {
			s, err := inspect(ctx, conn, "inspecting the cached desired schema")
			conn.Close()
			if err != nil {
				return nil, err
			}
			pgdb.Subtract(s, e.base)
			e.storeRealm(desiredRealm, key, s)
			return done(s)
		}
	}
	t := progress.Start(ctx, "normalising the desired schema", 0)
	defer t.End()
	db, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := pgdb.ConnectDev(ctx, db.URL)
	if err != nil {
		return nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	defer conn.Close()
	start := time.Now()
	if err := exts.create(ctx, conn); err != nil {
		return nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	if err := st.Apply(ctx, conn); err != nil {
		return nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	killpoint.Here("states.normalise")
	cost := time.Since(start)
	s, err := conn.Inspect(ctx)
	if err != nil {
		return nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	e.offerDesired(db, key, cost)
	pgdb.Subtract(s, e.base)
	e.storeRealm(desiredRealm, key, s)
	if err := db.Release(ctx); err != nil {
		return nil, err
	}
	return done(s)
}

// inspect reads the schemas of the database conn is connected to, saying
// so: on a large schema it is one of the long parts of a run.
func inspect(ctx context.Context, conn *pgdb.Conn, what string) (*schema.Realm, error) {
	t := progress.Start(ctx, what, 0)
	defer t.End()
	return conn.Inspect(ctx)
}
