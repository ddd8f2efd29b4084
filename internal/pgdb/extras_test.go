package pgdb

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

const extrasSQL = `
CREATE EXTENSION citext;
CREATE SCHEMA audit;
CREATE TABLE users (id bigint PRIMARY KEY, email citext NOT NULL, updated_at timestamptz);
CREATE TABLE audit.log (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END
$$;
CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION add(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT a || b';
CREATE FUNCTION audit.record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit.log (user_id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE PROCEDURE audit.purge(keep integer) LANGUAGE sql AS 'DELETE FROM audit.log WHERE id < keep';
CREATE AGGREGATE concat_all(text) (SFUNC = textcat, STYPE = text);
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER users_audit AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION audit.record();
CREATE VIEW active_users AS SELECT id, email FROM users WHERE updated_at IS NOT NULL;
`

// The catalogs give what Atlas's open-source inspection leaves out:
// functions (overloads apart, procedures too), triggers and extensions.
// Left out: citext's own functions in public (extension-owned), the
// aggregate, the foreign key's internal triggers, and plpgsql.
func TestInspectExtras(t *testing.T) {
	r, err := dev(t, extrasSQL).Inspect(context.Background())
	require.NoError(t, err)
	x := ExtrasOf(r)

	var funcs []string
	for _, f := range x.Funcs {
		funcs = append(funcs, FuncKey(f)+" "+InfoOf(f).Kind+" "+f.Lang)
	}
	require.Equal(t, []string{
		"audit.purge(integer) procedure sql",
		"audit.record() function plpgsql",
		"public.add(integer, integer) function sql",
		"public.add(text, text) function sql",
		"public.touch() function plpgsql",
	}, funcs)
	touch := x.Funcs[4]
	require.Contains(t, touch.Body, "CREATE OR REPLACE FUNCTION public.touch()")
	require.Contains(t, touch.Body, "NEW.updated_at = now();")
	require.Equal(t, "trigger", InfoOf(touch).Result)
	require.Equal(t, "a integer, b integer", InfoOf(x.Funcs[2]).Args)
	s, ok := r.Schema("public")
	require.True(t, ok)
	require.Same(t, s, touch.Schema, "a function points at the realm's schema")

	var trigs []string
	for _, tr := range x.Triggers {
		trigs = append(trigs, TriggerKey(tr)+" -> "+triggerFunc(tr))
	}
	require.Equal(t, []string{"public.users.users_audit -> audit.record()", "public.users.users_touch -> public.touch()"}, trigs)
	users, _ := s.Table("users")
	require.Same(t, users, x.Triggers[1].Table)
	require.Equal(t, "CREATE TRIGGER users_touch BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION touch()", x.Triggers[1].Body)

	require.Len(t, x.Extensions, 1)
	require.Equal(t, Extension{Name: "citext", Schema: "public", Version: x.Extensions[0].Version}, *x.Extensions[0])

	// The view is read as before; the extras do not disturb Atlas's realm.
	_, ok = s.View("active_users")
	require.True(t, ok)
	require.Empty(t, s.Funcs)
	require.Empty(t, users.Triggers)
}

