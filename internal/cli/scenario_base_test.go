package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// The base of TestScenarios: three entities, each with the columns one or
// more cases change, and the rows those cases must keep.
const (
	userSchema = `package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

type User struct{ ent.Schema }

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique(),
		field.String("name"),
		field.String("phone").Optional(),
		field.String("kind").Default("person"),
		field.Enum("status").Values("pending", "active", "suspended").Default("pending").
			SchemaType(map[string]string{dialect.Postgres: "userstatus"}),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("posts", Post.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}
`
	postSchema = `package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

type Post struct{ ent.Schema }

func (Post) Fields() []ent.Field {
	return []ent.Field{
		field.String("title"),
		field.Int("user_id"),
		field.Int("editor_id").Optional(),
		field.Int("score").Default(0),
		field.Enum("state").Values("draft", "published").Default("draft").
			SchemaType(map[string]string{dialect.Postgres: "poststate"}),
	}
}

func (Post) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("posts").Field("user_id").Unique().Required(),
	}
}

func (Post) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id"),
	}
}

func (Post) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{"posts_title_not_empty": "title <> ''",}),
	}
}
`
	tagSchema = `package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

type Tag struct{ ent.Schema }

func (Tag) Fields() []ent.Field {
	return []ent.Field{field.String("label")}
}
`
	// The rows: no user holds the value "suspended" (a case removes it),
	// editor_id references existing users (a case adds its foreign key),
	// every score is >= 0 (a case adds that CHECK), every phone is set (a
	// case makes it NOT NULL).
	scenarioRows = `
INSERT INTO users (id, email, name, phone, kind, status) VALUES
  (1, 'ann@example.com', 'Ann', '555-0100', 'person', 'active'),
  (2, 'bob@example.com', 'Bob', '555-0101', 'company', 'pending'),
  (3, 'cy@example.com', 'Cy', '555-0102', 'person', 'active');
INSERT INTO posts (id, title, user_id, editor_id, score, state) VALUES
  (1, 'hello', 1, 2, 3, 'published'),
  (2, 'notes', 2, NULL, 0, 'draft'),
  (3, 'third', 1, 3, 5, 'draft');
INSERT INTO tags (id, label) VALUES (1, 'go'), (2, 'sql');
`
)

// scenarioBaseState is the base every case copies: a module directory with
// the schemas and the initial migration, and a database (a template for
// the cases' databases) where that migration is applied and the rows sit.
type scenarioBaseState struct{ dir, db string }

func scenarioBase(t *testing.T) scenarioBaseState {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, writeModule(root, dir))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "ent", "schema"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "migrations"), 0o755))
	for name, src := range map[string]string{"user.go": userSchema, "post.go": postSchema, "tag.go": tagSchema} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "ent", "schema", name), []byte(src), 0o644))
	}
	r := scenarioRun(t, dir, "migrate", "diff", "init")
	require.Equal(t, 0, r.code, "the base: migrate diff init\n%s", r.out)
	u, name, err := server.Clone(context.Background(), "template0")
	require.NoError(t, err)
	r = scenarioRun(t, dir, "migrate", "apply", "--url", u)
	require.Equal(t, 0, r.code, "the base: migrate apply\n%s", r.out)
	execSQL(t, u, scenarioRows)
	return scenarioBaseState{dir: dir, db: name}
}

// scenarioClone copies the base database for one case.
func scenarioClone(t *testing.T, tmpl string) string {
	t.Helper()
	u, _, err := server.Clone(context.Background(), tmpl)
	require.NoError(t, err)
	return u
}

func (e scenarioEdit) apply(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "ent", "schema", e.file)
	switch {
	case e.old == "" && e.new == "":
		require.NoError(t, os.Remove(p))
	case e.old == "":
		require.NoError(t, os.WriteFile(p, []byte(e.new), 0o644))
	default:
		src := readFile(t, p)
		require.Equalf(t, 1, strings.Count(src, e.old), "%s: %q must occur once", e.file, e.old)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(src, e.old, e.new, 1)), 0o644))
	}
}

// cliResult is one schemactl run: its exit status, its stdout, and its
// whole output (stdout then stderr).
type cliResult struct {
	code        int
	stdout, out string
}

// scenarioRun runs schemactl (this test binary, as testscript installs it)
// in dir.
func scenarioRun(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliResult{code: code, stdout: stdout.String(), out: stdout.String() + stderr.String()}
}

// scenarioFiles lists the directory's .sql files in order.
func scenarioFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "migrations"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	return names
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}

// dump shows the files for a failure message.
func dump(dir string, names []string) string {
	var b strings.Builder
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(dir, "migrations", n))
		fmt.Fprintf(&b, "-- %s --\n%s", n, data)
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func execSQL(t *testing.T, u, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
}

