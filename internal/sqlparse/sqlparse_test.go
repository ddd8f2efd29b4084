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

// TestHeaderAsAtlasReadsIt: only the first comment block, starting on line
// 1 and followed by a blank line, is the file header, as Atlas (and apply)
// read it; a second block or a header after a blank line silences nothing
// and does not leave the transaction, or the review would pass a file
// that apply runs differently.
func TestHeaderAsAtlasReadsIt(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		noTx   bool
		nolint Directives
	}{
		{"header", "-- atlas:txmode none\n-- atlas:nolint\n\nDROP TABLE t;\n", true, Directives{}},
		{"second block", "-- a header\n\n-- atlas:txmode none\n-- atlas:nolint\n\nDROP TABLE t;\n", false, nil},
		{"leading blank line", "\n-- atlas:txmode none\n\nDROP TABLE t;\n", false, nil},
		{"CRLF", "-- atlas:txmode none\r\n-- atlas:nolint PG101\r\n\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n", true, Directives{"PG101"}},
		{"BOM", "\ufeff-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n", true, nil},
		{"txmode file", "-- atlas:txmode file\n\nSELECT 1;\n", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("1.sql", []byte(tt.src))
			require.NoError(t, err)
			require.Equal(t, tt.noTx, f.NoTx)
			require.Equal(t, tt.nolint, f.Nolint)
			require.Nil(t, f.Stmts[0].Nolint)
		})
	}
}

func TestBOMDoesNotHideTheStatement(t *testing.T) {
	f, err := Parse("1.sql", []byte("\ufeffDROP TABLE t;\n"))
	require.NoError(t, err)
	require.Equal(t, "DROP TABLE t", f.Stmts[0].Text)
	require.Equal(t, 1, f.Stmts[0].Line)
}

// Atlas also reads a statement's directive from a one-line block comment.
func TestBlockCommentDirective(t *testing.T) {
	f, err := Parse("1.sql", []byte("SELECT 1;\n/*atlas:nolint DS102*/\nDROP TABLE t;\n"))
	require.NoError(t, err)
	require.Equal(t, Directives{"DS102"}, f.Stmts[1].Nolint)
	require.Equal(t, "DROP TABLE t", f.Stmts[1].Text)
}
