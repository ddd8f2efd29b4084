package replay

import (
	"context"
	"errors"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// A file's `-- atlas:txmode none` is honoured whatever its line endings
// (git's text=auto turns LF into CRLF on checkout), and a BOM, which
// PostgreSQL reports as an invisible character, is named.
func TestReplayLineEndingsAndBOM(t *testing.T) {
	ctx := context.Background()
	srv, err := devdb.Start(ctx)
	require.NoError(t, err)
	defer srv.Stop()
	u, err := srv.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	defer c.Close()

	require.NoError(t, File(ctx, c.DB, migrate.NewLocalFile("1_a.sql", []byte("CREATE TABLE a (id int);\r\n"))))
	crlf := migrate.NewLocalFile("2_i.sql", []byte("-- atlas:txmode none\r\n\r\nCREATE INDEX CONCURRENTLY i ON a (id);\r\n"))
	require.False(t, batchable(crlf))
	require.NoError(t, File(ctx, c.DB, crlf))

	err = File(ctx, c.DB, migrate.NewLocalFile("3_b.sql", []byte("\ufeffCREATE TABLE b (id int);\n")))
	var se *sqlscript.StmtError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, 1, se.Line)
	require.Contains(t, se.Error(), "the file starts with a UTF-8 byte order mark (BOM)")
}
