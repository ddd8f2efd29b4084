package lint_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/lint/safety"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replay"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

var server *devdb.Server

var copies int // databases cloned by BenchmarkReplay500, across -count runs

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// history is 400 tables; change is one 500-statement file against them, in
// the mix a large real migration has: columns, indexes, constraints,
// defaults, renames.
func history(n int) string {
	var b strings.Builder
	b.WriteString("CREATE TYPE state AS ENUM ('a', 'b');\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%d (id bigint PRIMARY KEY, code varchar(64) NOT NULL, amount integer NOT NULL DEFAULT 0, st state, parent_id bigint%s);\n",
			i, map[bool]string{true: fmt.Sprintf(" REFERENCES t%d (id)", i-1)}[i > 0])
		fmt.Fprintf(&b, "CREATE UNIQUE INDEX t%d_code ON t%d (code);\n", i, i)
	}
	return b.String()
}

func change(stmts, tables int) string {
	var b strings.Builder
	b.WriteString("SET lock_timeout = '5s';\n")
	for i := 1; i < stmts; i++ {
		t := i % tables
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "ALTER TABLE t%d ADD COLUMN c%d text;\n", t, i)
		case 1:
			fmt.Fprintf(&b, "CREATE INDEX t%d_amount_%d ON t%d (amount);\n", t, i, t)
		case 2:
			fmt.Fprintf(&b, "ALTER TABLE t%d ADD CONSTRAINT t%d_pos_%d CHECK (amount >= 0) NOT VALID;\n", t, t, i)
		case 3:
			fmt.Fprintf(&b, "ALTER TABLE t%d ALTER COLUMN code TYPE varchar(128);\n", t)
		case 4:
			fmt.Fprintf(&b, "COMMENT ON TABLE t%d IS 'table %d';\n", t, i)
		}
	}
	return b.String()
}

type fixture struct {
	template string         // database holding the history
	before   *schema.Schema // public, as the gate gives the analyzers
	file     migrate.File
}

func setup(b *testing.B) fixture {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	if err != nil {
		b.Fatal(err)
	}
	conn, err := pgdb.ConnectDev(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	before, err := replay.Files(ctx, conn, []migrate.File{migrate.NewLocalFile("1_history.sql", []byte(history(400)))})
	if err != nil {
		b.Fatal(err)
	}
	name := u[strings.LastIndex(u, "/")+1 : strings.Index(u, "?")]
	return fixture{template: name, before: pgdb.Public(before), file: migrate.NewLocalFile("2_change.sql", []byte(change(500, 400)))}
}

// BenchmarkReview500: parsing and reviewing a 500-statement file against a
// 400-table history (the history's schema is inspected once, by the replay
// the gate does anyway). Compare with BenchmarkReplay500: at most 2x.
func BenchmarkReview500(b *testing.B) {
	fx := setup(b)
	for b.Loop() {
		f, err := sqlparse.Parse(fx.file.Name(), fx.file.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if got := safety.Analyze(safety.Input{Dir: "m", Files: []*sqlparse.File{f}, Before: fx.before}); len(got) == 0 {
			b.Fatal("the change has hazards; none found")
		}
	}
}

// BenchmarkReplay500: applying the same file to a copy of the history.
func BenchmarkReplay500(b *testing.B) {
	fx := setup(b)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server.URL(devdb.AdminDB))
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	for b.Loop() {
		b.StopTimer()
		copies++
		db := fmt.Sprintf("replay_%d", copies)
		if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", db, fx.template)); err != nil {
			b.Fatal(err)
		}
		conn, err := pgdb.ConnectDev(ctx, server.URL(db))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := replay.File(ctx, conn.DB, fx.file); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		conn.Close()
		b.StartTimer()
	}
}
