package desired

import (
	"context"
	"crypto/md5"
	"fmt"
	"os"
	"slices"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/entload"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// The fixture modules of internal/entload: Ent v0.12.5, v0.13.1, v0.14.5.
const fixtures = "../../testdata/entload/"

const serverVersion = 150000

// apply runs the state's script on a fresh database and inspects its
// public schema.
func apply(t *testing.T, st *State) *schema.Schema {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, st.DDL.Exec(ctx, conn))
	r, err := conn.Inspect(ctx)
	require.NoError(t, err)
	return pgdb.Public(r)
}

func load(t *testing.T, dirs ...string) (*State, error) {
	t.Helper()
	for i, d := range dirs {
		dirs[i] = fixtures + d
	}
	return Load(context.Background(), EntSources(dirs...), Options{ServerVersion: serverVersion})
}

func hashed(name string) string { return fmt.Sprintf("%s_%x", name[:30], md5.Sum([]byte(name))) }

// Each project's own Ent decides the SQL, and the script builds it on
// PostgreSQL: uint16 is smallint up to v0.13 and integer from v0.14; the
// long names are Ent's hashed symbols, not PostgreSQL's truncation; the
// VARCHAR(17) enums stay varchar beside the native one.
func TestStatePerEntVersion(t *testing.T) {
	for _, tc := range []struct{ dir, port string }{{"v12", "smallint"}, {"v13", "smallint"}, {"v14", "integer"}} {
		t.Run(tc.dir, func(t *testing.T) {
			st, err := load(t, tc.dir+"/ent/schema")
			require.NoError(t, err)
			require.Len(t, st.Graph.Nodes, 2, "the graph comes from the load spec")
			require.Equal(t, []string{fixtures + tc.dir + "/ent/schema"}, st.Dirs())
			s := apply(t, st)
			users, ok := s.Table("users")
			require.True(t, ok)
			port, _ := users.Column("port")
			require.Equal(t, tc.port, port.Type.Raw)
			status, _ := users.Column("status")
			require.Equal(t, &schema.EnumType{T: "userstatus", Values: []string{"pending", "active"}, Schema: s}, status.Type.Type)
			for _, c := range []string{"billing_control", "dispatch_control"} {
				col, _ := users.Column(c)
				require.Equal(t, &schema.StringType{T: "character varying", Size: 17}, col.Type.Type, c)
			}
			_, ok = users.Index(hashed("user_name_port_status_billing_control_with_a_very_long_index_name"))
			require.True(t, ok, "the index has Ent's hashed name")
			_, ok = users.ForeignKey(hashed("users_groups_organisation_membership_with_a_very_long_descriptive_name"))
			require.True(t, ok, "the foreign key has Ent's hashed name")
			require.Len(t, s.Objects, 1, "one enum type, however many columns share it")
		})
	}
}

// Two packages compose one state; a table both declare is an error
// naming both.
func TestStateComposesPackages(t *testing.T) {
	st, err := load(t, "v14/ent/schema", "v14/ent/history")
	require.NoError(t, err)
	require.Len(t, st.Packages, 2)
	require.Len(t, st.Graph.Nodes, 3)
	s := apply(t, st)
	var names []string
	for _, t := range s.Tables {
		names = append(names, t.Name)
	}
	slices.Sort(names)
	require.Equal(t, []string{"groups", "user_histories", "users"}, names)

	_, err = load(t, "v14/ent/schema", "v14/ent/dup")
	require.ErrorIs(t, err, ErrDuplicateTable)
	require.EqualError(t, err, `desired: table "users" is declared by two schema packages: `+
		fixtures+`v14/ent/schema (type User) and `+fixtures+`v14/ent/dup (type User)`)
}

// Ent v0.14's views and tables of other PostgreSQL schemas are created.
func TestStateViewsAndSchemas(t *testing.T) {
	st, err := load(t, "v14/ent/realm")
	require.NoError(t, err)
	var texts []string
	for _, s := range st.DDL {
		texts = append(texts, s.Text)
	}
	require.Equal(t, `CREATE SCHEMA "audit"`, texts[0])
	require.Equal(t, `CREATE VIEW "active_accounts" AS SELECT id, email FROM accounts WHERE active`, texts[len(texts)-1])
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, st.DDL.Exec(ctx, conn))
	var n int
	require.NoError(t, conn.DB.QueryRow(`SELECT count(*) FROM audit.audit_entries`).Scan(&n))
	require.NoError(t, conn.DB.QueryRow(`SELECT count(*) FROM active_accounts`).Scan(&n))
}

