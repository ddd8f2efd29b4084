package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// downPlan is `migrate down --format json`, the fields the text shows.
type downPlan struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Files []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"files"`
	Checks []struct {
		Object string `json:"object"`
		SQL    string `json:"sql"`
		Rows   int64  `json:"rows"`
	} `json:"checks"`
	DataChanges []json.RawMessage `json:"data_changes"`
	Statements  []struct {
		Comment string `json:"comment"`
		SQL     string `json:"sql"`
	} `json:"statements"`
	DryRun   bool `json:"dry_run"`
	Reverted bool `json:"reverted"`
}

// textPlan is the text output read back: the header's versions, the files
// (as listed, newest first), each check's line and SQL, and the
// statements with their comments.
type textPlan struct {
	from, to   string
	files      []string
	checks     [][2]string // line, SQL
	statements []migrate.Stmt
	dataChange bool
	last       string
}

// parseDownText reads the text output of a down. The statements are
// indented by two spaces, with "-- comment" lines: without the indent they
// are a SQL script, split here by Atlas's own statement lexer (the guards
// are DO blocks).
func parseDownText(t *testing.T, out string) textPlan {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var p textPlan
	_, err := fmt.Sscanf(lines[0], "Reverting %d file(s), from version %s to version %s", new(int), &p.from, &p.to)
	require.NoError(t, err, "the header: %q", lines[0])
	p.to = strings.TrimSuffix(p.to, ":")
	// The last line says what was done; a refused run has none (its
	// Error line is on stderr).
	body := lines[1:]
	if l := lines[len(lines)-1]; !strings.HasPrefix(l, "  ") {
		p.last, body = l, lines[1:len(lines)-1]
	}
	section := "files"
	var script strings.Builder
	for _, l := range body {
		switch l {
		case "Checks:":
			section = "checks"
			continue
		case "Data changes (not reversed):":
			section, p.dataChange = "data", true
			continue
		case "Not reverted (the down reverts what schemactl inspects):":
			section = "not reverted"
			continue
		case "Statements:":
			section = "statements"
			continue
		}
		require.True(t, strings.HasPrefix(l, "  "), "a line outside the plan: %q", l)
		switch section {
		case "files":
			p.files = append(p.files, strings.TrimPrefix(l, "  "))
		case "checks":
			if sql, ok := strings.CutPrefix(l, "    "); ok {
				require.NotEmpty(t, p.checks, "a check's SQL without its line: %q", l)
				p.checks[len(p.checks)-1][1] = sql
			} else {
				p.checks = append(p.checks, [2]string{strings.TrimPrefix(l, "  ")})
			}
		case "statements":
			script.WriteString(strings.TrimPrefix(l, "  ") + "\n")
		}
	}
	stmts, err := migrate.NewLocalFile("plan.sql", []byte(script.String())).StmtDecls()
	require.NoError(t, err)
	for _, s := range stmts {
		p.statements = append(p.statements, *s)
	}
	return p
}

// requireSamePlan: the text and the JSON of one down list the same files,
// the same checks with the same counts, and the same statements with the
// same comments, in the same order.
func requireSamePlan(t *testing.T, text, js string, refused bool) {
	t.Helper()
	tp := parseDownText(t, text)
	var jp downPlan
	require.NoError(t, json.Unmarshal([]byte(js), &jp), js)
	require.Equal(t, jp.From, tp.from)
	if jp.To == "" {
		require.Equal(t, "none", tp.to)
	} else {
		require.Equal(t, jp.To, tp.to)
	}
	require.Equal(t, len(jp.Files), len(tp.files), "files")
	for i, f := range jp.Files {
		require.Equal(t, f.Name, tp.files[len(tp.files)-1-i], "file %d (the text lists the newest first)", i)
	}
	require.NotEmpty(t, jp.Checks, "a plan without checks compares nothing")
	require.Equal(t, len(jp.Checks), len(tp.checks), "checks")
	for i, c := range jp.Checks {
		require.Equal(t, c.SQL, tp.checks[i][1], "check %d", i)
		line := tp.checks[i][0]
		if c.Rows == 0 {
			require.True(t, strings.HasPrefix(line, "ok: "+c.Object+": "), "check %d: %q for %s with 0 rows", i, line, c.Object)
		} else {
			require.True(t, strings.HasPrefix(line, fmt.Sprintf("%s holds %d ", c.Object, c.Rows)), "check %d: %q for %s with %d rows", i, line, c.Object, c.Rows)
		}
	}
	require.Equal(t, len(jp.DataChanges) > 0, tp.dataChange)
	require.NotEmpty(t, jp.Statements)
	require.Equal(t, len(jp.Statements), len(tp.statements), "statements")
	for i, s := range jp.Statements {
		require.Equal(t, s.SQL+";", tp.statements[i].Text, "statement %d", i)
		var comments []string
		if s.Comment != "" {
			comments = []string{"-- " + s.Comment + "\n"}
		}
		require.Equal(t, comments, tp.statements[i].Comments, "statement %d's comment", i)
	}
	require.True(t, jp.DryRun)
	require.False(t, jp.Reverted)
	if refused {
		// As the refused real run prints it: no line saying it would revert.
		require.Empty(t, tp.last)
	} else {
		require.Equal(t, fmt.Sprintf("Dry run: %d file(s) would be reverted; nothing was changed", len(jp.Files)), tp.last)
	}
}

// TestDownDryRun: --dry-run changes nothing (every row and revision the
// same, byte for byte, in pg_dump) and exits 0; with a check that fails
// it exits 1, says why, and changes nothing either. Its JSON is its text:
// the same files, checks and statements.
func TestDownDryRun(t *testing.T) {
	ctx := context.Background()
	dir, names := downHistory(t)
	dev := downDev(t)
	u := appliedDB(t, dir, -1)
	downArgs := func(args ...string) []string {
		return append([]string{"migrate", "down", "--dir", "file://" + dir, "--url", u, "--dev-url", dev, "--dry-run"}, args...)
	}

	// The last 3 files: a rename, enum values, columns, foreign keys, a
	// table and a CONCURRENTLY index go back.
	before := pgDump(t, u, true)
	text := schemactlRun(t, nil, downArgs("3")...)
	require.Equal(t, 0, text.code, "%s%s", text.stdout, text.stderr)
	require.Empty(t, text.stderr)
	require.Equal(t, before, pgDump(t, u, true), "a dry run changed the database")
	js := schemactlRun(t, nil, downArgs("3", "--format", "json")...)
	require.Equal(t, 0, js.code, "%s%s", js.stdout, js.stderr)
	require.Equal(t, before, pgDump(t, u, true), "a dry run (json) changed the database")
	requireSamePlan(t, text.stdout, js.stdout, false)
	require.Contains(t, text.stdout, `DROP TABLE "notes"`)
	require.Contains(t, text.stdout, fmt.Sprintf("from version %s to version %s:", migrate.NewLocalFile(names[downFiles-1], nil).Version(), migrate.NewLocalFile(names[downFiles-4], nil).Version()))

	// A row in t10s: the column file 50 added holds a value, which the
	// down would drop.
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO "t10s" ("code", "created_at") VALUES ('kept', now())`)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	before = pgDump(t, u, true)
	text = schemactlRun(t, nil, downArgs("3")...)
	require.Equal(t, 1, text.code, "%s%s", text.stdout, text.stderr)
	require.Equal(t, `Error: migrate down: refused: column "t10s"."flag" holds 1 non-NULL value(s) and the target version has no such column; --force would drop them; nothing was changed`+"\n", text.stderr)
	require.Equal(t, before, pgDump(t, u, true), "a refused dry run changed the database")
	js = schemactlRun(t, nil, downArgs("3", "--format", "json")...)
	require.Equal(t, 1, js.code, "%s%s", js.stdout, js.stderr)
	require.Equal(t, text.stderr, js.stderr)
	require.Equal(t, before, pgDump(t, u, true), "a refused dry run (json) changed the database")
	requireSamePlan(t, text.stdout, js.stdout, true)
}
