package migdir

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

// kinds maps each problem to "file:kind" for compact expectations.
func kinds(ps []FileProblem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.File+":"+[]string{"", "BadName", "OutOfOrder", "WrongCase", "ByteOrderMark", "UnknownDirective", "BadDirectiveValue", "MisplacedDirective"}[p.Kind])
	}
	return out
}

func checkTree(t *testing.T, files map[string]string, extra func(dir string)) []FileProblem {
	t.Helper()
	path := writeTree(t, files)
	if extra != nil {
		extra(path)
	}
	d, err := Open(path)
	require.NoError(t, err)
	fs, err := d.Files()
	require.NoError(t, err)
	ps, err := d.CheckFiles(fs)
	require.NoError(t, err)
	return ps
}

func TestCheckFilesNames(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"timestamps", fixture, []string{}},
		{"sequential", map[string]string{"1_a.sql": "", "2_b.sql": "", "3.sql": ""}, []string{}},
		{"no name part, as atlas migrate new writes", map[string]string{"20260101000000.sql": ""}, []string{}},
		{"what else sits in a directory", map[string]string{"1_a.sql": "", "README.md": "", ".gitkeep": "", "notes.txt": "", "1_a.sql.bak": "", "atlas.sum": ""}, []string{}},
		{"no version", map[string]string{"20260101000000_init.sql": "", "add_memo.sql": ""}, []string{"add_memo.sql:BadName"}},
		{"version with letters", map[string]string{"v2_x.sql": ""}, []string{"v2_x.sql:BadName"}},
		{"hidden file Atlas would run", map[string]string{".sql": "", ".x.sql": ""}, []string{".sql:BadName", ".x.sql:BadName"}},
		{"blank in name", map[string]string{"3_add memo.sql": ""}, []string{"3_add memo.sql:BadName"}},
		{"tab in name", map[string]string{"3_add\tmemo.sql": ""}, []string{"3_add\tmemo.sql:BadName"}},
		{"short version sorts after a timestamp", map[string]string{"20260101000000_init.sql": "", "2026_x.sql": ""}, []string{"2026_x.sql:OutOfOrder"}},
		{"ten sorts before two", map[string]string{"1_a.sql": "", "2_b.sql": "", "10_c.sql": ""}, []string{"1_a.sql:OutOfOrder", "2_b.sql:OutOfOrder"}},
		{"a timestamp among short versions", map[string]string{"1_a.sql": "", "2_b.sql": "", "20260101000000_c.sql": ""}, []string{"2_b.sql:OutOfOrder"}},
		{"same version twice", map[string]string{"1_a.sql": "", "1_b.sql": ""}, []string{"1_b.sql:OutOfOrder"}},
		{"leading zeros make the same version", map[string]string{"01_a.sql": "", "1_b.sql": ""}, []string{"1_b.sql:OutOfOrder"}},
		{"wrong case", map[string]string{"1_a.sql": "", "2_b.SQL": "", "3_c.Sql": ""}, []string{"2_b.SQL:WrongCase", "3_c.Sql:WrongCase"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, kinds(checkTree(t, tt.files, nil)))
		})
	}
}

func TestCheckFilesIgnoresSubdirectories(t *testing.T) {
	ps := checkTree(t, map[string]string{"1_a.sql": ""}, func(dir string) {
		require.NoError(t, os.Mkdir(filepath.Join(dir, "seeds"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "seeds", "x.sql"), nil, 0o644))
		require.NoError(t, os.Mkdir(filepath.Join(dir, "old.SQL"), 0o755))
	})
	require.Empty(t, ps)
}

func TestFileProblemNamesTheFile(t *testing.T) {
	ps := checkTree(t, map[string]string{"20260101000000_init.sql": "", "2026_x.sql": "", "add_memo.sql": ""}, nil)
	require.Len(t, ps, 2)
	require.True(t, strings.HasPrefix(ps[0].String(), "2026_x.sql: version 2026 is lower than that of 20260101000000_init.sql"), ps[0].String())
	require.True(t, strings.HasPrefix(ps[1].String(), "add_memo.sql: not a migration file name"), ps[1].String())
	require.NotContains(t, ps[0].String(), "\n")
}

