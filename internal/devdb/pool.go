package devdb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/dsn"
)

// Pool hands out clean dev databases: fresh ones on the embedded server, or
// the one --dev-url database, checked empty and wiped after each use.
type Pool struct {
	server   *Server
	external string
	sem      chan struct{} // serialises uses of the single external database
}

// Open starts the embedded server when devURL is empty, or connects to
// devURL and refuses it unless it is empty.
func Open(ctx context.Context, devURL string) (*Pool, error) { return OpenFrom(ctx, devURL, "") }

// OpenFrom is Open with the embedded server started from the cluster
// archive (see StartFrom).
func OpenFrom(ctx context.Context, devURL, archive string) (*Pool, error) {
	if devURL == "" {
		s, err := StartFrom(ctx, archive)
		if err != nil {
			return nil, err
		}
		return &Pool{server: s}, nil
	}
	conn, err := connect(ctx, devURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	if obj, err := firstObject(ctx, conn); err != nil {
		return nil, fmt.Errorf("devdb: inspect %s: %w", dsn.Redact(devURL), err)
	} else if obj != "" {
		return nil, fmt.Errorf("%w: %s has %s; schemactl wipes what it creates in a dev database, so point --dev-url at an empty one", ErrNotEmpty, dsn.Redact(devURL), obj)
	}
	return &Pool{external: devURL, sem: make(chan struct{}, 1)}, nil
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
		return p.Clone(ctx, "template0")
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &DB{URL: p.external, release: func(ctx context.Context) error {
		defer func() { <-p.sem }()
		return wipe(ctx, p.external)
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

// userObjects lists what makes a database non-empty: any schema but public,
// and any relation, type or routine outside the system schemas.
const userObjects = `
SELECT 'schema "' || nspname || '"' FROM pg_namespace
 WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT 'relation "' || n.nspname || '.' || c.relname || '"' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public'
UNION ALL
SELECT 'type "' || n.nspname || '.' || t.typname || '"' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm')
UNION ALL
SELECT 'function "' || n.nspname || '.' || p.proname || '"' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public'
LIMIT 1`

func firstObject(ctx context.Context, conn *pgx.Conn) (string, error) {
	var obj string
	err := conn.QueryRow(ctx, userObjects).Scan(&obj)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return obj, err
}

// wipe returns the external dev database to the empty state Open checked.
func wipe(ctx context.Context, u string) error {
	conn, err := connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') AND nspname NOT LIKE 'pg\_%'`)
	if err != nil {
		return fmt.Errorf("devdb: wipe: %w", err)
	}
	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("devdb: wipe: %w", err)
	}
	stmts := []string{"DROP SCHEMA public CASCADE", "CREATE SCHEMA public"}
	for _, s := range schemas {
		stmts = append(stmts, "DROP SCHEMA "+pgx.Identifier{s}.Sanitize()+" CASCADE")
	}
	if _, err := conn.Exec(ctx, strings.Join(stmts, "; ")); err != nil {
		return fmt.Errorf("devdb: wipe: %w", err)
	}
	return nil
}
