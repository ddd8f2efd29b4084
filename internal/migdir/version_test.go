package migdir

import (
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

func TestNextVersion(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	files := func(names ...string) []migrate.File {
		fs := make([]migrate.File, len(names))
		for i, n := range names {
			fs[i] = migrate.NewLocalFile(n, nil)
		}
		return fs
	}
	tests := []struct {
		name  string
		files []migrate.File
		now   time.Time
		want  string
	}{
		{"empty dir", nil, now, "20260304050607"},
		{"older files", files("20260101000000_init.sql"), now, "20260304050607"},
		{"non-UTC now is converted", nil, now.In(time.FixedZone("X", 3*3600)), "20260304050607"},
		{"same second", files("20260304050607_a.sql"), now, "20260304050608"},
		{"third in same second", files("20260304050607_a.sql", "20260304050608_b.sql"), now, "20260304050609"},
		{"clock behind newest", files("20260401000000_a.sql"), now, "20260401000001"},
		{"carry", files("20260304050699_a.sql"), now, "20260304050700"},
		{"newest is not last by name", files("20270101000000_a.sql", "3_b.sql"), now, "20270101000001"},
		// Numeric comparison: "9" < "20260304050607" although "9" > "2" as strings.
		{"short numeric versions", files("9_a.sql", "10_b.sql"), now, "20260304050607"},
		{"longer numeric version", files("202603040506070_a.sql"), now, "202603040506071"},
		{"all nines grows", files("99999999999999_a.sql"), now, "100000000000000"},
		// Only reachable with a clock at year 1, but the result must stay 14 digits.
		{"short version padded", files("99999999999_a.sql"), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "00100000000000"},
		{"non-numeric older", files("1.2_a.sql"), now, "20260304050607"},
		{"non-numeric newer", files("v2_a.sql"), now, "v21"},
		// The new file must also sort last by name, the order Atlas runs
		// files in: "20260304050607_x.sql" would sort before "2_b.sql".
		{"sequential versions continue", files("1_a.sql", "2_b.sql"), now, "3"},
		{"zero-padded: the stamp sorts last", files("0001_a.sql", "0009_b.sql"), now, "20260304050607"},
		{"short version with a name", files("2026_x.sql"), now, "2027"},
		{"short version without a name sorts before the stamp", files("1.sql"), now, "20260304050607"},
		{"short version before the stamp's digits", files("1_a.sql"), now, "20260304050607"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextVersion(tt.files, tt.now)
			require.Equal(t, tt.want, got)
			for _, f := range tt.files {
				require.Positive(t, CompareVersions(got, f.Version()), "must be newer than %s", f.Version())
			}
			if len(tt.files) > 0 && len(checkNames(dirformat.Atlas, tt.files)) == 0 && tt.files[len(tt.files)-1].Name() < got+"_x.sql" {
				require.Empty(t, checkNames(dirformat.Atlas, append(tt.files, migrate.NewLocalFile(got+"_x.sql", nil))), "the new file sorts last")
			}
		})
	}
}

// TestNextVersionSameSecond simulates two diffs in one second writing to
// the same directory.
func TestNextVersionSameSecond(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var fs []migrate.File
	var got []string
	for range 3 {
		v := NextVersion(fs, now)
		got = append(got, v)
		fs = append(fs, migrate.NewLocalFile(v+"_diff.sql", nil))
	}
	require.Equal(t, []string{"20260101000000", "20260101000001", "20260101000002"}, got)
	for _, v := range got {
		require.NoError(t, migrate.CheckVersion(v))
	}
}

func TestStmtLine(t *testing.T) {
	tests := []struct {
		name    string
		content string
		pos     int
		want    int
	}{
		{"start", "SELECT 1;", 0, 1},
		{"same line", "SELECT 1;", 5, 1},
		{"newline itself is on its line", "a\nb", 1, 1},
		{"after newline", "a\nb", 2, 2},
		{"third line", "a\n\nc", 3, 3},
		{"crlf", "a\r\nb", 3, 2},
		{"end", "a\nb\n", 4, 3},
		{"past end clamps", "a\nb", 100, 2},
		{"negative clamps", "a\nb", -1, 1},
		{"empty", "", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, StmtLine([]byte(tt.content), tt.pos))
		})
	}
}

// TestStmtLineAtlasPos checks StmtLine against the Pos Atlas's own lexer
// reports for the statements of a file.
func TestStmtLineAtlasPos(t *testing.T) {
	content := "-- create users\nCREATE TABLE users (\n  id int\n);\n\n\nCREATE INDEX i ON users (id);\n"
	stmts, err := migrate.NewLocalFile("1_a.sql", []byte(content)).StmtDecls()
	require.NoError(t, err)
	require.Len(t, stmts, 2)
	var lines []int
	for _, s := range stmts {
		lines = append(lines, StmtLine([]byte(content), s.Pos))
	}
	require.Equal(t, []int{2, 7}, lines)
}
