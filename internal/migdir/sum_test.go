package migdir

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

// goldenSum is atlas.sum for fixture, computed once with Atlas's
// migrate.NewHashFile + MarshalText (what "atlas migrate hash" writes).
const goldenSum = `h1:Gr5xm7qjsUwvshaJmE15IWnlPHgYoNL1uvCGGHGYAS8=
20260101000000_init.sql h1:PoPV4+4IoUuiCY2U8nL51Iaa+eZVMTGy7rjESfTaaW8=
20260102000000_accounts.sql h1:zie6YK+PtrtOFNcYStlRN9AGCor8iCKVjc7U9CnJlRA=
20260103000000_index.sql h1:OzWQDZEm2U1WyRU3WuWVOidsF93Hj9P12YyAQsLmU/U=
`

// referenceSum re-implements Atlas's documented atlas.sum algorithm with
// crypto/sha256 alone, so the golden test fails if Hash ever uses a
// different function: one running SHA-256 over name+content of each file in
// name order, each entry the running digest so far; the header hashes every
// entry's name and hash.
func referenceSum(files map[string]string) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	running, header := sha256.New(), sha256.New()
	var body strings.Builder
	for _, n := range names {
		running.Write([]byte(n))
		running.Write([]byte(files[n]))
		h := base64.StdEncoding.EncodeToString(running.Sum(nil))
		fmt.Fprintf(&body, "%s h1:%s\n", n, h)
		header.Write([]byte(n))
		header.Write([]byte(h))
	}
	return "h1:" + base64.StdEncoding.EncodeToString(header.Sum(nil)) + "\n" + body.String()
}

func TestHashGolden(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"fixture", fixture, goldenSum},
		{"one file", map[string]string{"1_a.sql": "SELECT 1;\n"}, referenceSum(map[string]string{"1_a.sql": "SELECT 1;\n"})},
		// Non-.sql files are not migrations and must not be hashed.
		{"ignores other files", map[string]string{"1_a.sql": "x", "README.md": "y"}, referenceSum(map[string]string{"1_a.sql": "x"})},
		// The bytes are hashed as they are: a CRLF file or a BOM is never
		// normalised first, or atlas.sum would differ from Atlas's.
		{"CRLF and BOM hashed as is", map[string]string{"1_a.sql": "-- atlas:txmode none\r\n\r\nSELECT 1;\r\n", "2_b.sql": "\ufeffSELECT 2;\n"},
			referenceSum(map[string]string{"1_a.sql": "-- atlas:txmode none\r\n\r\nSELECT 1;\r\n", "2_b.sql": "\ufeffSELECT 2;\n"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(writeTree(t, tt.files))
			require.NoError(t, err)
			require.NoError(t, d.Hash())
			got := readSum(t, d)
			require.Equal(t, tt.want, got)
			require.Equal(t, referenceSum(filterSQL(tt.files)), got, "independent re-implementation")
			// Atlas itself accepts the result.
			require.NoError(t, migrate.Validate(d.Migrate()))
			ps, err := d.CheckSum()
			require.NoError(t, err)
			require.Empty(t, ps)
			// No temp file is left behind, and the mode matches Atlas's.
			require.NotContains(t, strings.Join(keys(snapshot(t, d.Path())), " "), ".tmp")
			fi, err := os.Stat(filepath.Join(d.Path(), "atlas.sum"))
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
		})
	}
}

// TestHashReplaces checks that Hash overwrites a stale sum and that hashing
// an empty directory writes Atlas's empty sum.
func TestHashReplaces(t *testing.T) {
	d := openHashed(t, fixture)
	require.NoError(t, os.WriteFile(filepath.Join(d.Path(), "20260104000000_more.sql"), []byte("SELECT 2;\n"), 0o644))
	require.NoError(t, d.Hash())
	require.NoError(t, migrate.Validate(d.Migrate()))

	empty, err := Open(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, empty.Hash())
	require.Equal(t, referenceSum(nil), readSum(t, empty))
}

