package exclude_test

import (
	"slices"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/report"
)

// billing is a schema with one of each kind of object exclude patterns
// name, as PostgreSQL inspection returns them (columns know their indexes
// and foreign keys).
func billing() *schema.Schema {
	s := schema.New("public")
	plans := schema.NewTable("plans").AddColumns(schema.NewIntColumn("id", "bigint"))
	users := schema.NewTable("users").AddColumns(
		schema.NewIntColumn("id", "bigint"), schema.NewStringColumn("email", "text"),
		schema.NewStringColumn("fax", "text"), schema.NewIntColumn("plan_id", "bigint"))
	users.AddIndexes(
		schema.NewUniqueIndex("users_email_key").AddColumns(users.Columns[1]),
		schema.NewIndex("users_fax_idx").AddColumns(users.Columns[2]))
	users.AddForeignKeys(schema.NewForeignKey("users_plan_fk").AddColumns(users.Columns[3]).SetRefTable(plans).AddRefColumns(plans.Columns[0]))
	users.AddChecks(schema.NewCheck().SetName("users_email_check").SetExpr("email <> ''"))
	s.AddTables(plans, users,
		schema.NewTable("legacy_audit").AddColumns(schema.NewIntColumn("id", "bigint")),
		schema.NewTable("audit_2019").AddColumns(schema.NewIntColumn("fax", "bigint")),
		schema.NewTable("audit_2020"))
	s.AddViews(schema.NewView("active_users", "SELECT * FROM users"))
	s.AddObjects(&schema.EnumType{T: "mood", Values: []string{"ok"}}, &schema.EnumType{T: "userstatus", Values: []string{"active"}})
	schema.NewRealm(s, schema.New("archive").AddTables(schema.NewTable("legacy_audit")))
	return s
}

// objects lists what a schema holds, one line per object.
func objects(s *schema.Schema) []string {
	var out []string
	for _, t := range s.Tables {
		out = append(out, "table "+t.Name)
		for _, c := range t.Columns {
			out = append(out, "column "+t.Name+"."+c.Name)
		}
		for _, i := range t.Indexes {
			out = append(out, "index "+t.Name+"."+i.Name)
		}
		for _, f := range t.ForeignKeys {
			out = append(out, "fk "+t.Name+"."+f.Symbol)
		}
		for _, a := range t.Attrs {
			if c, ok := a.(*schema.Check); ok {
				out = append(out, "check "+t.Name+"."+c.Name)
			}
		}
	}
	for _, v := range s.Views {
		out = append(out, "view "+v.Name)
	}
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok {
			out = append(out, "enum "+e.T)
		}
	}
	return out
}

// The patterns Atlas's own tests exercise (sql/schema/exclude_test.go),
// on a schema like the ones schemactl compares: each case lists what the
// patterns remove, relative to public (schemactl's scope).
func TestSchema(t *testing.T) {
	all := objects(billing())
	for _, tc := range []struct {
		name     string
		patterns []string
		removed  []string
	}{
		{"a table by name", []string{"legacy_audit"}, []string{"table legacy_audit", "column legacy_audit.id"}},
		{"a table with its selector", []string{"legacy_audit[type=table]"}, []string{"table legacy_audit", "column legacy_audit.id"}},
		{"a selector of another type", []string{"legacy_audit[type=view]"}, nil},
		{"no match", []string{"nothing", "users.nothing"}, nil},
		{"a column takes its indexes", []string{"users.fax"}, []string{"column users.fax", "index users.users_fax_idx"}},
		// Atlas drops a column's indexes only when the pattern may name
		// indexes too: with [type=column] they stay.
		{"a column with its selector", []string{"users.fax[type=column]"}, []string{"column users.fax"}},
		{"a column takes its foreign keys", []string{"users.plan_id"}, []string{"column users.plan_id", "fk users.users_plan_fk"}},
		{"an index", []string{"users.users_fax_idx[type=index]"}, []string{"index users.users_fax_idx"}},
		{"a foreign key", []string{"users.users_plan_fk[type=fk]"}, []string{"fk users.users_plan_fk"}},
		{"a check", []string{"users.users_email_check[type=check]"}, []string{"check users.users_email_check"}},
		{"a check by name alone", []string{"users.users_email_check"}, []string{"check users.users_email_check"}},
		{"several selectors", []string{"users.*[type=index|fk]"}, []string{"index users.users_email_key", "index users.users_fax_idx", "fk users.users_plan_fk"}},
		{"a column of every table", []string{"*.fax[type=column]"}, []string{"column users.fax", "column audit_2019.fax"}},
		{"a glob over tables", []string{"audit_*"}, []string{"table audit_2019", "column audit_2019.fax", "table audit_2020"}},
		{"a character class", []string{"audit_20[12][9]"}, []string{"table audit_2019", "column audit_2019.fax"}},
		{"tables only", []string{"*[type=table]"}, slices.DeleteFunc(slices.Clone(all), func(o string) bool {
			return o == "view active_users" || o == "enum mood" || o == "enum userstatus"
		})},
		{"an enum type by name", []string{"mood"}, []string{"enum mood"}},
		{"an enum type with its selector", []string{"mood[type=enum]"}, []string{"enum mood"}},
		{"every enum type", []string{"*[type=enum]"}, []string{"enum mood", "enum userstatus"}},
		{"a view", []string{"active_users[type=view]"}, []string{"view active_users"}},
		{"everything", []string{"*"}, all},
		{"a quoted part", []string{`"users".fax`}, []string{"column users.fax", "index users.users_fax_idx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := billing()
			require.NoError(t, exclude.CheckSchema(tc.patterns))
			require.NoError(t, exclude.Schema(s, tc.patterns))
			want := slices.DeleteFunc(slices.Clone(all), func(o string) bool { return slices.Contains(tc.removed, o) })
			require.ElementsMatch(t, want, objects(s))
			require.Len(t, s.Realm.Schemas, 2, "schema scope never removes a schema")
			require.Len(t, s.Realm.Schemas[1].Tables, 1, "nor touches another schema")
		})
	}
}

