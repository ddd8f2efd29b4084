package compare_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/drift"
	"github.com/ledgerforge/schemactl/internal/report"
)

// fixture is a small schema in the domain's shape: users with a native enum
// and a unique email; posts with a foreign key, an index with a predicate
// and a CHECK. Each call builds fresh values, so a case may change one side.
func fixture() *schema.Schema {
	s := schema.New("public")
	status := &schema.EnumType{T: "userstatus", Values: []string{"pending", "active"}, Schema: s}
	s.Objects = append(s.Objects, status)

	users := schema.NewTable("users").AddColumns(
		schema.NewIntColumn("id", "bigint"),
		schema.NewStringColumn("email", "character varying"),
		&schema.Column{Name: "status", Type: &schema.ColumnType{Type: status}, Default: &schema.RawExpr{X: "'pending'::userstatus"}},
	)
	users.SetPrimaryKey(schema.NewPrimaryKey(users.Columns[0]))
	users.AddIndexes(schema.NewUniqueIndex("users_email_key").AddColumns(users.Columns[1]))

	posts := schema.NewTable("posts").AddColumns(
		schema.NewIntColumn("id", "bigint"),
		schema.NewIntColumn("user_id", "bigint"),
		schema.NewStringColumn("title", "character varying"),
		schema.NewNullTimeColumn("deleted_at", "timestamp with time zone"),
	)
	posts.SetPrimaryKey(schema.NewPrimaryKey(posts.Columns[0]))
	posts.AddIndexes(schema.NewIndex("post_user_id_title").AddColumns(posts.Columns[1], posts.Columns[2]).
		AddAttrs(&postgres.IndexPredicate{P: "(deleted_at IS NULL)"}))
	posts.AddForeignKeys(schema.NewForeignKey("posts_users_posts").AddColumns(posts.Columns[1]).
		SetRefTable(users).AddRefColumns(users.Columns[0]).SetOnDelete(schema.Cascade).SetOnUpdate(schema.NoAction))
	posts.AddChecks(schema.NewCheck().SetName("posts_title_not_empty").SetExpr("((title)::text <> ''::text)"))

	s.AddTables(users, posts)
	return s
}

func table(s *schema.Schema, name string) *schema.Table {
	t, ok := s.Table(name)
	if !ok {
		panic("no table " + name)
	}
	return t
}

func column(s *schema.Schema, t, c string) *schema.Column {
	col, ok := table(s, t).Column(c)
	if !ok {
		panic("no column " + t + "." + c)
	}
	return col
}

func enum(s *schema.Schema) *schema.EnumType { return s.Objects[0].(*schema.EnumType) }

// locator places every element in a file named after its table, with the
// arguments it was asked for, so a finding shows which question the
// engine asked. Nothing is found in the table "unplaced".
type locator struct{}

func at(table, element string) (report.Location, bool) {
	if table == "unplaced" {
		return report.Location{}, false
	}
	return report.Location{File: "ent/schema/" + table + ".go", Element: element}, true
}

func (locator) Table(t string) (report.Location, bool) { return at(t, "schema") }
func (locator) View(v string) (report.Location, bool)  { return at(v, "view") }
func (locator) Column(t, c string) (report.Location, bool) {
	return at(t, fmt.Sprintf("field %q", c))
}
func (locator) Index(t string, cols []string, unique bool) (report.Location, bool) {
	return at(t, fmt.Sprintf("index (%s) unique=%t", strings.Join(cols, ","), unique))
}
func (locator) ForeignKey(t string, cols []string) (report.Location, bool) {
	return at(t, fmt.Sprintf("edge on (%s)", strings.Join(cols, ",")))
}
func (locator) Action(t string, cols []string) (report.Location, bool) {
	return at(t, fmt.Sprintf("edge action on (%s)", strings.Join(cols, ",")))
}
func (locator) Check(t, name string) (report.Location, bool) {
	return at(t, fmt.Sprintf("check %q", name))
}
func (locator) EnumType(name string) (report.Location, bool) {
	return report.Location{File: "ent/schema/enums.go", Element: name}, true
}

// mentions finds every identifier on line 7 of one migration file, except
// "nowhere".
func mentions(ident string) (report.Location, bool) {
	if ident == "nowhere" {
		return report.Location{}, false
	}
	return report.Location{File: "migrations/1_init.sql", Line: 7}, true
}

