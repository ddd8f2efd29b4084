package revert

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
	"github.com/ledgerforge/schemactl/internal/states"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// env is one target database, one dev database for the replays (on the
// same cluster, as a --dev-url), and one migration directory.
type env struct {
	t    *testing.T
	ctx  context.Context
	url  string
	dev  string
	conn *pgdb.Conn
	path string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	dev, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.Connect(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &env{t: t, ctx: ctx, url: u, dev: dev, conn: conn, path: filepath.Join(t.TempDir(), "mig")}
}

// write writes name/content pairs into the directory and rehashes it.
func (e *env) write(nameContent ...string) {
	e.t.Helper()
	require.NoError(e.t, os.MkdirAll(e.path, 0o755))
	for i := 0; i < len(nameContent); i += 2 {
		require.NoError(e.t, os.WriteFile(filepath.Join(e.path, nameContent[i]), []byte(nameContent[i+1]), 0o644))
	}
	require.NoError(e.t, e.dir().Hash())
}

func (e *env) dir() *migdir.Dir {
	e.t.Helper()
	d, err := migdir.Open("file://" + e.path)
	require.NoError(e.t, err)
	return d
}

// apply applies the pending files as `migrate apply` does, with their own
// transaction modes.
func (e *env) apply() error {
	e.t.Helper()
	_, err := apply.Run(e.ctx, e.conn, apply.Options{Dir: e.dir(), LockTimeout: 10 * time.Second})
	return err
}

// down runs a down with o, filled in as the CLI does.
func (e *env) down(o Options) (*Plan, error) {
	e.t.Helper()
	o = e.options(o)
	defer func() { require.NoError(e.t, o.Env.Close()) }()
	return Run(e.ctx, o)
}

// options fills in o as the CLI does: the target, the directory as it is
// now, and an Env on the dev database, closed when the test ends.
func (e *env) options(o Options) Options {
	e.t.Helper()
	d := e.dir()
	files, err := d.Files()
	require.NoError(e.t, err)
	st, err := states.Open(e.ctx, states.Options{DevURL: e.dev, NoCache: true, Prefix: files, Files: files})
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = st.Close() }) // down closes it first
	o.Target, o.URL, o.RevisionsSchema, o.Dir, o.Files, o.Env = e.conn, e.url, revisions.DefaultSchema, d, files, st
	if o.LockTimeout == 0 {
		o.LockTimeout = 10 * time.Second
	}
	return o
}

// exec runs SQL on the target, outside any down.
func (e *env) exec(q string) {
	e.t.Helper()
	_, err := e.conn.DB.ExecContext(e.ctx, q)
	require.NoError(e.t, err)
}

// rows runs q on the target and returns its rows, columns joined by |.
func (e *env) rows(q string) []string {
	e.t.Helper()
	rs, err := e.conn.DB.QueryContext(e.ctx, q)
	require.NoError(e.t, err)
	defer rs.Close()
	cols, err := rs.Columns()
	require.NoError(e.t, err)
	out := []string{}
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(e.t, rs.Scan(ptrs...))
		cells := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	require.NoError(e.t, rs.Err())
	return out
}

// versions are the revisions recorded, as version:applied/total.
func (e *env) versions() []string {
	e.t.Helper()
	return e.rows("SELECT version || ':' || applied || '/' || total FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version")
}

// schema is the public schema's tables, columns, types and enum values, to
// prove what a down changed and what it left.
func (e *env) schema() []string {
	e.t.Helper()
	out := e.rows(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(udt_name, '') || ' ' || is_nullable
		FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`)
	out = append(out, e.rows(`SELECT t.typname || ':' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
		FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`)...)
	return append(out, e.rows(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`)...)
}

// refused asserts err is a refusal whose reason contains each of want, and
// that the database is as it was before (schema and revisions).
func (e *env) refused(err error, schema, versions []string, want ...string) {
	e.t.Helper()
	require.Error(e.t, err)
	require.True(e.t, IsRefused(err), "want a refusal, have %v", err)
	for _, w := range want {
		require.Contains(e.t, err.Error(), w)
	}
	require.Equal(e.t, schema, e.schema(), "a refused down changed the schema")
	require.Equal(e.t, versions, e.versions(), "a refused down changed the revisions")
}

// check is the plan's check of kind on object; it fails the test when the
// plan has none.
func check(t *testing.T, p *Plan, kind, object string) Check {
	t.Helper()
	require.NotNil(t, p)
	for _, c := range p.Checks {
		if c.Kind == kind && c.Object == object {
			return c
		}
	}
	t.Fatalf("no %s check of %s in %+v", kind, object, p.Checks)
	return Check{}
}
