package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Run with -update after an intended change of output:
//
//	go test ./internal/report -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func sample() *Report {
	r := New()
	r.Summary = Summary{Models: 24, Tables: 25, EnumTypes: 10, Files: 3}
	r.Add(
		Finding{Code: "ENT111", Category: Column, Object: `column "invoices"."memo"`,
			Message: `column "invoices"."memo" is missing: ent/schema declares it, no migration creates it`,
			Fix:     &Location{File: "ent/schema/invoice.go", Line: 42, Element: `field "memo"`},
			Remedy:  "schemactl migrate diff <name>"},
		Finding{Code: "SUM103", Category: Integrity, Object: "migrations/20260101000000_init.sql",
			Message: "atlas.sum: file 20260101000000_init.sql was edited without rehashing",
			Fix:     &Location{File: "migrations/20260101000000_init.sql"},
			Remedy:  "schemactl migrate hash"},
		Finding{Code: "RPL101", Category: Replay, Object: "migrations/2_b.sql",
			Message: `2_b.sql:3: ERROR: relation "x" does not exist (SQLSTATE 42P01)`,
			Stmt:    "ALTER TABLE x ADD COLUMN y int, z | w;",
			Fix:     &Location{File: "migrations/2_b.sql", Line: 3}},
		Finding{Code: "ENT143", Category: Index, Object: `index "users_nick, name" on "users"`,
			Message: "100% unexpected: a line\nbreak"},
		Finding{Code: "SC306", Category: Locking, Severity: Warning, Object: `table "users"`,
			Message: `the statement takes an ACCESS EXCLUSIVE lock on "users", which stops reads and writes while it waits and runs, and no lock_timeout is set before it`,
			Stmt:    `ALTER TABLE "users" ADD COLUMN "x" int;`, Fix: &Location{File: "migrations/3_c.sql", Line: 1}},
		Finding{Code: "DS103", Category: Destructive, Object: `columns "users"."a" and "users"."b"`,
			Message: `columns "users"."a" and "users"."b" are dropped with their data; the running release may still read them`,
			Stmt:    `ALTER TABLE "users" DROP COLUMN "a", DROP COLUMN "b";`, Fix: &Location{File: "migrations/3_c.sql", Line: 2},
			Remedy: "stop reading the columns in a release first"},
	)
	r.Summary.Review = &Review{Files: 1, Statements: 2}
	r.CountReview()
	r.Sort()
	return r
}

func TestRenderGolden(t *testing.T) {
	clean := New()
	clean.Summary = Summary{Models: 1, Tables: 1, EnumTypes: 1, Files: 1}
	for _, tt := range []struct {
		name, format string
		r            *Report
		o            Options
	}{
		{"text", "text", sample(), Options{}},
		{"text-color", "text", sample(), Options{Color: true}},
		{"text-verbose", "text", sample(), Options{Verbose: true}},
		{"json", "json", sample(), Options{}},
		{"github", "github", sample(), Options{}},
		{"markdown", "markdown", sample(), Options{Title: "schemactl migrate lint"}},
		{"clean-text", "text", clean, Options{}},
		{"clean-markdown", "markdown", clean, Options{Title: "schemactl migrate lint"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Render(&buf, tt.format, tt.r, tt.o))
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), buf.String())
		})
	}
}

func TestRenderOrderAndEscaping(t *testing.T) {
	r := sample()
	var codes []string
	for _, f := range r.Findings {
		codes = append(codes, f.Code)
	}
	require.Equal(t, []string{"SUM103", "RPL101", "ENT111", "ENT143", "DS103", "SC306"}, codes, "category order, then code")
	require.Equal(t, 5, r.Errors())

	var gh bytes.Buffer
	require.NoError(t, Render(&gh, "github", r, Options{}))
	require.Contains(t, gh.String(), "::error file=ent/schema/invoice.go,line=42,title=ENT111 column::")
	require.Contains(t, gh.String(), "100%25 unexpected: a line%0Abreak")
	require.Contains(t, gh.String(), "::warning file=migrations/3_c.sql,line=1,title=SC306 locking::")
	require.Contains(t, gh.String(), ": 6 findings (1 warning)")

	var js bytes.Buffer
	require.NoError(t, Render(&js, "json", r, Options{}))
	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	require.Equal(t, *r, back, "JSON round-trips")

	var nocolor bytes.Buffer
	require.NoError(t, Render(&nocolor, "text", r, Options{}))
	require.NotContains(t, nocolor.String(), "\x1b[")

	require.ErrorContains(t, Render(&nocolor, "yaml", r, Options{}), `unknown format "yaml"`)
}