func loc(file, element string) *report.Location {
	return &report.Location{File: file, Element: element}
}

var inMigration = &report.Location{File: "migrations/1_init.sql", Line: 7}

func ref(kind report.ObjectKind, t, name string) report.ObjectRef {
	return report.ObjectRef{Kind: kind, Schema: "public", Table: t, Name: name}
}

const (
	missingEnt  = "run `schemactl migrate diff <name>` to write the migration"
	differsEnt  = "run `schemactl migrate diff <name>`, or change ent/schema to match the migrations"
	declaredEnt = "ent/schema declares it, no migration creates it"
)

// extraEnt is the gate's remedy for an object only the migrations have,
// accepted by pattern.
func extraEnt(pattern string) string {
	return "declare it in ent/schema; or accept it: `exclude = [\"" + pattern + "\"]` in the env block of atlas.hcl (read with `--env`, or the `default_env` of its `schemactl {}` block); or drop it with a migration you check by hand (`schemactl migrate diff <name>`, then review the DROP it writes)"
}

// Each kind of change the engine classifies, in both directions: Have is
// the replayed migrations, Want the Ent schemas (the gate's sides). The
// changes are Atlas's own diff (its PostgreSQL differ), as in the gate.
func TestGateFindings(t *testing.T) {
	for _, tt := range []struct {
		name       string
		have, want func(*schema.Schema)
		findings   []report.Finding
		// normalized diffs as Atlas does when both states are normalised;
		// only then does its differ compare CHECK expressions.
		normalized bool
	}{
		{
			name: "in sync",
		},
		{
			name: "table missing",
			want: func(s *schema.Schema) {
				s.AddTables(schema.NewTable("tags").AddColumns(schema.NewIntColumn("id", "bigint")))
			},
			findings: []report.Finding{{
				Code: "ENT101", Category: report.Table, Object: `table "tags"`, Ref: ref(report.KindTable, "tags", ""),
				Message: `table "tags" is missing: ` + declaredEnt,
				Fix:     loc("ent/schema/tags.go", "schema"), Remedy: missingEnt,
			}},
		},
		{
			name: "table extra, placed where a migration created it",
			have: func(s *schema.Schema) {
				s.AddTables(schema.NewTable("legacy").AddColumns(schema.NewIntColumn("id", "bigint")))
			},
			findings: []report.Finding{{
				Code: "ENT102", Category: report.Table, Object: `table "legacy"`, Ref: ref(report.KindTable, "legacy", ""),
				Message: `table "legacy" exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`legacy`),
			}},
		},
		{
			name: "column missing",
			want: func(s *schema.Schema) { table(s, "users").AddColumns(schema.NewNullStringColumn("nickname", "text")) },
			findings: []report.Finding{{
				Code: "ENT111", Category: report.Column, Object: `column "users"."nickname"`, Ref: ref(report.KindColumn, "users", "nickname"),
				Message: `column "users"."nickname" (text) is missing: ` + declaredEnt,
				Fix:     loc("ent/schema/users.go", `field "nickname"`), Remedy: missingEnt,
			}},
		},
		{
			name: "column extra",
			have: func(s *schema.Schema) { table(s, "users").AddColumns(schema.NewNullStringColumn("fax", "text")) },
			findings: []report.Finding{{
				Code: "ENT115", Category: report.Column, Object: `column "users"."fax"`, Ref: ref(report.KindColumn, "users", "fax"),
				Message: `column "users"."fax" exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`users.fax`),
			}},
		},
		{
			name: "column type, nullability and default differ: one finding each",
			have: func(s *schema.Schema) {
				email := column(s, "users", "email")
				email.Type.Type, email.Type.Null = &schema.StringType{T: "text"}, true
				column(s, "users", "status").Default = nil
			},
			findings: []report.Finding{
				{
					Code: "ENT112", Category: report.Column, Object: `column "users"."email"`, Ref: ref(report.KindColumn, "users", "email"),
					Message: `column "users"."email" has type text in the migrations, character varying in ent/schema`,
					Fix:     loc("ent/schema/users.go", `field "email"`), Remedy: differsEnt,
				},
				{
					Code: "ENT113", Category: report.Column, Object: `column "users"."email"`, Ref: ref(report.KindColumn, "users", "email"),
					Message: `column "users"."email" is NULL in the migrations, NOT NULL in ent/schema`,
					Fix:     loc("ent/schema/users.go", `field "email"`), Remedy: differsEnt,
				},
				{
					Code: "ENT114", Category: report.Column, Object: `column "users"."status"`, Ref: ref(report.KindColumn, "users", "status"),
					Message: `column "users"."status" has no default in the migrations, DEFAULT 'pending'::userstatus in ent/schema`,
					Fix:     loc("ent/schema/users.go", `field "status"`), Remedy: differsEnt,
				},
			},
		},
		{
			name: "column comment and identity differ",
			want: func(s *schema.Schema) {
				id := column(s, "users", "id")
				id.SetComment("the key")
				id.AddAttrs(&postgres.Identity{Generation: "BY DEFAULT", Sequence: &postgres.Sequence{Start: 1, Increment: 1}})
			},
			findings: []report.Finding{
				{
					Code: "ENT116", Category: report.Column, Object: `column "users"."id"`, Ref: ref(report.KindColumn, "users", "id"),
					Message: `column "users"."id" has a different comment in the migrations than in ent/schema`,
					Fix:     loc("ent/schema/users.go", `field "id"`), Remedy: differsEnt,
				},
				{
					Code: "ENT117", Category: report.Column, Object: `column "users"."id"`, Ref: ref(report.KindColumn, "users", "id"),
					Message: `column "users"."id" differs between the migrations and ent/schema (collation, identity or generation)`,
					Fix:     loc("ent/schema/users.go", `field "id"`), Remedy: differsEnt,
				},
			},
		},
		{
			name: "enum type missing",
			want: func(s *schema.Schema) {
				s.Objects = append(s.Objects, &schema.EnumType{T: "plankind", Values: []string{"free", "paid"}, Schema: s})
			},
			findings: []report.Finding{{
				Code: "ENT121", Category: report.Enum, Object: `enum type "plankind"`, Ref: report.ObjectRef{Kind: report.KindEnumType, Schema: "public", Name: "plankind"},
				Message: `enum type "plankind" ('free', 'paid') is missing: ` + declaredEnt,
				Fix:     loc("ent/schema/enums.go", "plankind"), Remedy: missingEnt,
			}},
		},
		{
			name: "enum type extra",
			have: func(s *schema.Schema) {
				s.Objects = append(s.Objects, &schema.EnumType{T: "oldkind", Values: []string{"x"}, Schema: s})
			},
			findings: []report.Finding{{
				Code: "ENT123", Category: report.Enum, Object: `enum type "oldkind"`, Ref: report.ObjectRef{Kind: report.KindEnumType, Schema: "public", Name: "oldkind"},
				Message: `enum type "oldkind" exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`oldkind`),
			}},
		},
		{
			name: "enum values differ both ways",
			have: func(s *schema.Schema) { enum(s).Values = []string{"pending", "active", "legacy"} },
			want: func(s *schema.Schema) { enum(s).Values = []string{"pending", "active", "banned"} },
			findings: []report.Finding{{
				Code: "ENT122", Category: report.Enum, Object: `enum type "userstatus"`, Ref: report.ObjectRef{Kind: report.KindEnumType, Schema: "public", Name: "userstatus"},
				Message: `enum type "userstatus" differs: value(s) ('banned') in ent/schema are missing from the migrations; value(s) ('legacy') exist in the migrations but not in ent/schema`,
				Fix:     loc("ent/schema/enums.go", "userstatus"), Remedy: differsEnt,
			}},
		},
		{
			name: "enum values reordered",
			have: func(s *schema.Schema) { enum(s).Values = []string{"active", "pending"} },
			findings: []report.Finding{{
				Code: "ENT122", Category: report.Enum, Object: `enum type "userstatus"`, Ref: report.ObjectRef{Kind: report.KindEnumType, Schema: "public", Name: "userstatus"},
				Message: `enum type "userstatus" differs: values are ordered ('active', 'pending') in the migrations, ('pending', 'active') in ent/schema`,
				Fix:     loc("ent/schema/enums.go", "userstatus"), Remedy: differsEnt,
			}},
		},
		{
			name: "foreign key missing",
			have: func(s *schema.Schema) { table(s, "posts").ForeignKeys = nil },
			findings: []report.Finding{{
				Code: "ENT131", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
				Message: `foreign key "posts_users_posts" on "posts" (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE is missing: ` + declaredEnt,
				Fix:     loc("ent/schema/posts.go", "edge on (user_id)"), Remedy: missingEnt,
			}},
		},
		{
			name: "foreign key extra",
			want: func(s *schema.Schema) { table(s, "posts").ForeignKeys = nil },
			findings: []report.Finding{{
				Code: "ENT133", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
				Message: `foreign key "posts_users_posts" on "posts" (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`posts.posts_users_posts[type=fk]`),
			}},
		},
		{
			name: "foreign key action differs: fixed where the edge declares the action",
			have: func(s *schema.Schema) { table(s, "posts").ForeignKeys[0].OnDelete = schema.SetNull },
			findings: []report.Finding{{
				Code: "ENT132", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
				Message: `foreign key "posts_users_posts" on "posts" differs: (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE SET NULL in the migrations, (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE in ent/schema`,
				Fix:     loc("ent/schema/posts.go", "edge action on (user_id)"), Remedy: differsEnt,
			}},
		},
		{
			name: "foreign key columns differ: fixed at the edge",
			have: func(s *schema.Schema) {
				p := table(s, "posts")
				p.ForeignKeys[0].Columns = []*schema.Column{column(s, "posts", "id")}
			},
			findings: []report.Finding{{
				Code: "ENT132", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
				Message: `foreign key "posts_users_posts" on "posts" differs: (id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE in the migrations, (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE in ent/schema`,
				Fix:     loc("ent/schema/posts.go", "edge on (user_id)"), Remedy: differsEnt,
			}},
		},
		{
			name: "index missing, and a unique index missing is a missing constraint",
			have: func(s *schema.Schema) { table(s, "posts").Indexes, table(s, "users").Indexes = nil, nil },
			findings: []report.Finding{
				{
					Code: "ENT151", Category: report.Constraint, Object: `index "users_email_key" on "users"`, Ref: ref(report.KindIndex, "users", "users_email_key"),
					Message: `unique index "users_email_key" on "users" (email) is missing: ` + declaredEnt,
					Fix:     loc("ent/schema/users.go", "index (email) unique=true"), Remedy: missingEnt,
				},
				{
					Code: "ENT141", Category: report.Index, Object: `index "post_user_id_title" on "posts"`, Ref: ref(report.KindIndex, "posts", "post_user_id_title"),
					Message: `index "post_user_id_title" on "posts" (user_id, title) WHERE (deleted_at IS NULL) is missing: ` + declaredEnt,
					Fix:     loc("ent/schema/posts.go", "index (user_id,title) unique=false"), Remedy: missingEnt,
				},
			},
		},
		{
			name: "index extra",
			have: func(s *schema.Schema) {
				table(s, "posts").AddIndexes(schema.NewIndex("posts_title").AddParts(&schema.IndexPart{C: column(s, "posts", "title"), Desc: true}))
			},
			findings: []report.Finding{{
				Code: "ENT143", Category: report.Index, Object: `index "posts_title" on "posts"`, Ref: ref(report.KindIndex, "posts", "posts_title"),
				Message: `index "posts_title" on "posts" (title DESC) exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`posts.posts_title[type=index]`),
			}},
		},
		{
			name: "index predicate and uniqueness differ",
			have: func(s *schema.Schema) {
				i := table(s, "posts").Indexes[0]
				i.Unique, i.Attrs = true, nil
			},
			findings: []report.Finding{{
				Code: "ENT142", Category: report.Index, Object: `index "post_user_id_title" on "posts"`, Ref: ref(report.KindIndex, "posts", "post_user_id_title"),
				Message: `index "post_user_id_title" on "posts" differs: unique in the migrations, non-unique in ent/schema; (user_id, title) in the migrations, (user_id, title) WHERE (deleted_at IS NULL) in ent/schema`,
				Fix:     loc("ent/schema/posts.go", "index (user_id,title) unique=false"), Remedy: differsEnt,
			}},
		},
		{
			name: "check missing",
			have: func(s *schema.Schema) { table(s, "posts").Attrs = nil },
			findings: []report.Finding{{
				Code: "ENT152", Category: report.Constraint, Object: `check "posts_title_not_empty" on "posts"`, Ref: ref(report.KindCheck, "posts", "posts_title_not_empty"),
				Message: `check "posts_title_not_empty" on "posts" CHECK ((title)::text <> ''::text) is missing: ` + declaredEnt,
				Fix:     loc("ent/schema/posts.go", `check "posts_title_not_empty"`), Remedy: missingEnt,
			}},
		},
		{
			name: "check extra",
			want: func(s *schema.Schema) { table(s, "posts").Attrs = nil },
			findings: []report.Finding{{
				Code: "ENT154", Category: report.Constraint, Object: `check "posts_title_not_empty" on "posts"`, Ref: ref(report.KindCheck, "posts", "posts_title_not_empty"),
				Message: `check "posts_title_not_empty" on "posts" CHECK ((title)::text <> ''::text) exists in the migrations, but ent/schema does not declare it`,
				Fix:     inMigration, Remedy: extraEnt(`posts.posts_title_not_empty[type=check]`),
			}},
		},
		{
			name:       "check differs",
			normalized: true,
			have: func(s *schema.Schema) {
				table(s, "posts").Attrs[0].(*schema.Check).Expr = "(length((title)::text) > 0)"
			},
			findings: []report.Finding{{
				Code: "ENT153", Category: report.Constraint, Object: `check "posts_title_not_empty" on "posts"`, Ref: ref(report.KindCheck, "posts", "posts_title_not_empty"),
				Message: `check "posts_title_not_empty" on "posts" differs: CHECK (length((title)::text) > 0) in the migrations, CHECK ((title)::text <> ''::text) in ent/schema`,
				Fix:     loc("ent/schema/posts.go", `check "posts_title_not_empty"`), Remedy: differsEnt,
			}},
		},
		{
			name: "primary key differs",
			have: func(s *schema.Schema) { table(s, "posts").PrimaryKey = nil },
			findings: []report.Finding{{
				Code: "ENT161", Category: report.Constraint, Object: `primary key of "posts"`, Ref: ref(report.KindPrimaryKey, "posts", ""),
				Message: `the primary key of table "posts" differs between the migrations and ent/schema`,
				Fix:     loc("ent/schema/posts.go", "schema"), Remedy: differsEnt,
			}},
		},
		{
			name: "table attributes differ",
			want: func(s *schema.Schema) { table(s, "users").SetComment("people") },
			findings: []report.Finding{{
				Code: "ENT103", Category: report.Table, Object: `table "users"`, Ref: ref(report.KindTable, "users", ""),
				Message: `table "users" differs in its attributes (*schema.Comment)`,
				Fix:     loc("ent/schema/users.go", "schema"), Remedy: differsEnt,
			}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			have, want := fixture(), fixture()
			if tt.have != nil {
				tt.have(have)
			}
			if tt.want != nil {
				tt.want(want)
			}
			res, err := compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(want), compare.EntVsMigrations, locator{}, mentions)
			if tt.normalized {
				changes, derr := postgres.DefaultDiff.SchemaDiff(have, want, schema.DiffNormalized())
				res, err = compare.Changes(changes, compare.EntVsMigrations, locator{}, mentions), derr
			}
			require.NoError(t, err)
			require.Equal(t, tt.findings, res.Findings)
		})
	}
}

// Drift compares the database (Have) with its applied migrations (Want):
// its codes are DR, it has no Ent source, so even what the migrations
// declare is placed where they name it, and its remedies speak of hand
// edits.
func TestDriftSides(t *testing.T) {
	have, want := fixture(), fixture()
	table(have, "users").AddColumns(schema.NewNullStringColumn("fax", "text"))
	table(have, "posts").ForeignKeys[0].OnDelete = schema.NoAction
	table(want, "users").AddColumns(schema.NewNullStringColumn("nowhere", "text"))
	res, err := compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(want), drift.MigrationsVsDatabase, nil, mentions)
	require.NoError(t, err)
	require.Equal(t, []report.Finding{
		{
			Code: "DR111", Category: report.Column, Object: `column "users"."nowhere"`, Ref: ref(report.KindColumn, "users", "nowhere"),
			Message: `column "users"."nowhere" (text) is missing: the applied migrations create it, the database does not have it`,
			Remedy:  drift.MigrationsVsDatabase.RemedyMissing,
		},
		{
			Code: "DR115", Category: report.Column, Object: `column "users"."fax"`, Ref: ref(report.KindColumn, "users", "fax"),
			Message: `column "users"."fax" exists in the database, but no applied migration creates it`,
			Fix:     inMigration, Remedy: drift.MigrationsVsDatabase.RemedyExtra,
		},
		{
			Code: "DR132", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
			Message: `foreign key "posts_users_posts" on "posts" differs: (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE NO ACTION in the database, (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE in the migrations`,
			Fix:     inMigration, Remedy: drift.MigrationsVsDatabase.RemedyDiffers,
		},
	}, sorted(res.Findings))

	// Against the Ent schemas (drift with every file applied, the audit
	// with --url), codes stay ENT and nothing is placed in the migrations.
	res, err = compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(fixture()), compare.EntVsDatabase, locator{}, nil)
	require.NoError(t, err)
	require.Equal(t, []report.Finding{
		{
			Code: "ENT115", Category: report.Column, Object: `column "users"."fax"`, Ref: ref(report.KindColumn, "users", "fax"),
			Message: `column "users"."fax" exists in the database, but ent/schema does not declare it`,
			Remedy:  "declare it in ent/schema; or accept it: `exclude = [\"users.fax\"]` in the env block of atlas.hcl (read with `--env`, or the `default_env` of its `schemactl {}` block); or drop it with a migration",
		},
		{
			Code: "ENT132", Category: report.ForeignKey, Object: `foreign key "posts_users_posts" on "posts"`, Ref: ref(report.KindForeignKey, "posts", "posts_users_posts"),
			Message: `foreign key "posts_users_posts" on "posts" differs: (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE NO ACTION in the database, (user_id) REFERENCES users (id) ON UPDATE NO ACTION ON DELETE CASCADE in ent/schema`,
			Fix:     loc("ent/schema/posts.go", "edge action on (user_id)"), Remedy: compare.EntVsDatabase.RemedyDiffers,
		},
	}, sorted(res.Findings))
}

// An element the locator cannot place falls back to where the migrations
// name it, and to no place at all when they do not.
func TestPlacementFallsBackToTheMigrations(t *testing.T) {
	have, want := fixture(), fixture()
	want.AddTables(schema.NewTable("unplaced").AddColumns(schema.NewIntColumn("id", "bigint")))
	res, err := compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(want), compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	require.Equal(t, inMigration, res.Findings[0].Fix)

	res, err = compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(want), compare.EntVsMigrations, locator{}, nil)
	require.NoError(t, err)
	require.Nil(t, res.Findings[0].Fix)
}

// About and Within select findings by identity: a column's finding is
// within its table, not about it, and not within a table of the same name
// in another schema.
func TestResultByIdentity(t *testing.T) {
	fax := report.Finding{Code: "ENT115", Ref: ref(report.KindColumn, "users", "fax")}
	tbl := report.Finding{Code: "ENT103", Ref: ref(report.KindTable, "users", "")}
	other := report.Finding{Code: "ENT115", Ref: report.ObjectRef{Kind: report.KindColumn, Schema: "audit", Table: "users", Name: "fax"}}
	loose := report.Finding{Code: "ENT199", Object: "*schema.AddSchema"}
	r := &compare.Result{Findings: []report.Finding{fax, tbl, other, loose}}
	require.Equal(t, []report.Finding{fax}, r.About(ref(report.KindColumn, "users", "fax")))
	require.Equal(t, []report.Finding{tbl}, r.About(ref(report.KindTable, "users", "")))
	require.Equal(t, []report.Finding{fax}, r.Within("public", "users"))
	require.Empty(t, r.Within("public", "posts"))
	require.Empty(t, r.About(report.ObjectRef{}), "a finding about no object is about nothing")
}

func sorted(fs []report.Finding) []report.Finding {
	r := report.New()
	r.Add(fs...)
	r.Sort()
	for i := range r.Findings {
		r.Findings[i].Severity = ""
	}
	return r.Findings
}
