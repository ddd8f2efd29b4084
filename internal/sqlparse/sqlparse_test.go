package sqlparse

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDirectives(t *testing.T) {
	f, err := Parse("1.sql", []byte(`-- atlas:txmode none
-- atlas:nolint PG101

-- a comment about the first statement
-- atlas:nolint DS103 destructive
CREATE INDEX CONCURRENTLY i ON t (a);

-- atlas:nolint
DROP TABLE t;
-- not a directive: atlas:nolint
SELECT 1;
`))
	require.NoError(t, err)
	require.True(t, f.NoTx)
	require.Equal(t, Directives{"PG101"}, f.Nolint)
	require.Len(t, f.Stmts, 3)
	require.Equal(t, Directives{"DS103", "destructive"}, f.Stmts[0].Nolint)
	require.Equal(t, 6, f.Stmts[0].Line)
	require.Equal(t, Directives{}, f.Stmts[1].Nolint)
	require.True(t, f.Stmts[1].Nolint.Silences("anything", "any"))
	require.Nil(t, f.Stmts[2].Nolint)
	require.Equal(t, "SELECT 1", f.Stmts[2].Text)
}

func TestHeaderWithoutBlankLineBelongsToTheStatement(t *testing.T) {
	f, err := Parse("1.sql", []byte("-- atlas:nolint DS102\nDROP TABLE t;\n"))
	require.NoError(t, err)
	require.Nil(t, f.Nolint)
	require.Equal(t, Directives{"DS102"}, f.Stmts[0].Nolint)
	require.False(t, f.NoTx)
}

func TestSyntaxErrorNamesTheFile(t *testing.T) {
	_, err := Parse("20260101000000_bad.sql", []byte("CREATE TABEL t (a int);"))
	require.ErrorContains(t, err, "20260101000000_bad.sql")
	require.ErrorContains(t, err, "syntax error")
}
