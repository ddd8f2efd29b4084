package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/report"
)

// TestScenarios is issue 14's scenario table: one schema change per case,
// each on tables that already hold rows. Every case starts from the same
// base (three entities, migrated and applied, rows inserted), changes the
// Ent schema, runs `migrate diff`, and asserts that
//
//	(a) the new files apply on a database holding the rows, and the rows survive;
//	(b) the gate (`migrate lint`) passes;
//	(c) the review of the new files (`migrate lint --latest N`) has no error
//	    with the default configuration, nor a warning the safe defaults
//	    exist to avoid (see hazard);
//	(d) the DDL has the case's key properties (CONCURRENTLY, NOT VALID then
//	    VALIDATE, RENAME ...), and every file that alters a table starts with
//	    SET lock_timeout.
//
// docs/diff.md's table "change kind -> DDL written" has a row per case.
// Run it alone with
//
//	go test ./internal/cli -run TestScenarios -v
func TestScenarios(t *testing.T) {
	base := scenarioBase(t)
	for _, sc := range scenarios {
		// Clones now: a database cannot be copied while a case holds a
		// connection to its template, and none does yet.
		db := scenarioClone(t, base.db)
		guardDB := ""
		if sc.guard != nil {
			guardDB = scenarioClone(t, base.db)
		}
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.run(t, base.dir, db, guardDB)
		})
	}
}

// scenario is one schema change on the base.
type scenario struct {
	name  string
	edits []scenarioEdit
	args  []string // more `migrate diff` flags (--rename)
	// refuse: diff must write nothing and exit 1 with a message matching
	// every pattern; no other assertion applies.
	refuse []string
	ddl    []ddlCheck
	after  []rowCheck // on the database the files were applied to
	// tagsGone: "tags" is dropped or renamed; otherwise it keeps its rows.
	tagsGone bool
	guard    *guardCheck
}

// guardCheck: on a database where setup leaves a row the change cannot
// keep, the files stop before changing the schema, with a message of
// their own (not PostgreSQL's cast error) matching every pattern, and
// untouched still holds.
type guardCheck struct {
	setup     string
	patterns  []string
	untouched rowCheck
}

type rowCheck struct{ query, want string }

// scenarioEdit replaces old by new in an Ent schema file (old must occur
// once); with old empty it writes the file, with both empty it removes it.
type scenarioEdit struct{ file, old, new string }

func edit(file, old, new string) scenarioEdit { return scenarioEdit{file, old, new} }

// renameFlag declares a rename to `migrate diff` in its grammar,
// KIND:OLD=NEW (docs/diff.md): kind is column, table, type or value.
func renameFlag(kind, from, to string) []string {
	return []string{"--rename", kind + ":" + from + "=" + to}
}

