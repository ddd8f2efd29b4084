package diffplan

import (
	"context"
	"os"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// Names holding a double quote or a backslash: the conversion quotes them
// as PostgreSQL reads identifiers, and runs.
func TestConvertQuotesIdentifiers(t *testing.T) {
	const table, column, typ = `in"voice\s`, `st"at\us`, `mo"od\`
	ident := func(s string) string { return pgx.Identifier{s}.Sanitize() }
	users := schema.NewTable(table)
	enum := &schema.EnumType{T: typ, Values: []string{"a", "b"}}
	from := schema.NewStringColumn(column, "character varying").SetDefault(&schema.RawExpr{X: "'a'::character varying"})
	to := schema.NewColumn(column).SetType(enum).SetDefault(&schema.RawExpr{X: "'a'::" + ident(typ)})
	stmts := convertToEnums([]schema.Change{&schema.ModifyTable{T: users, Changes: []schema.Change{
		&schema.ModifyColumn{From: from, To: to, Change: schema.ChangeType | schema.ChangeDefault},
	}}}, false)
	require.Len(t, stmts, 1)
	require.Equal(t, `ALTER TABLE "in""voice\s" ALTER COLUMN "st""at\us" DROP DEFAULT, ALTER COLUMN "st""at\us" TYPE "mo""od\" USING "st""at\us"::text::"mo""od\", ALTER COLUMN "st""at\us" SET DEFAULT 'a'::"mo""od\"`, stmts[0].Cmd)

	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE TYPE "+ident(typ)+" AS ENUM ('a', 'b'); CREATE TABLE "+ident(table)+" ("+ident(column)+" varchar DEFAULT 'a'); INSERT INTO "+ident(table)+" VALUES ('b')")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, stmts[0].Cmd)
	require.NoError(t, err)
	var got string
	require.NoError(t, conn.QueryRow(ctx, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2", ident(table), column).Scan(&got))
	require.Equal(t, ident(typ), got)
}
