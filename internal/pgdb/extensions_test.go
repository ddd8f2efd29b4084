package pgdb

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// TestExtensionOwnedObjects: what an extension owns is never part of an
// inspected realm (a table and an enum type made members of citext here,
// as PostGIS's spatial_ref_sys is of postgis), and the five contrib
// extensions projects use most leave nothing in it but the project's.
func TestExtensionOwnedObjects(t *testing.T) {
	c := dev(t, `CREATE EXTENSION citext; CREATE EXTENSION hstore; CREATE EXTENSION pg_trgm;
		CREATE EXTENSION pgcrypto; CREATE EXTENSION "uuid-ossp";
		CREATE TABLE spatial_ref_sys (srid int PRIMARY KEY); ALTER EXTENSION citext ADD TABLE spatial_ref_sys;
		CREATE TYPE ext_kind AS ENUM ('a'); ALTER EXTENSION citext ADD TYPE ext_kind;
		CREATE TABLE users (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), email citext, attrs hstore, token bytea DEFAULT gen_random_bytes(8));
		CREATE INDEX users_email ON users USING gin (email gin_trgm_ops)`)
	r, err := c.Inspect(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{"users"}, tableNames(Tables(r)))
	require.Empty(t, Enums(r))
	require.Empty(t, Views(r))
	require.Len(t, r.Schemas, 1)
	require.Empty(t, r.Schemas[0].Objects)
}

// TestSubtract: the baseline's objects, and its schemas left empty, leave
// a realm; the project's own stay, in the baseline's schemas too.
func TestSubtract(t *testing.T) {
	const baseline = `CREATE SCHEMA auth; CREATE EXTENSION citext; CREATE TYPE auth.role AS ENUM ('admin');
		CREATE TABLE auth.users (id int PRIMARY KEY); CREATE SCHEMA audit; CREATE TABLE audit.log (id int)`
	ctx := context.Background()
	base, err := dev(t, baseline).Inspect(ctx)
	require.NoError(t, err)
	r, err := dev(t, baseline+`; CREATE EXTENSION hstore; CREATE TABLE profiles (user_id int REFERENCES auth.users, nick citext);
		CREATE TABLE audit.entries (id int)`).Inspect(ctx)
	require.NoError(t, err)
	Subtract(r, base)
	var got []string
	for _, s := range r.Schemas {
		got = append(got, s.Name+":"+strings.Join(tableNames(s.Tables), ","))
		for _, o := range s.Objects {
			got = append(got, s.Name+":"+objectName(o))
		}
	}
	require.Equal(t, []string{"audit:entries", "public:profiles"}, got)
	Subtract(r, nil)
	require.Len(t, r.Schemas, 2)
}

func tableNames(ts []*schema.Table) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}