var scenarios = []scenario{{
	name:  "field_added_optional",
	edits: []scenarioEdit{edit("user.go", `field.String("name"),`, `field.String("name"),`+"\n\t\t"+`field.String("nickname").Optional(),`)},
	ddl:   []ddlCheck{inOrder(`ALTER TABLE "users" ADD COLUMN "nickname" character varying NULL`)},
	after: []rowCheck{{`SELECT count(*) FROM users WHERE nickname IS NULL`, "3"}},
}, {
	name:  "field_added_required_with_default",
	edits: []scenarioEdit{edit("user.go", `field.String("name"),`, `field.String("name"),`+"\n\t\t"+`field.String("plan").Default("free"),`)},
	ddl:   []ddlCheck{inOrder(`ALTER TABLE "users" ADD COLUMN "plan" character varying NOT NULL DEFAULT 'free'`)},
	after: []rowCheck{{`SELECT string_agg(plan, ',' ORDER BY id) FROM users`, "free,free,free"}},
}, {
	// A NOT NULL column without a default cannot be added to a table with
	// rows, and diff cannot know the table is empty: it refuses, names the
	// column, and says how to go on, rather than write a file that fails
	// at apply.
	name:   "field_added_required_without_default",
	edits:  []scenarioEdit{edit("user.go", `field.String("name"),`, `field.String("name"),`+"\n\t\t"+`field.String("country"),`)},
	refuse: []string{`"?users"?\.?"?country"?|"?country"?.*"?users"?`, `Default`, `Optional`},
}, {
	name:  "index",
	edits: []scenarioEdit{edit("post.go", `index.Fields("user_id"),`, `index.Fields("user_id"),`+"\n\t\t"+`index.Fields("title"),`)},
	ddl:   []ddlCheck{txModeNone(`CREATE INDEX CONCURRENTLY "post_title" ON "posts" \("title"\)`)},
	after: []rowCheck{{`SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'post_title'::regclass`, "true"}},
}, {
	name:  "unique_index",
	edits: []scenarioEdit{edit("post.go", `index.Fields("user_id"),`, `index.Fields("user_id"),`+"\n\t\t"+`index.Fields("user_id", "title").Unique(),`)},
	ddl:   []ddlCheck{txModeNone(`CREATE UNIQUE INDEX CONCURRENTLY "post_user_id_title" ON "posts" \("user_id", "title"\)`)},
	after: []rowCheck{{`SELECT (indisvalid AND indisunique)::text FROM pg_index WHERE indexrelid = 'post_user_id_title'::regclass`, "true"}},
}, {
	name: "foreign_key",
	edits: []scenarioEdit{edit("post.go", `edge.From("user", User.Type)`,
		`edge.To("editor", User.Type).Unique().Field("editor_id"),`+"\n\t\t"+`edge.From("user", User.Type)`)},
	ddl: []ddlCheck{inOrder(
		`ADD CONSTRAINT "posts_users_editor" FOREIGN KEY \("editor_id"\) REFERENCES "users" \("id"\)[^;]* NOT VALID`,
		`VALIDATE CONSTRAINT "posts_users_editor"`),
		apartTx(`ADD CONSTRAINT "posts_users_editor"`, `VALIDATE CONSTRAINT "posts_users_editor"`)},
	after: []rowCheck{{`SELECT convalidated::text FROM pg_constraint WHERE conname = 'posts_users_editor'`, "true"}},
}, {
	name:  "check",
	edits: []scenarioEdit{edit("post.go", `"posts_title_not_empty": "title <> ''",`, `"posts_title_not_empty": "title <> ''", "posts_score_nonnegative": "score >= 0",`)},
	ddl: []ddlCheck{inOrder(
		`ADD CONSTRAINT "posts_score_nonnegative" CHECK \(score >= 0\) NOT VALID`,
		`VALIDATE CONSTRAINT "posts_score_nonnegative"`),
		apartTx(`ADD CONSTRAINT "posts_score_nonnegative"`, `VALIDATE CONSTRAINT "posts_score_nonnegative"`)},
	after: []rowCheck{{`SELECT convalidated::text FROM pg_constraint WHERE conname = 'posts_score_nonnegative'`, "true"}},
}, {
	name:  "not_null",
	edits: []scenarioEdit{edit("user.go", `field.String("phone").Optional(),`, `field.String("phone"),`)},
	ddl: []ddlCheck{inOrder(
		`ADD CONSTRAINT "[^"]+" CHECK \(\(?"?phone"? IS NOT NULL\)?\) NOT VALID`,
		`VALIDATE CONSTRAINT "[^"]+"`,
		`ALTER COLUMN "phone" SET NOT NULL`,
		`DROP CONSTRAINT "[^"]+"`),
		apartTx(`CHECK \(\(?"?phone"? IS NOT NULL\)?\) NOT VALID`, `VALIDATE CONSTRAINT`)},
	after: []rowCheck{
		{`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'phone'`, "NO"},
		{`SELECT string_agg(phone, ',' ORDER BY id) FROM users`, "555-0100,555-0101,555-0102"},
		{`SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c'`, "0"},
	},
}, {
	name: "varchar_to_enum",
	edits: []scenarioEdit{edit("user.go", `field.String("kind").Default("person"),`,
		`field.Enum("kind").Values("person", "company").Default("person").`+"\n\t\t\t"+`SchemaType(map[string]string{dialect.Postgres: "userkind"}),`)},
	ddl: []ddlCheck{inOrder(
		`CREATE TYPE "userkind" AS ENUM \('person', 'company'\)`,
		`ALTER COLUMN "kind" TYPE "userkind" USING "kind"::text::"userkind"`)},
	after: []rowCheck{
		{`SELECT udt_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'kind'`, "userkind"},
		{`SELECT string_agg(kind::text, ',' ORDER BY id) FROM users`, "person,company,person"},
	},
	guard: &guardCheck{
		setup:     `UPDATE users SET kind = 'robot' WHERE id = 2`,
		patterns:  []string{`robot`},
		untouched: rowCheck{`SELECT udt_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'kind'`, "varchar"},
	},
}, {
	// The column moves to a type with other values: not a rename.
	name: "enum_to_other_enum",
	edits: []scenarioEdit{edit("post.go", `field.Enum("state").Values("draft", "published").Default("draft").`+"\n\t\t\t"+`SchemaType(map[string]string{dialect.Postgres: "poststate"}),`,
		`field.Enum("state").Values("draft", "published", "archived").Default("draft").`+"\n\t\t\t"+`SchemaType(map[string]string{dialect.Postgres: "contentstate"}),`)},
	ddl: []ddlCheck{inOrder(
		`CREATE TYPE "contentstate" AS ENUM \('draft', 'published', 'archived'\)`,
		`ALTER COLUMN "state" DROP DEFAULT`,
		`ALTER COLUMN "state" TYPE "contentstate" USING "state"::text::"contentstate"`,
		`ALTER COLUMN "state" SET DEFAULT 'draft'`,
		`DROP TYPE "poststate"`)},
	after: []rowCheck{
		{`SELECT string_agg(state::text, ',' ORDER BY id) FROM posts`, "published,draft,draft"},
		{`SELECT column_default FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'state'`, "'draft'::contentstate"},
		{enumTypes, "contentstate,userstatus"},
	},
}, {
	name:  "enum_value_added",
	edits: []scenarioEdit{statusValues(`"pending", "active", "suspended", "archived"`)},
	ddl:   []ddlCheck{inOrder(`ALTER TYPE "userstatus" ADD VALUE 'archived'`), absent(`CREATE TYPE`, `DROP TYPE`)},
	after: []rowCheck{{statusLabels, "pending,active,suspended,archived"}, {statuses, "active,pending,active"}},
}, {
	name:  "enum_value_removed",
	edits: []scenarioEdit{statusValues(`"pending", "active"`)},
	ddl:   typeSwap(`'pending', 'active'`),
	after: []rowCheck{{statusLabels, "pending,active"}, {statuses, "active,pending,active"}, {statusDefault, "'pending'::userstatus"}, {enumTypes, "poststate,userstatus"}},
	guard: &guardCheck{
		setup:     `UPDATE users SET status = 'suspended' WHERE id = 2`,
		patterns:  []string{`users`, `status`},
		untouched: rowCheck{statusLabels, "pending,active,suspended"},
	},
}, {
	name:  "enum_value_reordered",
	edits: []scenarioEdit{statusValues(`"active", "pending", "suspended"`)},
	ddl:   typeSwap(`'active', 'pending', 'suspended'`),
	after: []rowCheck{{statusLabels, "active,pending,suspended"}, {statuses, "active,pending,active"}, {statusDefault, "'pending'::userstatus"}, {enumTypes, "poststate,userstatus"}},
}, {
	name:  "enum_value_renamed",
	edits: []scenarioEdit{statusValues(`"pending", "enabled", "suspended"`)},
	args:  renameFlag("value", "userstatus.active", "enabled"),
	ddl:   []ddlCheck{inOrder(`ALTER TYPE "userstatus" RENAME VALUE 'active' TO 'enabled'`), absent(`CREATE TYPE`, `DROP TYPE`)},
	after: []rowCheck{{statusLabels, "pending,enabled,suspended"}, {statuses, "enabled,pending,enabled"}},
}, {
	name: "enum_type_renamed",
	edits: []scenarioEdit{edit("user.go", `SchemaType(map[string]string{dialect.Postgres: "userstatus"}),`,
		`SchemaType(map[string]string{dialect.Postgres: "accountstatus"}),`)},
	args: renameFlag("type", "userstatus", "accountstatus"),
	ddl:  []ddlCheck{inOrder(`ALTER TYPE "userstatus" RENAME TO "accountstatus"`), absent(`CREATE TYPE`, `DROP TYPE`, `ALTER COLUMN`)},
	after: []rowCheck{
		{`SELECT udt_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'status'`, "accountstatus"},
		{statuses, "active,pending,active"},
		{enumTypes, "accountstatus,poststate"},
	},
}, {
	name:  "field_renamed",
	edits: []scenarioEdit{edit("user.go", `field.String("name"),`, `field.String("display_name"),`)},
	args:  renameFlag("column", "users.name", "display_name"),
	ddl:   []ddlCheck{inOrder(`ALTER TABLE "users" RENAME COLUMN "name" TO "display_name"`), absent(`DROP COLUMN`, `ADD COLUMN`)},
	after: []rowCheck{{`SELECT string_agg(display_name, ',' ORDER BY id) FROM users`, "Ann,Bob,Cy"}},
}, {
	name:     "table_renamed",
	edits:    []scenarioEdit{edit("tag.go", "", ""), edit("label.go", "", strings.ReplaceAll(tagSchema, "Tag", "Label"))},
	args:     renameFlag("table", "tags", "labels"),
	ddl:      []ddlCheck{inOrder(`ALTER TABLE "tags" RENAME TO "labels"`), absent(`DROP TABLE`, `CREATE TABLE`)},
	after:    []rowCheck{{`SELECT string_agg(label, ',' ORDER BY id) FROM labels`, "go,sql"}},
	tagsGone: true,
}, {
	name:     "entity_dropped",
	edits:    []scenarioEdit{edit("tag.go", "", "")},
	ddl:      []ddlCheck{inOrder(`DROP TABLE "tags"`)},
	tagsGone: true,
}}