// Over a realm, the first part is the schema.
func TestRealm(t *testing.T) {
	for _, tc := range []struct {
		name     string
		patterns []string
		schemas  []string
		public   int // tables left in public
		archive  int // tables left in archive
	}{
		{"a schema", []string{"archive"}, []string{"public"}, 5, 0},
		{"a schema with its selector", []string{"archive[type=schema]"}, []string{"public"}, 5, 0},
		{"a table of one schema", []string{"archive.legacy_audit"}, []string{"public", "archive"}, 5, 0},
		{"a table of every schema", []string{"*.legacy_audit"}, []string{"public", "archive"}, 4, 0},
		{"a column", []string{"public.users.fax"}, []string{"public", "archive"}, 5, 1},
		{"everything", []string{"*"}, nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := billing()
			r := s.Realm
			require.NoError(t, exclude.CheckRealm(tc.patterns))
			require.NoError(t, exclude.Realm(r, tc.patterns))
			var names []string
			for _, s := range r.Schemas {
				names = append(names, s.Name)
			}
			require.Equal(t, tc.schemas, names)
			if slices.Contains(names, "public") {
				require.Len(t, s.Tables, tc.public)
			}
			if slices.Contains(names, "archive") {
				require.Len(t, r.Schemas[len(r.Schemas)-1].Tables, tc.archive)
			}
		})
	}
}

// A schema outside any realm (not what inspection returns) is filtered
// all the same and left without one.
func TestSchemaWithoutRealm(t *testing.T) {
	s := schema.New("public").AddTables(schema.NewTable("users"), schema.NewTable("legacy_audit"))
	require.NoError(t, exclude.Schema(s, []string{"legacy_audit"}))
	require.Len(t, s.Tables, 1)
	require.Nil(t, s.Realm)
}

// Bad patterns are found before any work, with the pattern named; Atlas's
// own errors are wrapped the same way.
func TestBadPatterns(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		realm    bool
		msg      string
	}{
		{[]string{"users.fax.x"}, false, `bad exclude pattern "users.fax.x": 3 parts, at most 2 (TABLE or TABLE.OBJECT, relative to the schema)`},
		{[]string{"public.users.fax.x"}, true, `bad exclude pattern "public.users.fax.x": 4 parts, at most 3 (SCHEMA, SCHEMA.TABLE or SCHEMA.TABLE.OBJECT)`},
		{[]string{"ok", "users[.fax"}, false, `bad exclude pattern "users[.fax": "users[": syntax error in pattern`},
		{[]string{`us"ers`}, false, `bad exclude pattern "us\"ers": parse error on line 1, column 3: bare " in non-quoted-field`},
		{[]string{""}, false, `bad exclude pattern "": want one line of dot-separated parts`},
		{[]string{"a\nb"}, false, `bad exclude pattern "a\nb": want one line of dot-separated parts`},
	} {
		check := exclude.CheckSchema
		if tc.realm {
			check = exclude.CheckRealm
		}
		err := check(tc.patterns)
		require.ErrorIs(t, err, exclude.ErrPattern)
		require.EqualError(t, err, tc.msg)
	}
	// What Atlas rejects as it matches.
	err := exclude.Schema(billing(), []string{"users.fax.x"})
	require.ErrorIs(t, err, exclude.ErrPattern)
	require.EqualError(t, err, `exclude: bad exclude pattern: too many parts in pattern: "public.users.fax.x"`)
}