func TestCheckFileDirectives(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // "line:kind"
	}{
		// Files Atlas accepts as valid must pass.
		{"plain", "CREATE TABLE t (a int);\n", nil},
		{"txmode none", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n", nil},
		{"txmode file", "-- atlas:txmode file\n\nSELECT 1;\n", nil},
		{"header with prose and directives", "-- Add an index.\n-- atlas:txmode none\n-- atlas:nolint PG101\n\nSELECT 1;\n", nil},
		{"nolint forms above a statement", "-- atlas:nolint\nDROP TABLE a;\n--atlas:nolint DS102\nDROP TABLE b;\n/*atlas:nolint destructive*/\nDROP TABLE c;\n-- a reason\n-- atlas:nolint DS103 MF104\nALTER TABLE d DROP COLUMN x;\n", nil},
		{"nolint with an Atlas code schemactl lacks", "-- atlas:nolint NM101 naming\nCREATE TABLE t (a int);\n", nil},
		{"checkpoint with a tag", "-- atlas:checkpoint v1\n\nCREATE TABLE t (a int);\n", nil},
		{"checkpoint", "-- atlas:checkpoint\n\nCREATE TABLE t (a int);\n", nil},
		{"sum ignore", "-- atlas:sum ignore\nSELECT 1;\n", nil},
		{"delimiter", "-- atlas:delimiter //\n\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql//\n", nil},
		{"comments-only file", "-- atlas:txmode none\n-- nothing yet\n", nil},
		{"prose that mentions atlas:", "-- see atlas:directives in the docs\nSELECT 1; -- atlas: rocks\n", nil},
		{"comment inside a function body", "CREATE FUNCTION f() RETURNS int AS $$\n-- atlas:whatever\nSELECT 1;\n$$ LANGUAGE sql;\n", nil},
		{"CRLF", "-- atlas:txmode none\r\n\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n-- atlas:nolint PG102\r\nDROP INDEX i;\r\n", nil},

		// Unknown names and values.
		{"unknown directive", "-- atlas:txmod none\n\nSELECT 1;\n", []string{"1:UnknownDirective"}},
		{"unknown directive above a statement", "SELECT 1;\n-- atlas:nolnt\nSELECT 2;\n", []string{"2:UnknownDirective"}},
		{"Atlas Pro directive", "-- atlas:txtar\n\n-- migration.sql --\nSELECT 1;\n", []string{"1:UnknownDirective"}},
		{"unknown txmode", "-- atlas:txmode nonee\n\nSELECT 1;\n", []string{"1:BadDirectiveValue"}},
		{"txmode all", "-- atlas:txmode all\n\nSELECT 1;\n", []string{"1:BadDirectiveValue"}},
		{"txmode without value", "-- atlas:txmode\n\nSELECT 1;\n", []string{"1:BadDirectiveValue"}},
		{"txmode with two values", "-- atlas:txmode none file\n\nSELECT 1;\n", []string{"1:BadDirectiveValue"}},
		{"txmode repeated", "-- atlas:txmode none\n-- atlas:txmode none\n\nSELECT 1;\n", []string{"2:BadDirectiveValue"}},
		{"checkpoint repeated", "-- atlas:checkpoint\n-- atlas:checkpoint\n\nSELECT 1;\n", []string{"2:BadDirectiveValue"}},
		{"sum with another value", "-- atlas:sum skip\nSELECT 1;\n", []string{"1:BadDirectiveValue"}},
		{"nolint with an unknown analyzer", "-- atlas:nolint destrutive\nDROP TABLE t;\n", []string{"1:BadDirectiveValue"}},
		{"nolint with a reason after the codes", "-- atlas:nolint DS102 table is empty\nDROP TABLE t;\n", []string{"1:BadDirectiveValue"}},
		{"nolint code repeated", "-- atlas:nolint DS102 DS102\nDROP TABLE t;\n", []string{"1:BadDirectiveValue"}},

		// Where Atlas does not read them.
		{"txmode above the first statement", "-- atlas:txmode none\nCREATE INDEX CONCURRENTLY i ON t (a);\n", []string{"1:MisplacedDirective"}},
		{"txmode after a leading blank line", "\n-- atlas:txmode none\n\nSELECT 1;\n", []string{"2:MisplacedDirective"}},
		{"txmode in a second comment block", "-- a header\n\n-- atlas:txmode none\n\nSELECT 1;\n", []string{"3:MisplacedDirective"}},
		{"txmode further down", "SELECT 1;\n-- atlas:txmode none\nSELECT 2;\n", []string{"2:MisplacedDirective"}},
		{"comments-only file without a final newline (Atlas finds no header)", "-- atlas:txmode none\n-- nothing yet", []string{"1:MisplacedDirective"}},
		{"sum not on the first line", "-- header\n-- atlas:sum ignore\n\nSELECT 1;\n", []string{"2:MisplacedDirective"}},
		{"delimiter not on the first line", "-- header\n-- atlas:delimiter //\n\nSELECT 1//\n", []string{"2:MisplacedDirective"}},
		{"nolint detached", "SELECT 1;\n\n-- atlas:nolint\n\nDROP TABLE t;\n", []string{"3:MisplacedDirective"}},
		{"nolint spelled with two spaces", "--  atlas:nolint\nDROP TABLE t;\n", []string{"1:MisplacedDirective"}},

		// A BOM is reported, and directives are still read past it.
		{"BOM", "\ufeffCREATE TABLE t (a int);\n", []string{"1:ByteOrderMark"}},
		{"BOM and a bad directive", "\ufeff-- atlas:txmode nope\n\nSELECT 1;\n", []string{"1:ByteOrderMark", "1:BadDirectiveValue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range CheckFile("1_x.sql", []byte(tt.content)) {
				got = append(got, strconv.Itoa(p.Line)+strings.TrimPrefix(kinds([]FileProblem{{Kind: p.Kind}})[0], ""))
				require.True(t, strings.HasPrefix(p.String(), "1_x.sql:"), p.String())
				require.NotContains(t, p.String(), "\n")
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestHeaderMatchesAtlas: on LF files without a BOM, the header directives
// are exactly what Atlas's LocalFile.Directive returns; with CRLF line
// endings they are what it returns for the LF file (Atlas finds none).
func TestHeaderMatchesAtlas(t *testing.T) {
	for _, c := range []string{
		"-- atlas:txmode none\n\nSELECT 1;\n",
		"-- atlas:txmode none\nSELECT 1;\n",
		"-- x\n-- atlas:txmode none\n-- atlas:txmode file\n\nSELECT 1;\n",
		"-- atlas:txmode none\n   \nSELECT 1;\n",
		"-- atlas:txmode none",
		"-- atlas:txmode none\n",
		"\n-- atlas:txmode none\n\nSELECT 1;\n",
		"-- a\n\n-- atlas:txmode none\n\nSELECT 1;\n",
		"# atlas:txmode none\n\nSELECT 1;\n",
		"-- note atlas:txmode none\n\nSELECT 1;\n",
		"--atlas:txmode  none \n\nSELECT 1;\n",
		"  -- atlas:txmode none\n\nSELECT 1;\n",
	} {
		want := migrate.NewLocalFile("1.sql", []byte(c)).Directive(DirectiveTxMode)
		for i := range want {
			want[i] = strings.Join(strings.Fields(want[i]), " ")
		}
		require.Equal(t, want, HeaderDirectives([]byte(c), DirectiveTxMode), "%q", c)
		crlf := strings.ReplaceAll(c, "\n", "\r\n")
		require.Equal(t, want, HeaderDirectives([]byte(crlf), DirectiveTxMode), "%q", crlf)
		require.Equal(t, want, HeaderDirectives([]byte("\ufeff"+c), DirectiveTxMode), "BOM %q", c)
	}
}

func TestNoTxReadsCRLF(t *testing.T) {
	lf := migrate.NewLocalFile("1.sql", []byte("-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n"))
	crlf := migrate.NewLocalFile("1.sql", []byte("-- atlas:txmode none\r\n\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n"))
	require.True(t, NoTx(lf))
	require.True(t, NoTx(crlf))
	require.Empty(t, crlf.Directive(DirectiveTxMode), "Atlas's own reader misses it: the reason for NoTx")
	require.False(t, NoTx(migrate.NewLocalFile("1.sql", []byte("-- atlas:txmode file\n\nSELECT 1;\n"))))
}

func TestHasDelimiter(t *testing.T) {
	require.True(t, HasDelimiter(migrate.NewLocalFile("1.sql", []byte("-- atlas:delimiter //\r\n\r\nSELECT 1//\r\n"))))
	require.False(t, HasDelimiter(migrate.NewLocalFile("1.sql", []byte("-- x\n-- atlas:delimiter //\n\nSELECT 1//\n"))))
}