// statusValues changes the values of users.status (type userstatus).
func statusValues(values string) scenarioEdit {
	return edit("user.go", `Values("pending", "active", "suspended")`, "Values("+values+")")
}

// typeSwap is the DDL of a removed or reordered value of userstatus: the
// old type renamed, the new one created, the column converted with its
// default dropped and restored, the old type dropped.
func typeSwap(values string) []ddlCheck {
	return []ddlCheck{inOrder(
		`ALTER TYPE "userstatus" RENAME TO "[^"]+"`,
		`CREATE TYPE "userstatus" AS ENUM \(`+values+`\)`,
		`ALTER COLUMN "status" DROP DEFAULT`,
		`ALTER COLUMN "status" TYPE "userstatus" USING "status"::text::"userstatus"`,
		`ALTER COLUMN "status" SET DEFAULT 'pending'`,
		`DROP TYPE "[^"]+"`)}
}

// Row checks several cases share.
const (
	statusLabels  = `SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'userstatus'::regtype`
	statuses      = `SELECT string_agg(status::text, ',' ORDER BY id) FROM users`
	statusDefault = `SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'status'`
	enumTypes     = `SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type WHERE typtype = 'e'`
)

func (sc scenario) run(t *testing.T, baseDir, db, guardDB string) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(baseDir)))
	for _, e := range sc.edits {
		e.apply(t, dir)
	}
	before := scenarioFiles(t, dir)
	sum := readFile(t, filepath.Join(dir, "migrations", "atlas.sum"))
	diff := scenarioRun(t, dir, append([]string{"migrate", "diff", "change"}, sc.args...)...)
	added := scenarioFiles(t, dir)[len(before):]
	if sc.refuse != nil {
		require.Equalf(t, 1, diff.code, "diff: want a refusal (exit 1), got exit %d writing %v\n%s%s", diff.code, added, diff.out, dump(dir, added))
		for _, p := range sc.refuse {
			require.Regexpf(t, regexp.MustCompile(p), diff.out, "diff's refusal")
		}
		require.Empty(t, added, "a refused diff writes nothing")
		require.Equal(t, sum, readFile(t, filepath.Join(dir, "migrations", "atlas.sum")), "a refused diff leaves atlas.sum as it was")
		return
	}
	require.Equalf(t, 0, diff.code, "migrate diff %v\n%s", sc.args, diff.out)
	require.NotEmpty(t, added, "diff wrote no file\n%s", diff.out)
	files := make([]sqlFile, len(added))
	for i, name := range added {
		files[i] = sqlFile{name, readFile(t, filepath.Join(dir, "migrations", name))}
	}
	t.Logf("diff wrote:\n%s", dump(dir, added))

	// (d) the key DDL, and lock_timeout at the head of every file that
	// alters a table.
	for _, c := range append(slices.Clone(sc.ddl), lockTimeoutFirst) {
		if err := c(files); err != nil {
			t.Errorf("DDL: %v", err)
		}
	}
	// (a) the files apply on the database holding the rows; the rows stay.
	if r := scenarioRun(t, dir, "migrate", "apply", "--url", db); r.code != 0 {
		t.Errorf("(a) migrate apply on a database holding rows: exit %d\n%s", r.code, r.out)
	} else {
		checks := append([]rowCheck{
			{`SELECT string_agg(id::text, ',' ORDER BY id) FROM users`, "1,2,3"},
			{`SELECT string_agg(id::text, ',' ORDER BY id) FROM posts`, "1,2,3"},
		}, sc.after...)
		if !sc.tagsGone {
			checks = append(checks, rowCheck{`SELECT string_agg(label, ',' ORDER BY id) FROM tags`, "go,sql"})
		} else {
			checks = append(checks, rowCheck{`SELECT count(*) FROM pg_tables WHERE tablename = 'tags'`, "0"})
		}
		for _, c := range checks {
			if got := queryText(t, db, c.query); got != c.want {
				t.Errorf("(a) after apply, %s: got %q, want %q", c.query, got, c.want)
			}
		}
	}
	if sc.guard != nil {
		sc.guard.check(t, dir, guardDB)
	}
	// (b) and (c): `migrate lint --latest N` runs the gate and reviews the
	// files diff wrote, with the default configuration (one run: the gate
	// is the same with or without the review). The gate has no finding;
	// the review has no error, and none of the hazards the safe defaults
	// exist to remove.
	r := scenarioRun(t, dir, "migrate", "lint", "--format", "json", "--latest", itoa(len(added)))
	var rep struct{ Findings []reviewFinding }
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code > 1 {
		t.Errorf("(b, c) migrate lint --latest %d: exit %d\n%s", len(added), r.code, r.out)
		return
	}
	var gate, errs, hazards []string
	for _, f := range rep.Findings {
		switch {
		case !f.review():
			gate = append(gate, f.String())
		case f.Severity == "error":
			errs = append(errs, f.String())
		case f.hazard():
			hazards = append(hazards, f.String())
		}
	}
	if len(gate) > 0 {
		t.Errorf("(b) the gate: the migrations and ent/schema disagree:\n%s", strings.Join(gate, "\n"))
	}
	if len(errs) > 0 {
		t.Errorf("(c) migrate lint --latest %d: the review has errors:\n%s", len(added), strings.Join(errs, "\n"))
	}
	if len(hazards) > 0 {
		t.Errorf("(c) migrate lint --latest %d: the review finds what the safe defaults should have avoided:\n%s", len(added), strings.Join(hazards, "\n"))
	}
	if r.code != 0 && len(gate)+len(errs) == 0 {
		t.Errorf("(b, c) migrate lint --latest %d: exit %d without an error finding\n%s", len(added), r.code, r.out)
	}
}