// Pattern names exactly one object: applied, it removes that object and
// nothing else, whatever characters the name holds.
func TestPattern(t *testing.T) {
	odd := []string{"star*", "dot.ted", `quo"te`, "br[ack]et", `back\slash`, "que?ry"}
	build := func() *schema.Schema {
		s := schema.New("public")
		for _, n := range odd {
			t := schema.NewTable(n).AddColumns(schema.NewStringColumn(n, "text"), schema.NewStringColumn(n+"x", "text"))
			t.AddIndexes(schema.NewIndex(n + "_idx").AddColumns(t.Columns[1]))
			s.AddTables(t)
			// A table and an enum type cannot share a name in PostgreSQL
			// (a table has a row type of its name).
			s.AddObjects(&schema.EnumType{T: n + "_enum"})
		}
		schema.NewRealm(s)
		return s
	}
	all := objects(build())
	for _, n := range odd {
		for _, tc := range []struct {
			ref     report.ObjectRef
			removed []string
		}{
			{report.ObjectRef{Kind: report.KindTable, Schema: "public", Table: n}, []string{"table " + n, "column " + n + "." + n, "column " + n + "." + n + "x", "index " + n + "." + n + "_idx"}},
			{report.ObjectRef{Kind: report.KindColumn, Schema: "public", Table: n, Name: n}, []string{"column " + n + "." + n}},
			{report.ObjectRef{Kind: report.KindIndex, Schema: "public", Table: n, Name: n + "_idx"}, []string{"index " + n + "." + n + "_idx"}},
			{report.ObjectRef{Kind: report.KindForeignKey, Schema: "public", Table: n, Name: n + "_idx"}, nil},
			{report.ObjectRef{Kind: report.KindEnumType, Schema: "public", Name: n + "_enum"}, []string{"enum " + n + "_enum"}},
		} {
			p := exclude.Pattern(tc.ref)
			s := build()
			require.NoError(t, exclude.CheckSchema([]string{p}), p)
			require.NoError(t, exclude.Schema(s, []string{p}), p)
			want := slices.DeleteFunc(slices.Clone(all), func(o string) bool { return slices.Contains(tc.removed, o) })
			require.Equal(t, want, objects(s), "pattern %s for %s", p, tc.ref)
		}
	}
	require.Equal(t, "legacy_audit", exclude.Pattern(report.ObjectRef{Kind: report.KindTable, Table: "legacy_audit"}))
	require.Equal(t, "users.fax", exclude.Pattern(report.ObjectRef{Kind: report.KindColumn, Table: "users", Name: "fax"}))
	require.Equal(t, `"dot.ted".star\*[type=check]`, exclude.Pattern(report.ObjectRef{Kind: report.KindCheck, Table: "dot.ted", Name: "star*"}))
	require.Equal(t, `users.users_fax_idx[type=index]`, exclude.Pattern(report.ObjectRef{Kind: report.KindIndex, Table: "users", Name: "users_fax_idx"}))
	require.Equal(t, `users.users_plan_fk[type=fk]`, exclude.Pattern(report.ObjectRef{Kind: report.KindForeignKey, Table: "users", Name: "users_plan_fk"}))
	require.Empty(t, exclude.Pattern(report.ObjectRef{Kind: report.KindPrimaryKey, Table: "users"}))
	require.Empty(t, exclude.Pattern(report.ObjectRef{}))
}

func TestHCL(t *testing.T) {
	require.Equal(t, `exclude = ["legacy_audit"]`, exclude.HCL("legacy_audit"))
	require.Equal(t, `exclude = ["users.fax", "\"dot.ted\".star\\*", "a$${b}"]`, exclude.HCL("users.fax", `"dot.ted".star\*`, "a${b}"))
}

// A view's pattern names its type, and removes the view alone.
func TestPatternView(t *testing.T) {
	s := schema.New("public").AddTables(schema.NewTable("totals_src").AddColumns(schema.NewIntColumn("id", "integer")))
	s.AddViews(schema.NewView("totals", "SELECT id FROM totals_src"))
	schema.NewRealm(s)
	p := exclude.Pattern(report.ObjectRef{Kind: report.KindView, Schema: "public", Name: "totals"})
	require.Equal(t, "totals[type=view]", p)
	require.NoError(t, exclude.Schema(s, []string{p}))
	require.Empty(t, s.Views)
	require.Len(t, s.Tables, 1)
}
