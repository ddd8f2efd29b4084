// Package states computes the two states every schemactl command compares:
// the desired one (the Ent schemas, normalised on a dev database) and the
// current one (the migration directory, replayed on another). The two are
// independent, so they are computed side by side.
package states

import (
	"context"
	"errors"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/entc/gen"
	"golang.org/x/sync/errgroup"

	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replay"
)

// States holds both sides. Conn stays open for planning (Atlas's planner
// needs the server's version); the caller closes it.
type States struct {
	Desired, Current *schema.Schema
	Graph            *gen.Graph
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

// Current replays dir on a clean database from pool. The connection is
// returned open; the database itself is already released.
func Current(ctx context.Context, pool *devdb.Pool, dir *migdir.Dir) (*schema.Schema, *pgdb.Conn, error) {
	var cur *schema.Schema
	conn, err := withDB(ctx, pool, func(conn *pgdb.Conn) (err error) {
		cur, err = replay.Dir(ctx, conn, dir)
		return err
	})
	return cur, conn, err
}

// CurrentSplit replays files on a clean database and returns the schema
// after the first k of them (what later files run against) and after all.
// The database is inspected twice, never per statement.
func CurrentSplit(ctx context.Context, pool *devdb.Pool, files []migrate.File, k int) (before, current *schema.Schema, conn *pgdb.Conn, err error) {
	conn, err = withDB(ctx, pool, func(conn *pgdb.Conn) error {
		if before, err = replay.Files(ctx, conn, files[:k]); err != nil {
			return err
		}
		current, err = replay.Files(ctx, conn, files[k:])
		return err
	})
	return before, current, conn, err
}

// Replay builds files on a clean database and returns the schema; the
// database is released and the connection closed before returning.
func Replay(ctx context.Context, pool *devdb.Pool, files []migrate.File) (*schema.Schema, error) {
	var s *schema.Schema
	conn, err := withDB(ctx, pool, func(conn *pgdb.Conn) (err error) {
		s, err = replay.Files(ctx, conn, files)
		return err
	})
	if conn != nil {
		conn.Close()
	}
	return s, err
}

// Verify replays files on a clean database: generated migrations are
// proven to apply before they are written.
func Verify(ctx context.Context, pool *devdb.Pool, files []migrate.File) error {
	_, err := Replay(ctx, pool, files)
	return err
}

// Desired loads the Ent schema package and normalises it on a clean
// database from pool.
func Desired(ctx context.Context, pool *devdb.Pool, schemaDir string) (*schema.Schema, *gen.Graph, error) {
	g, err := desired.LoadGraph(schemaDir)
	if err != nil {
		return nil, nil, err
	}
	var s *schema.Schema
	conn, err := withDB(ctx, pool, func(conn *pgdb.Conn) error {
		raw, err := desired.Schema(ctx, g, conn)
		if err != nil {
			return err
		}
		s, err = desired.Normalize(ctx, conn, raw)
		return err
	})
	if conn != nil {
		conn.Close()
	}
	return s, g, err
}

// Load computes both states in parallel.
func Load(ctx context.Context, pool *devdb.Pool, schemaDir string, dir *migdir.Dir) (*States, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	st := &States{Files: files}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		st.Current, st.Conn, err = Current(gctx, pool, dir)
		return err
	})
	g.Go(func() (err error) {
		st.Desired, st.Graph, err = Desired(gctx, pool, schemaDir)
		return err
	})
	if err := g.Wait(); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// withDB runs fn on a fresh database and releases it; the connection is
// returned open (nil on error).
func withDB(ctx context.Context, pool *devdb.Pool, fn func(*pgdb.Conn) error) (*pgdb.Conn, error) {
	db, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := pgdb.ConnectDev(ctx, db.URL)
	if err != nil {
		return nil, errors.Join(err, db.Release(ctx))
	}
	if err := fn(conn); err != nil {
		conn.Close()
		return nil, errors.Join(err, db.Release(context.WithoutCancel(ctx)))
	}
	if err := db.Release(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