// TestHashAtomic checks that a failed replace keeps the old atlas.sum and
// leaves no temp file behind.
func TestHashAtomic(t *testing.T) {
	d := openHashed(t, fixture)
	write("20260104000000_more.sql", "SELECT 2;\n")(t, d.Path())
	before := snapshot(t, d.Path())
	rename = func(string, string) error { return errors.New("injected failure") }
	t.Cleanup(func() { rename = os.Rename })
	require.ErrorContains(t, d.Hash(), "atlas.sum: injected failure")
	require.Equal(t, before, snapshot(t, d.Path()))
}

func TestCheckSum(t *testing.T) {
	const (
		init     = "20260101000000_init.sql"
		accounts = "20260102000000_accounts.sql"
		index    = "20260103000000_index.sql"
	)
	tests := []struct {
		name   string
		change func(t *testing.T, dir string) // applied after hashing
		noSum  bool                           // do not hash at all
		files  map[string]string
		want   []Problem
	}{
		{name: "intact", files: fixture},
		{name: "empty dir without sum", files: nil, noSum: true},
		{name: "files without sum", files: fixture, noSum: true,
			want: []Problem{{Kind: SumMissing, File: "atlas.sum"}}},
		{name: "first file edited", files: fixture,
			change: write(init, "CREATE TABLE users (id int);\n"),
			want:   []Problem{{Kind: FileEdited, File: init}}},
		{name: "middle file edited", files: fixture,
			change: write(accounts, "-- changed\n"),
			want:   []Problem{{Kind: FileEdited, File: accounts}}},
		{name: "last file edited", files: fixture,
			change: write(index, "-- changed\n"),
			want:   []Problem{{Kind: FileEdited, File: index}}},
		{name: "file added at end", files: fixture,
			change: write("20260104000000_more.sql", "SELECT 1;\n"),
			want:   []Problem{{Kind: FileAdded, File: "20260104000000_more.sql"}}},
		// Inserting shifts every later running hash; only the new file is
		// to blame, later files must not be reported as edited.
		{name: "file added in the middle", files: fixture,
			change: write("20260101500000_mid.sql", "SELECT 1;\n"),
			want:   []Problem{{Kind: FileAdded, File: "20260101500000_mid.sql"}}},
		{name: "file removed", files: fixture,
			change: remove(accounts),
			want:   []Problem{{Kind: FileRemoved, File: accounts}}},
		{name: "last file removed", files: fixture,
			change: remove(index),
			want:   []Problem{{Kind: FileRemoved, File: index}}},
		{name: "file renamed", files: fixture,
			change: func(t *testing.T, dir string) {
				require.NoError(t, os.Rename(filepath.Join(dir, index), filepath.Join(dir, "20260103000000_idx.sql")))
			},
			want: []Problem{{Kind: FileAdded, File: "20260103000000_idx.sql"}, {Kind: FileRemoved, File: index}}},
		{name: "edited then added after", files: fixture,
			change: func(t *testing.T, dir string) {
				write(accounts, "-- changed\n")(t, dir)
				write("20260104000000_more.sql", "SELECT 1;\n")(t, dir)
			},
			want: []Problem{{Kind: FileEdited, File: accounts}, {Kind: FileAdded, File: "20260104000000_more.sql"}}},
		{name: "all files removed", files: fixture,
			change: func(t *testing.T, dir string) {
				for n := range fixture {
					remove(n)(t, dir)
				}
			},
			want: []Problem{{Kind: FileRemoved, File: init}, {Kind: FileRemoved, File: accounts}, {Kind: FileRemoved, File: index}}},
		// A hand-reordered but self-consistent sum: no file was edited,
		// added or removed, yet Atlas rejects it.
		{name: "entries reordered", files: fixture,
			change: func(t *testing.T, dir string) {
				var h migrate.HashFile
				require.NoError(t, h.UnmarshalText([]byte(goldenSum)))
				h[0], h[1] = h[1], h[0]
				b, err := h.MarshalText()
				require.NoError(t, err)
				write("atlas.sum", string(b))(t, dir)
			},
			want: []Problem{{Kind: SumMismatch, File: accounts}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(writeTree(t, tt.files))
			require.NoError(t, err)
			if !tt.noSum {
				require.NoError(t, d.Hash())
			}
			if tt.change != nil {
				tt.change(t, d.Path())
			}
			got, err := d.CheckSum()
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			// Whenever we report a problem, Atlas agrees the dir is invalid.
			require.Equal(t, len(tt.want) > 0, migrate.Validate(d.Migrate()) != nil)
		})
	}
}