// A load that fails is entload's error, whatever the package.
func TestStateLoadError(t *testing.T) {
	_, err := load(t, "v14/ent/schema", "v14/ent/broken")
	var le *entload.Error
	require.ErrorAs(t, err, &le)
	require.Contains(t, le.Msg, "undefined: undefinedName")
}

func TestNativeEnum(t *testing.T) {
	for _, tc := range []struct {
		schemaType, schema, name string
		native                   bool
	}{
		{"userstatus", "", "userstatus", true},
		{"UserStatus", "", "userstatus", true}, // Ent lower-cases SchemaType
		{`"userstatus"`, "", "userstatus", true},
		{"billing.status", "billing", "status", true},
		{"public.status", "", "status", true},
		{"VARCHAR(17)", "", "", false},
		{"varchar", "", "", false},
		{"character varying", "", "", false},
		{"character varying(20)", "", "", false},
		{"char(3)", "", "", false},
		{"text", "", "", false},
		{"TEXT", "", "", false},
		{"int", "", "", false},
		{"integer", "", "", false},
		{"smallint", "", "", false},
		{"uuid", "", "", false},
		{"jsonb", "", "", false},
		{"citext", "", "", false},
		{"text[]", "", "", false},
		{"_text", "", "", false},
		{"double precision", "", "", false},
		{"timestamp with time zone", "", "", false},
		{"numeric(10,2)", "", "", false},
		{"pg_catalog.text", "", "", false},
		{"bit varying(3)", "", "", false},
		{"", "", "", false},
		{"not a type!", "", "", false},
	} {
		schema, name, ok := NativeEnum(tc.schemaType)
		require.Equal(t, tc.native, ok, "%q", tc.schemaType)
		require.Equal(t, tc.schema, schema, "%q", tc.schemaType)
		require.Equal(t, tc.name, name, "%q", tc.schemaType)
	}
}

// Every base type of the server's pg_catalog counts as built in, so that
// a SchemaType naming one is never taken for an enum type to create.
func TestBuiltinTypesCoverTheServer(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT typname FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace AND typrelid = 0 ORDER BY 1`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, names)
	var missing []string
	for _, n := range names {
		if _, _, native := NativeEnum(n); native {
			missing = append(missing, n)
		}
	}
	require.Empty(t, missing, "pg_catalog types NativeEnum takes for enum types")
}

// Two fields naming one native type with different values are an error
// naming both; VARCHAR(17) fields with different values are not.
func TestEnumConflict(t *testing.T) {
	pkg := func(enums ...entload.Enum) *Package { return &Package{Package: &entload.Package{Enums: enums}} }
	_, err := enumTypes([]*Package{pkg(
		entload.Enum{Table: "a", Column: "status", Type: "A", Field: "status", Values: []string{"x", "y"}, SchemaType: "st"},
		entload.Enum{Table: "a", Column: "billing", Type: "A", Field: "billing", Values: []string{"m"}, SchemaType: "VARCHAR(17)"},
		entload.Enum{Table: "b", Column: "dispatch", Type: "B", Field: "dispatch", Values: []string{"n"}, SchemaType: "VARCHAR(17)"},
	), pkg(
		entload.Enum{Table: "b", Column: "status", Type: "B", Field: "status", Values: []string{"x", "z"}, SchemaType: "ST"},
	)})
	require.ErrorIs(t, err, ErrEnumConflict)
	require.EqualError(t, err, `desired: enum type declared with different values: "st" is declared by A.status as (x, y) and by B.status as (x, z)`)

	types, err := enumTypes([]*Package{pkg(
		entload.Enum{Table: "a", Column: "billing", Type: "A", Field: "billing", Values: []string{"m"}, SchemaType: "VARCHAR(17)"},
		entload.Enum{Table: "b", Column: "dispatch", Type: "B", Field: "dispatch", Values: []string{"n"}, SchemaType: "VARCHAR(17)"},
	)})
	require.NoError(t, err)
	require.Empty(t, types)
}

// postgres.ParseType agrees: what NativeEnum keeps as a plain type, Atlas
// does not take for a user-defined one either (the cases Atlas knows).
func TestNativeEnumAgreesWithAtlas(t *testing.T) {
	for _, st := range []string{"varchar(17)", "text", "char(3)", "character varying", "int", "uuid", "jsonb", "numeric(10,2)"} {
		typ, err := postgres.ParseType(st)
		require.NoError(t, err)
		_, user := typ.(*postgres.UserDefinedType)
		require.False(t, user, st)
		_, _, native := NativeEnum(st)
		require.False(t, native, st)
	}
	_, _, native := NativeEnum("userstatus")
	require.True(t, native)
	typ, err := postgres.ParseType("userstatus")
	require.NoError(t, err)
	require.IsType(t, &postgres.UserDefinedType{}, typ)
}