// Two databases built from the same script have no differences; every
// kind of change is one of Atlas's change types, and an undeclaring
// desired side compares nothing.
func TestDiffExtras(t *testing.T) {
	ctx := context.Background()
	have, err := dev(t, extrasSQL).Inspect(ctx)
	require.NoError(t, err)
	same, err := dev(t, extrasSQL).Inspect(ctx)
	require.NoError(t, err)
	require.Empty(t, DiffExtras(have, same))

	changed := strings.NewReplacer(
		"NEW.updated_at = now();", "NEW.updated_at = clock_timestamp();",
		"CREATE TRIGGER users_audit AFTER INSERT", "CREATE TRIGGER users_audit AFTER INSERT OR UPDATE",
		"CREATE FUNCTION add(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT a || b';", "",
		"CREATE EXTENSION citext;", "CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;",
	).Replace(extrasSQL) + "CREATE FUNCTION twice(n integer) RETURNS integer LANGUAGE sql AS 'SELECT 2 * n';"
	want, err := dev(t, changed).Inspect(ctx)
	require.NoError(t, err)
	var got []string
	for _, c := range DiffExtras(have, want) {
		switch c := c.(type) {
		case *schema.AddFunc:
			got = append(got, "add "+FuncKey(c.F))
		case *schema.ModifyFunc:
			got = append(got, "modify "+FuncKey(c.To))
		case *schema.DropFunc:
			got = append(got, "drop "+FuncKey(c.F))
		case *schema.ModifyTrigger:
			got = append(got, "modify "+TriggerKey(c.To))
		case *schema.AddObject:
			got = append(got, "add "+c.O.(*Extension).Name)
		default:
			got = append(got, "other")
		}
	}
	require.Equal(t, []string{"modify public.touch()", "add public.twice(integer)", "drop public.add(text, text)",
		"modify public.users.users_audit", "add pg_trgm"}, got)

	SetUndeclared(want, true)
	require.Empty(t, DiffExtras(have, want))
}

// Whatever the change, the plan applies and leaves the two sides equal:
// a new extension and function, a changed body (CREATE OR REPLACE), a
// function whose result type changes (dropped and created again, with the
// trigger that executes it), a changed trigger, dropped objects, and a
// trigger on a table the diff drops (it goes with the table).
func TestPlanExtrasApplies(t *testing.T) {
	ctx := context.Background()
	from := extrasSQL + `
CREATE TABLE legacy (id int PRIMARY KEY);
CREATE FUNCTION legacy_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER legacy_guard BEFORE INSERT ON legacy FOR EACH ROW EXECUTE FUNCTION legacy_guard();
CREATE FUNCTION stamp(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
`
	to := strings.NewReplacer(
		"NEW.updated_at = now();", "NEW.updated_at = clock_timestamp();",
		"CREATE TRIGGER users_audit AFTER INSERT", "CREATE TRIGGER users_audit AFTER INSERT OR UPDATE",
		"CREATE EXTENSION citext;", "CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;",
		"CREATE FUNCTION add(a text, b text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT a || b';", "",
	).Replace(extrasSQL) + `
CREATE FUNCTION stamp(a integer) RETURNS bigint LANGUAGE sql AS 'SELECT a::bigint';
CREATE FUNCTION upper_email(u users) RETURNS text LANGUAGE sql AS 'SELECT upper(u.email::text)';
CREATE TRIGGER users_stamp AFTER DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION audit.record();
`
	cur := dev(t, from)
	current, err := cur.Inspect(ctx)
	require.NoError(t, err)
	desired, err := dev(t, to).Inspect(ctx)
	require.NoError(t, err)

	changes, err := DiffRealms(ctx, cur.Driver, nil, current, desired)
	require.NoError(t, err)
	views, rest := SplitViews(changes)
	extras, rest := SplitExtras(rest)
	require.Empty(t, views)
	p := PlanExtras(extras, rest, current)
	plan, err := Plan(ctx, cur.Driver, "t", rest, current, desired)
	require.NoError(t, err)
	all := append(append(append(p.First, plan.Changes...), p.Funcs...), p.Last...)
	var script []string
	for _, c := range all {
		script = append(script, c.Cmd)
	}
	require.Equal(t, []string{
		`CREATE EXTENSION "pg_trgm" WITH SCHEMA "public"`,
		`DROP TRIGGER "users_audit" ON "users"`,
		`DROP TABLE "legacy"`,
		`DROP FUNCTION "stamp"(integer)`,
	}, []string{script[0], script[1], script[2], script[3]})
	for _, c := range all {
		_, err := cur.DB.ExecContext(ctx, c.Cmd)
		require.NoError(t, err, c.Cmd)
	}
	after, err := cur.Inspect(ctx)
	require.NoError(t, err)
	left, err := DiffRealms(ctx, cur.Driver, nil, after, desired)
	require.NoError(t, err)
	require.Empty(t, left, "the plan leaves nothing to do:\n%s", strings.Join(script, ";\n"))
}
