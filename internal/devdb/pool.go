package devdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/progress"
)

// Pool hands out clean dev databases: fresh ones on the embedded server, or
// the one --dev-url database, checked empty and wiped after each use. With
// a baseline, every database it hands out holds the baseline's objects.
type Pool struct {
	server   *Server
	external string
	sem      chan struct{} // serialises uses of the single external database
	template string        // what the embedded server's databases are copies of
	kept     *keptObjects  // what the external database held when opened
}

// Options say which dev database to open.
type Options struct {
	DevURL  string // an external database; empty: the embedded server
	Major   int    // the embedded server's PostgreSQL major version; 0: the newest installed
	Archive string // start the embedded server from this cluster archive (see StartFrom)
	// Baseline is SQL run in every dev database before it is handed out
	// (Atlas's docker block baseline): the extensions, schemas and
	// objects the project relies on without managing them.
	Baseline string
	// BaselineFrom names where the baseline comes from, for messages
	// (e.g. atlas.hcl's line); empty: "the dev database baseline".
	BaselineFrom string
}

// BaselineDB is the embedded server's database that holds the baseline,
// the template of every database handed out.
const BaselineDB = "baseline"

// Open starts the embedded server when devURL is empty, or connects to
// devURL and refuses it unless it is empty.
func Open(ctx context.Context, devURL string) (*Pool, error) {
	return OpenWith(ctx, Options{DevURL: devURL})
}

// OpenFrom is Open with the embedded server started from the cluster
// archive (see StartFrom).
func OpenFrom(ctx context.Context, devURL, archive string) (*Pool, error) {
	return OpenWith(ctx, Options{DevURL: devURL, Archive: archive})
}

// OpenWith opens the dev databases o describes: the embedded server of
// o.Major, or o.DevURL, which must hold nothing but extensions (and what
// they own) and the baseline's objects. The baseline is run once: in the
// embedded server's template database, or in the external database when
// it does not hold the baseline's objects yet.
func OpenWith(ctx context.Context, o Options) (*Pool, error) {
	if o.DevURL == "" {
		bin, err := FindMajor(o.Major)
		if err != nil {
			return nil, err
		}
		t := progress.Start(ctx, "starting the dev database", 0)
		defer t.End()
		s, err := StartWith(ctx, bin, o.Archive)
		if err != nil {
			return nil, err
		}
		p := &Pool{server: s, template: "template0"}
		if o.Baseline != "" {
			if err := p.makeBaseline(ctx, o); err != nil {
				s.Stop()
				return nil, err
			}
		}
		return p, nil
	}
	conn, err := connect(ctx, o.DevURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	names, err := baselineNames(o.Baseline)
	if err != nil {
		return nil, baselineError(o, 0, err)
	}
	objs, err := objectsIn(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("devdb: inspect %s: %w", dsn.Redact(o.DevURL), err)
	}
	held := false // the database holds the baseline's objects already
	for _, obj := range objs {
		if obj.ext && !names.has(obj) {
			continue
		}
		if !names.has(obj) {
			return nil, fmt.Errorf("%w: %s has %s; schemactl wipes what it creates in a dev database, so point --dev-url at an empty one (extensions, and the baseline's objects, may stay)", ErrNotEmpty, dsn.Redact(o.DevURL), obj)
		}
		held = true
	}
	if o.Baseline != "" && !held {
		if err := runBaseline(ctx, o.DevURL, o); err != nil {
			return nil, err
		}
	}
	kept, err := keep(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("devdb: inspect %s: %w", dsn.Redact(o.DevURL), err)
	}
	return &Pool{external: o.DevURL, sem: make(chan struct{}, 1), kept: kept}, nil
}

// makeBaseline creates the embedded server's baseline database, which
// every database handed out copies.
func (p *Pool) makeBaseline(ctx context.Context, o Options) error {
	conn, err := pgx.Connect(ctx, p.server.URL(AdminDB))
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+BaselineDB+" TEMPLATE template0 STRATEGY FILE_COPY"); err != nil {
		return fmt.Errorf("devdb: create the baseline database: %w", err)
	}
	if err := runBaseline(ctx, p.server.URL(BaselineDB), o); err != nil {
		return err
	}
	p.template = BaselineDB
	return nil
}

// Embedded reports whether the pool runs its own server.
func (p *Pool) Embedded() bool { return p.server != nil }

// Server is the embedded server, nil with an external dev database.
func (p *Pool) Server() *Server { return p.server }

// DB is one clean database, for one use.
type DB struct {
	URL     string
	Name    string // on the embedded server; empty on an external one
	release func(context.Context) error
}

// Release gives the database back, wiping it when it is shared.
func (d *DB) Release(ctx context.Context) error { return d.release(ctx) }

// Acquire returns a clean database. On the embedded server each call gets a
// new one, so callers may work in parallel.
func (p *Pool) Acquire(ctx context.Context) (*DB, error) {
	if p.server != nil {
		return p.Clone(ctx, p.template)
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &DB{URL: p.external, release: func(ctx context.Context) error {
		defer func() { <-p.sem }()
		return wipe(ctx, p.external, p.kept)
	}}, nil
}

// Clone returns a new database copied from database tmpl of the embedded
// server.
func (p *Pool) Clone(ctx context.Context, tmpl string) (*DB, error) {
	if p.server == nil {
		return nil, errors.New("devdb: clone: no embedded server")
	}
	u, name, err := p.server.Clone(ctx, tmpl)
	if err != nil {
		return nil, err
	}
	return &DB{URL: u, Name: name, release: func(context.Context) error { return nil }}, nil
}

// Existing is database name of the embedded server, as it is.
func (p *Pool) Existing(name string) (*DB, error) {
	if p.server == nil {
		return nil, errors.New("devdb: no embedded server")
	}
	return &DB{URL: p.server.URL(name), Name: name, release: func(context.Context) error { return nil }}, nil
}

// Close stops the embedded server and removes its files.
func (p *Pool) Close() error {
	if p.server != nil {
		return p.server.Stop()
	}
	return nil
}

func connect(ctx context.Context, u string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %s", ErrUnreachable, dsn.Redact(u), dsn.Line(err))
	}
	return conn, nil
}