func TestCheckSumMalformed(t *testing.T) {
	tests := []struct {
		name, sum string
	}{
		{"no h1 on entry", "h1:abc\n20260101000000_init.sql xyz\n"},
		{"header does not match entries", strings.Replace(goldenSum, "h1:", "h1:A", 1)},
		{"empty file", ""},
		{"garbage", "not a sum file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openHashed(t, fixture)
			write("atlas.sum", tt.sum)(t, d.Path())
			ps, err := d.CheckSum()
			require.Nil(t, ps)
			require.ErrorIs(t, err, ErrMalformedSum)
			require.ErrorContains(t, err, filepath.Join(d.Path(), "atlas.sum"))
		})
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Kind: FileEdited, File: "20260101000000_init.sql"}, "atlas.sum: file 20260101000000_init.sql was edited without rehashing (run: schemactl migrate hash)"},
		{Problem{Kind: FileAdded, File: "2_b.sql"}, "atlas.sum: file 2_b.sql was added without rehashing (run: schemactl migrate hash)"},
		{Problem{Kind: FileRemoved, File: "3_c.sql"}, "atlas.sum: file 3_c.sql was removed without rehashing (run: schemactl migrate hash)"},
		{Problem{Kind: SumMissing, File: "atlas.sum"}, "atlas.sum: file is missing but the directory has migration files (run: schemactl migrate hash)"},
		{Problem{Kind: SumMismatch, File: "4_d.sql"}, "atlas.sum: entry for file 4_d.sql does not match the directory (run: schemactl migrate hash)"},
	}
	for _, tt := range tests {
		t.Run(tt.p.Kind.String(), func(t *testing.T) {
			require.Equal(t, tt.want, tt.p.String())
		})
	}
}

func write(name, content string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
}

func remove(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		require.NoError(t, os.Remove(filepath.Join(dir, name)))
	}
}

func filterSQL(files map[string]string) map[string]string {
	m := map[string]string{}
	for n, c := range files {
		if strings.HasSuffix(n, ".sql") {
			m[n] = c
		}
	}
	return m
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestCheckSumLineEndings: a file whose line endings alone changed (git's
// text=auto on checkout) is named as such, with the .gitattributes fix;
// any other edit is not.
func TestCheckSumLineEndings(t *testing.T) {
	const (
		name = "20260102000000_accounts.sql"
		lf   = "CREATE TABLE accounts (\n  id bigint PRIMARY KEY\n);\n"
		crlf = "CREATE TABLE accounts (\r\n  id bigint PRIMARY KEY\r\n);\r\n"
	)
	tests := []struct {
		name        string
		hashed, now string
		want        string
	}{
		{"LF to CRLF", lf, crlf, "CRLF"},
		{"CRLF to LF", crlf, lf, "LF"},
		{"a real edit", lf, strings.Replace(crlf, "bigint", "int", 1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"20260101000000_init.sql": "SELECT 1;\n", name: tt.hashed, "20260103000000_more.sql": "SELECT 3;\n"}
			d := openHashed(t, files)
			write(name, tt.now)(t, d.Path())
			ps, err := d.CheckSum()
			require.NoError(t, err)
			require.Equal(t, []Problem{{Kind: FileEdited, File: name, LineEndings: tt.want}}, ps)
			if tt.want != "" {
				require.Contains(t, ps[0].String(), "differs only in its line endings: it has "+tt.want)
				require.Contains(t, ps[0].String(), "*.sql -text")
			} else {
				require.Contains(t, ps[0].String(), "was edited without rehashing")
			}
		})
	}
}
