package states

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/realmcache"
	"github.com/ledgerforge/schemactl/internal/replaycache"
)

// Options say where to work.
type Options struct {
	DevURL  string // a clean external dev database; empty: the embedded one
	NoCache bool   // neither read nor write the replay cache
	// Prefix is the part of the directory worth caching once replayed: all
	// of it, or the files before those a change adds.
	Prefix []migrate.File
	// StoreAfter: a state is stored only when building it took at least
	// this long, as storing costs about 0.1 s (DefaultStoreAfter; zero
	// stores every new state).
	StoreAfter time.Duration
	// Exclude are atlas.hcl's exclude patterns (see internal/exclude): what
	// they match is left out of every state the Env returns for comparing,
	// the desired one and the replayed one alike.
	Exclude []string
	// Major is the embedded server's PostgreSQL major version (a dev URL's
	// docker://postgres/<major>); 0: the newest installed.
	Major int
	// Baseline is SQL run in every dev database before it is used (the
	// replay, the Ent schemas), as in Atlas's docker block; BaselineFrom
	// names where it comes from, for messages. What it creates is the
	// project's environment, not its schema: it is left out of every state
	// the Env returns (WithoutBaseline).
	Baseline, BaselineFrom string
	// Files are the migration directory's files, all of them. Ent cannot
	// declare an extension: those the files create are created for the Ent
	// schemas too, before their script (see extensions.go).
	Files []migrate.File
}

// DefaultStoreAfter keeps a new migration file or two from costing a
// snapshot each: they replay in a few milliseconds on top of the cached
// prefix, while a whole directory or an Ent schema takes tens.
const DefaultStoreAfter = 30 * time.Millisecond

// Env is one command's dev databases: a pool of clean databases, on a
// server started from the replay cache's best entry when there is one.
type Env struct {
	begin    func()        // starts the server, once
	started  atomic.Bool   // begin was called
	ready    chan struct{} // closed once the server is up (or failed)
	pool     *devdb.Pool
	startErr error

	ctx     context.Context
	devURL  string // Options.DevURL
	noCache bool   // Options.NoCache
	after   time.Duration
	store   *replaycache.Store // nil: no cache
	entry   *replaycache.Meta  // what the server started from; nil: the bare template
	prefix  hashedFiles        // Options.Prefix
	warn    error              // why the cache was not used

	realms      *realmcache.Store // inspected states; nil: no cache
	serverBuild string            // the embedded server's exact version, for realmKey
	realmErr    error             // why a realm was not stored
	pending     []pendingRealm    // realms inspected by this run, for Close

	version func() (int, error) // the server's version, asked once

	exclude []string // Options.Exclude

	opts Options
	base *schema.Realm // the baseline database, inspected; nil without a baseline
	// extensions creates, for the Ent schemas, the extensions Options.Files
	// create (parsed once, when first needed).
	extensions func() (desiredExtensions, error)

	mu      sync.Mutex
	held    state  // what the cluster's ReplayDB holds now
	taken   bool   // ReplayDB was handed out to be used in place
	replay  string // a database holding Options.Prefix, new to the cache
	desired string // a database holding the normalised Ent schema, new to the cache
	key     string // its key
}

// Open starts the dev databases. The cache is used only with the embedded
// server; a cache that cannot be read is a warning (see Close), never an
// error.
func Open(ctx context.Context, o Options) (*Env, error) {
	e := &Env{ctx: ctx, devURL: o.DevURL, noCache: o.NoCache, after: o.StoreAfter, exclude: o.Exclude, prefix: hashed(o.Prefix), ready: make(chan struct{}), opts: o}
	e.version = sync.OnceValues(func() (int, error) { return serverVersion(ctx, o.DevURL, o.Major) })
	e.extensions = sync.OnceValues(func() (desiredExtensions, error) { return extensionsOf(o.Files) })
	if o.DevURL != "" {
		e.start(ctx, o)
		if e.startErr != nil {
			return nil, e.startErr
		}
		return e, nil
	}
	// The embedded server takes 70 ms to start: the caller reads its
	// sources meanwhile. A missing server is still reported here.
	b, err := devdb.FindMajor(o.Major)
	if err != nil {
		return nil, err
	}
	e.begin = sync.OnceFunc(func() {
		e.started.Store(true)
		go e.start(ctx, o)
	})
	if !o.NoCache {
		e.realms, e.realmErr = realmcache.Open(b.Major)
		e.serverBuild = b.Version
	}
	// When the realm cache holds the directory's state, the run may need
	// no database at all (see Differ): the server starts when first asked
	// for.
	if !e.hasRealm(replayRealm, e.prefix.last()) {
		e.begin()
	}
	return e, nil
}

func (e *Env) start(ctx context.Context, o Options) {
	defer close(e.ready)
	var found *replaycache.Entry
	if o.DevURL == "" && !o.NoCache {
		found, e.warn = e.openCache()
	}
	cluster := ""
	if found != nil {
		cluster = found.Cluster
	}
	dev := devdb.Options{DevURL: o.DevURL, Major: o.Major, Archive: cluster, Baseline: o.Baseline, BaselineFrom: o.BaselineFrom}
	pool, err := devdb.OpenWith(ctx, dev)
	found.Release()
	if err != nil && found != nil && ctx.Err() == nil && !baselineFailed(err) {
		// A damaged entry must not stop the command: start afresh, and
		// drop it so that the next run does not choose it again.
		e.warn = errors.Join(fmt.Errorf("entry %s unusable, removed: %w", found.Last, err), e.store.Discard(found))
		found = nil
		dev.Archive = ""
		pool, err = devdb.OpenWith(ctx, dev)
	}
	if err == nil && o.Baseline != "" {
		if e.base, err = inspectBaseline(ctx, pool); err != nil {
			pool.Close()
			pool = nil
		}
	}
	if found != nil {
		e.entry = &found.Meta
		e.held = state{files: found.Files, sum: found.Sum, last: found.Last}
	}
	e.pool, e.startErr = pool, err
}

