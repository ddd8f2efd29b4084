package compare_test

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/drift"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
)

const extrasBase = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email = lower(NEW.email);
  RETURN NEW;
END
$$;
`

// declarations place every object at line 3 of schema.sql.
type declarations struct{}

func (declarations) Declared(ref report.ObjectRef) (report.Location, bool) {
	return report.Location{File: "schema.sql", Line: 3, Element: "CREATE " + string(ref.Kind)}, true
}

// Functions (by name and argument types), triggers and extensions, both
// ways and by definition, with the codes of their own range; the SQL
// source is where to fix them.
func TestExtrasFindings(t *testing.T) {
	want, conn := inspected(t, extrasBase+`
CREATE EXTENSION citext;
CREATE FUNCTION twice(n integer) RETURNS integer LANGUAGE sql AS 'SELECT 2 * n';
CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION lower_email();
CREATE TRIGGER users_lower_upd BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION lower_email();
`)
	have, _ := inspected(t, `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email = upper(NEW.email);
  RETURN NEW;
END
$$;
CREATE FUNCTION twice(n bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 2 * n';
CREATE TRIGGER users_lower_upd BEFORE UPDATE OF email ON users FOR EACH ROW EXECUTE FUNCTION lower_email();
CREATE TRIGGER users_old AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION lower_email();
CREATE EXTENSION pg_trgm;
`)
	ctx := context.Background()
	loc := compare.WithDeclarations(locator{}, declarations{})
	res, err := compare.Realms(ctx, conn.Driver, nil, have, want, compare.EntVsMigrations, loc, mentions)
	require.NoError(t, err)
	fn := func(name string) report.ObjectRef {
		return report.ObjectRef{Kind: report.KindFunction, Schema: "public", Name: name}
	}
	trig := func(name string) report.ObjectRef {
		return report.ObjectRef{Kind: report.KindTrigger, Schema: "public", Table: "users", Name: name}
	}
	ext := func(name string) report.ObjectRef { return report.ObjectRef{Kind: report.KindExtension, Name: name} }
	sql := func(kind string) *report.Location {
		return &report.Location{File: "schema.sql", Line: 3, Element: "CREATE " + kind}
	}
	const (
		declared  = "the desired state declares it, no migration creates it"
		undecl    = "no source of the desired state declares it"
		extraSQL  = "declare it in a SQL source of the desired state (see docs/composite.md); or drop it with a migration you check by hand (`schemactl migrate diff <name>`, then review the DROP it writes)"
		differSQL = "run `schemactl migrate diff <name>`, or change the SQL source to match the migrations"
	)
	require.Equal(t, []report.Finding{
		{Code: "ENT181", Category: report.Function, Object: `function "twice"(integer)`, Ref: fn("twice(integer)"),
			Message: `function "twice"(integer) is missing: ` + declared, Fix: sql("function"), Remedy: missingEnt},
		{Code: "ENT182", Category: report.Function, Object: `function "lower_email"()`, Ref: fn("lower_email()"),
			Message: "function \"lower_email\"() differs: line 6 of its definition is `NEW.email = upper(NEW.email);` in the migrations, `NEW.email = lower(NEW.email);` in the desired state",
			Fix:     sql("function"), Remedy: differSQL},
		{Code: "ENT183", Category: report.Function, Object: `function "twice"(bigint)`, Ref: fn("twice(bigint)"),
			Message: `function "twice"(bigint) exists in the migrations, but ` + undecl, Fix: inMigration, Remedy: extraSQL},
		{Code: "ENT184", Category: report.Trigger, Object: `trigger "users_lower" on "users"`, Ref: trig("users_lower"),
			Message: `trigger "users_lower" on "users" is missing: ` + declared, Fix: sql("trigger"), Remedy: missingEnt},
		{Code: "ENT185", Category: report.Trigger, Object: `trigger "users_lower_upd" on "users"`, Ref: trig("users_lower_upd"),
			Message: `trigger "users_lower_upd" on "users" differs: in the migrations it is CREATE TRIGGER users_lower_upd BEFORE UPDATE OF email ON public.users FOR EACH ROW EXECUTE FUNCTION lower_email(); ` +
				`in the desired state it is CREATE TRIGGER users_lower_upd BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION lower_email()`,
			Fix: sql("trigger"), Remedy: differSQL},
		{Code: "ENT186", Category: report.Trigger, Object: `trigger "users_old" on "users"`, Ref: trig("users_old"),
			Message: `trigger "users_old" on "users" exists in the migrations, but ` + undecl, Fix: inMigration, Remedy: extraSQL},
		{Code: "ENT187", Category: report.Extension, Object: `extension "citext"`, Ref: ext("citext"),
			Message: `extension "citext" (in schema "public") is missing: ` + declared, Fix: sql("extension"), Remedy: missingEnt},
		{Code: "ENT189", Category: report.Extension, Object: `extension "pg_trgm"`, Ref: ext("pg_trgm"),
			Message: `extension "pg_trgm" (in schema "public") exists in the migrations, but ` + undecl, Fix: inMigration, Remedy: extraSQL},
	}, sorted(res.Findings))
	require.Empty(t, res.Notes)

	// Drift words them as the migrations against the database, DR18x.
	res, err = compare.Realms(ctx, conn.Driver, nil, have, want, drift.MigrationsVsDatabase, nil, mentions)
	require.NoError(t, err)
	require.Len(t, res.Findings, 8)
	f := sorted(res.Findings)[5]
	require.Equal(t, "DR186", f.Code)
	require.Equal(t, `trigger "users_old" on "users" exists in the database, but no applied migration creates it`, f.Message)
	require.Equal(t, drift.MigrationsVsDatabase.RemedyExtra, f.Remedy)
}

// With Ent alone as the desired state, functions, triggers and extensions
// are no finding (Ent cannot declare them): one note names what the
// migrations have.
func TestExtrasUndeclared(t *testing.T) {
	want, conn := inspected(t, "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);")
	have, _ := inspected(t, extrasBase+`
CREATE EXTENSION citext;
CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION lower_email();
`)
	pgdb.SetUndeclared(want, true)
	res, err := compare.Realms(context.Background(), conn.Driver, nil, have, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Empty(t, res.Findings)
	require.Equal(t, []string{`not declared by any source, so not checked: function "lower_email"(), trigger "users_lower" on "users", extension "citext" in the migrations ` +
		`(Ent cannot declare functions, triggers or extensions); compose a SQL file with the Ent schema (a composite_schema in atlas.hcl, or --to file://schema.sql) to check them: see docs/composite.md`}, res.Notes)

	// Nothing to say when the migrations have none.
	res, err = compare.Realms(context.Background(), conn.Driver, nil, want, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Empty(t, res.Notes)
}

// With a SQL source composed with Ent, a table only the migrations have is
// one no source declares, and the remedy names both places to declare it.
func TestComposedWording(t *testing.T) {
	have := schema.NewRealm(schema.New("public").AddTables(schema.NewTable("by_hand").AddColumns(schema.NewIntColumn("id", "integer"))))
	want := schema.NewRealm(schema.New("public"))
	changes, err := postgres.DefaultDiff.RealmDiff(have, want)
	require.NoError(t, err)
	ent := compare.Changes(changes, compare.EntVsMigrations, nil, nil).Findings
	require.Len(t, ent, 1)
	require.Contains(t, ent[0].Message, "ent/schema does not declare it")
	composed := compare.Changes(changes, compare.EntVsMigrations.Composed(true), nil, nil).Findings
	require.Len(t, composed, 1)
	require.Contains(t, composed[0].Message, "no source of the desired state declares it")
	require.Contains(t, composed[0].Remedy, "in a SQL source of the desired state")
	require.Equal(t, ent, compare.Changes(changes, compare.EntVsMigrations.Composed(false), nil, nil).Findings)
}