// reviewFinding is a finding of `migrate lint --format json`.
type reviewFinding struct {
	Code, Category, Severity, Message, Remedy, Statement string
}

// review: the finding is the review's (report's safety categories), not
// the gate's.
func (f reviewFinding) review() bool {
	return slices.Contains([]report.Category{report.Destructive, report.DataDependent, report.Incompatible,
		report.ConstraintDrop, report.ConcurrentIndex, report.Locking, report.History}, report.Category(f.Category))
}

func (f reviewFinding) String() string {
	return fmt.Sprintf("  %s %s: %s\n    statement: %s\n    remedy: %s", f.Code, f.Severity, f.Message, f.Statement, f.Remedy)
}

// hazard: a warning diff's safe defaults promise to avoid on existing
// tables: an index built or dropped under a lock (PG101, PG102), CONCURRENTLY
// in a transaction (PG103), a constraint validated under a lock (SC301,
// SC302), an ALTER TABLE without lock_timeout (SC306), or a remedy asking
// for CONCURRENTLY where the statement has it.
func (f reviewFinding) hazard() bool {
	switch {
	case slices.Contains([]string{"PG101", "PG102", "PG103", "SC301", "SC302"}, f.Code):
		return true
	case f.Code == "SC306" && strings.HasPrefix(f.Statement, "ALTER TABLE"):
		return true
	}
	return strings.Contains(f.Statement, "CONCURRENTLY") && strings.Contains(f.Remedy, "CONCURRENTLY")
}

func (g guardCheck) check(t *testing.T, dir, db string) {
	execSQL(t, db, g.setup)
	r := scenarioRun(t, dir, "migrate", "apply", "--url", db)
	if r.code == 0 {
		t.Errorf("guard: migrate apply after %q: exit 0, want a failure before the schema changes", g.setup)
		return
	}
	// PostgreSQL's own cast error (22P02) means no guard ran first.
	if strings.Contains(r.out, "invalid input value") {
		t.Errorf("guard: migrate apply after %q failed on the cast itself, not on a guard:\n%s", g.setup, r.out)
	}
	for _, p := range g.patterns {
		if !regexp.MustCompile(p).MatchString(r.out) {
			t.Errorf("guard: the failure does not name %s:\n%s", p, r.out)
		}
	}
	if got := queryText(t, db, g.untouched.query); got != g.untouched.want {
		t.Errorf("guard: the schema changed: %s: got %q, want %q", g.untouched.query, got, g.untouched.want)
	}
}