// In text, a finding is one block: its code at column 2, its message and
// every detail label at one column, whatever the code's width, and a field
// that spans lines continues under the start of its value, never at the
// margin.
func TestTextLayout(t *testing.T) {
	r := New()
	r.Add(
		Finding{Code: "DR115", Category: Column, Object: `column "users"."fax"`, Message: "short code"},
		Finding{Code: "ENT111", Category: Column, Object: `column "users"."memo"`, Message: "long code"},
		Finding{Code: "SC306", Category: Locking, Severity: Warning, Object: "migrations/3_c.sql",
			Message: "first line\r\nsecond line\n\nthird line", Stmt: "CREATE TABLE t (\n  id int\n);",
			Fix: &Location{File: "migrations/3_c.sql", Line: 1}, Remedy: "set lock_timeout\nfirst"},
	)
	r.Notes = []string{"a note\nover two lines"}
	r.Sort()
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, "text", r, Options{Verbose: true}))
	require.Equal(t, `Columns
  DR115   short code
  ENT111  long code

Review: migrations/3_c.sql
  SC306   warning: L1: first line
                       second line
                       third line
          statement: CREATE TABLE t (
                       id int
                     );
          remedy: set lock_timeout
                  first

note: a note
      over two lines
0 models, 0 tables, 0 enum types, 0 migration files: 3 findings (1 warning)
`, buf.String())
}

// A long review reads like Atlas's: per file, errors listed, warnings
// counted per file unless verbose, and a closing total.
func TestReviewFolding(t *testing.T) {
	r := New()
	w := func(code, file string, line int) Finding {
		return Finding{Code: code, Category: Locking, Severity: Warning, Message: "hazard", Fix: &Location{File: file, Line: line}}
	}
	r.Add(w("SC306", "m/2.sql", 1), w("SC301", "m/2.sql", 3), w("SC301", "m/2.sql", 5), w("PG101", "m/1.sql", 2),
		Finding{Code: "DS102", Category: Destructive, Message: "table dropped", Fix: &Location{File: "m/2.sql", Line: 4}},
		Finding{Code: "SC401", Category: History, Message: "edited", Fix: &Location{File: "m/1.sql"}},
		w("SC306", "m/3.sql", 1), w("SC306", "m/4.sql", 1), w("PG101", "m/4.sql", 2),
		Finding{Code: "DS103", Category: Destructive, Message: "column dropped", Fix: &Location{File: "m/5.sql", Line: 1}})
	r.Summary.Review = &Review{Files: 5, Statements: 9}
	r.CountReview()
	r.Sort()
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, "text", r, Options{}))
	require.Equal(t, `Review: m/1.sql
  SC401   edited
  + 1 warning (PG101)

Review: m/2.sql
  DS102   L4: table dropped
  + 3 warnings (SC301 ×2, SC306)

Review: m/3.sql: 1 warning (SC306)
Review: m/4.sql: 2 warnings (PG101, SC306)

Review: m/5.sql
  DS103   L1: column dropped

Reviewed 5 added files, 9 statements: 3 errors, 7 warnings (--verbose lists them)
0 models, 0 tables, 0 enum types, 0 migration files: 10 findings (7 warnings)
`, buf.String())

	buf.Reset()
	require.NoError(t, Render(&buf, "text", r, Options{Verbose: true}))
	require.Contains(t, buf.String(), "  SC301   warning: L3: hazard\n  DS102   L4: table dropped\n  SC301   warning: L5: hazard\n")

	// Every other format keeps every finding.
	for _, format := range []string{"json", "github", "markdown"} {
		buf.Reset()
		require.NoError(t, Render(&buf, format, r, Options{}))
		require.Equal(t, 5, strings.Count(buf.String(), "SC30"), format)
	}
}