// queryText is the first column of the one row query returns, as text
// ("" for NULL).
func queryText(t *testing.T, u, query string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var s *string
	err = conn.QueryRow(ctx, "SELECT ("+query+")::text").Scan(&s)
	require.NoError(t, err, query)
	if s == nil {
		return ""
	}
	return *s
}

// sqlFile is a file diff wrote.
type sqlFile struct{ name, text string }

// ddlCheck is a property of the files one diff wrote, in order.
type ddlCheck func([]sqlFile) error

// inOrder: each pattern matches, after the previous one's match, in the
// files' text taken in order.
func inOrder(patterns ...string) ddlCheck {
	return func(files []sqlFile) error {
		var all strings.Builder
		for _, f := range files {
			all.WriteString(f.text)
		}
		text, at := all.String(), 0
		for _, p := range patterns {
			loc := regexp.MustCompile(p).FindStringIndex(text[at:])
			if loc == nil {
				return fmt.Errorf("no %s after %s", p, where(text, at))
			}
			at += loc[1]
		}
		return nil
	}
}

func where(text string, at int) string {
	if at == 0 {
		return "the start"
	}
	line := strings.Count(text[:at], "\n") + 1
	return "line " + itoa(line) + " of the files taken together"
}

// absent: no pattern matches any file.
func absent(patterns ...string) ddlCheck {
	return func(files []sqlFile) error {
		for _, p := range patterns {
			for _, f := range files {
				if regexp.MustCompile(p).MatchString(f.text) {
					return fmt.Errorf("%s: has %s", f.name, p)
				}
			}
		}
		return nil
	}
}

// txModeNone: a file that runs outside a transaction (PostgreSQL refuses
// CONCURRENTLY inside one) has a statement matching pattern.
func txModeNone(pattern string) ddlCheck {
	re := regexp.MustCompile(pattern)
	return func(files []sqlFile) error {
		for _, f := range files {
			if re.MatchString(f.text) {
				if !txModeNoneRe.MatchString(f.text) {
					return fmt.Errorf("%s has %s but no `-- atlas:txmode none`", f.name, pattern)
				}
				return nil
			}
		}
		return fmt.Errorf("no file has %s", pattern)
	}
}

// apartTx: the statement matching second runs in another transaction than
// the one matching first (a later file, or the same file run outside a
// transaction), so the lock the first takes is not held while the second
// scans the table.
func apartTx(first, second string) ddlCheck {
	re1, re2 := regexp.MustCompile(first), regexp.MustCompile(second)
	return func(files []sqlFile) error {
		i := slices.IndexFunc(files, func(f sqlFile) bool { return re1.MatchString(f.text) })
		if i < 0 {
			return fmt.Errorf("no file has %s", first)
		}
		for j := i; j < len(files); j++ {
			loc := re2.FindStringIndex(files[j].text)
			if loc == nil {
				continue
			}
			if j == i && (loc[0] < re1.FindStringIndex(files[i].text)[0] || !txModeNoneRe.MatchString(files[i].text)) {
				return fmt.Errorf("%s: %s runs in the transaction of %s", files[i].name, second, first)
			}
			return nil
		}
		return fmt.Errorf("no %s after %s", second, first)
	}
}

var (
	txModeNoneRe = regexp.MustCompile(`(?m)^-- atlas:txmode none$`)
	alterTable   = regexp.MustCompile(`(?m)^ALTER TABLE .*$`)
	validate     = regexp.MustCompile(`^ALTER TABLE \S+ VALIDATE CONSTRAINT \S+$`)
	statement    = regexp.MustCompile(`(?m)^[^-\s].*$`) // the first line that is neither a comment nor blank
	setTimeout   = regexp.MustCompile(`^SET (LOCAL )?lock_timeout`)
)

// lockTimeoutFirst: a file that alters an existing table starts with SET
// lock_timeout, so that a migration blocked behind a long query fails
// instead of queueing every query behind its lock. VALIDATE CONSTRAINT
// alone is no such statement: its SHARE UPDATE EXCLUSIVE lock, even while
// it waits, lets reads and writes pass (docs/diff.md).
func lockTimeoutFirst(files []sqlFile) error {
	var bad []string
	for _, f := range files {
		alters := slices.ContainsFunc(alterTable.FindAllString(f.text, -1), func(s string) bool {
			return !validate.MatchString(strings.TrimSuffix(s, ";"))
		})
		if alters && !setTimeout.MatchString(statement.FindString(f.text)) {
			bad = append(bad, f.name)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("%s alter(s) a table and do(es) not start with SET lock_timeout", strings.Join(bad, ", "))
	}
	return nil
}