// serverVersion is the dev server's server_version_num, to the major
// version (150000): what the project's Ent and Atlas plan the desired
// state for, and part of its cache key. The embedded server's comes from
// its binaries, without waiting for it to start.
func (e *Env) serverVersion(ctx context.Context) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	default:
	}
	return e.version()
}

func serverVersion(ctx context.Context, devURL string, major int) (int, error) {
	if devURL == "" {
		b, err := devdb.FindMajor(major)
		if err != nil {
			return 0, err
		}
		return b.Major * 10000, nil
	}
	conn, err := pgx.Connect(ctx, devURL)
	if err != nil {
		return 0, fmt.Errorf("states: dev database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var v string
	if err := conn.QueryRow(ctx, "SHOW server_version_num").Scan(&v); err != nil {
		return 0, fmt.Errorf("states: dev database version: %w", err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("states: dev database version %q: %w", v, err)
	}
	return n / 10000 * 10000, nil
}

// baselineFailed: the baseline, not a cache entry, stopped the start.
func baselineFailed(err error) bool {
	var be *devdb.BaselineError
	var ee *devdb.ExtensionError
	return errors.As(err, &be) || errors.As(err, &ee)
}

// inspectBaseline reads what the baseline made of a clean database.
func inspectBaseline(ctx context.Context, pool *devdb.Pool) (r *schema.Realm, err error) {
	err = lend(ctx, pool, func(c *pgdb.Conn) (err error) {
		r, err = c.Inspect(ctx)
		return err
	})
	return r, err
}

// WithoutBaseline removes from r, in place, the dev database baseline's
// objects (see Options.Baseline), and returns it: for a live database
// compared with the Env's states, which leave them out already.
func (e *Env) WithoutBaseline(r *schema.Realm) *schema.Realm {
	if e.opts.Baseline == "" {
		return r
	}
	if e.begin != nil {
		e.begin() // the baseline is inspected on the server
	}
	<-e.ready
	pgdb.Subtract(r, e.base)
	return r
}

// Pool waits for the dev databases to be ready.
func (e *Env) Pool(ctx context.Context) (*devdb.Pool, error) {
	if e.begin != nil {
		e.begin()
	}
	select {
	case <-e.ready:
		return e.pool, e.startErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *Env) openCache() (*replaycache.Entry, error) {
	b, err := devdb.FindMajor(e.opts.Major)
	if err != nil {
		return nil, nil // Open reports the missing server
	}
	if e.store, err = replaycache.OpenFor(b.Major, replaycache.BaselineKey(e.opts.Baseline)); err != nil {
		return nil, err
	}
	found, err := e.store.Find(e.prefix.sums)
	if err != nil {
		e.store = nil
	}
	return found, err
}

// Close stops the dev databases. When this run built a state the cache
// lacked, the cluster is first stored as a new entry. The error is only
// ever about the cache: the command's own work is done.
func (e *Env) Close() error {
	if e == nil {
		return nil
	}
	if e.begin != nil && !e.started.Load() {
		// No server was needed; a dead run's is still swept, as a start
		// would have.
		devdb.Sweep()
		return e.cacheWarning(e.storeRealms())
	}
	<-e.ready
	if e.pool == nil {
		return nil
	}
	if e.ctx.Err() != nil {
		return e.pool.Close()
	}
	m, keep := e.newEntry()
	if keep == nil {
		return errors.Join(e.pool.Close(), e.cacheWarning(errors.Join(e.warn, e.storeRealms())))
	}
	srv := e.pool.Server()
	t := progress.Start(e.ctx, "storing the replay cache", 0)
	defer t.End()
	err := e.store.Put(m, func(dst string) error { return srv.Snapshot(e.ctx, dst, keep) })
	if err == nil {
		err = e.storeRealms()
	}
	return errors.Join(e.pool.Close(), e.cacheWarning(errors.Join(e.warn, err)))
}

func (e *Env) cacheWarning(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("replay cache not used: %w (run with --no-cache to silence this)", err)
}

// Dev lends a clean dev database of the pool to use (a pgdb.Dev): where a
// comparison lets PostgreSQL settle expressions it prints differently on
// each side. Only the few comparisons that need it call it.
func (e *Env) Dev(ctx context.Context, use func(*pgdb.Conn) error) error {
	pool, err := e.Pool(ctx)
	if err != nil {
		return err
	}
	return lend(ctx, pool, use)
}

// lend runs use on a clean database of pool, then gives the database back.
func lend(ctx context.Context, pool *devdb.Pool, use func(*pgdb.Conn) error) error {
	db, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	conn, err := pgdb.ConnectDev(ctx, db.URL)
	if err != nil {
		return errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	err = use(conn)
	return errors.Join(err, conn.Close(), db.Release(context.WithoutCancel(ctx)))
}
