package migdir

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

var (
	newA = NewFile{Name: "20260104000000_a.sql", Data: []byte("CREATE TABLE a (id int);\n")}
	newB = NewFile{Name: "20260104000001_b.sql", Data: []byte("CREATE TABLE b (id int);\n")}
)

func TestWriteFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // initial directory
		hash  bool              // hash the initial directory
		write []NewFile
	}{
		{name: "onto hashed dir", files: fixture, hash: true, write: []NewFile{newA, newB}},
		{name: "into empty dir", write: []NewFile{newA}},
		// Atlas hashes in name order, whatever order the files are given in.
		// (A new file that sorts before existing ones is refused: see
		// TestWriteFilesRefuses.)
		{name: "unsorted input", files: fixture, hash: true, write: []NewFile{newB, newA}},
		{name: "nothing to write", files: fixture, hash: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(writeTree(t, tt.files))
			require.NoError(t, err)
			if tt.hash {
				require.NoError(t, d.Hash())
			}
			before := snapshot(t, d.Path())
			require.NoError(t, d.WriteFiles(tt.write))

			want := maps.Clone(before)
			all := maps.Clone(tt.files)
			if all == nil {
				all = map[string]string{}
			}
			for _, f := range tt.write {
				want[f.Name] = string(f.Data)
				all[f.Name] = string(f.Data)
			}
			if len(tt.write) > 0 {
				want["atlas.sum"] = referenceSum(all)
			}
			// Exactly the new files and the new sum, no temp files.
			require.Equal(t, want, snapshot(t, d.Path()))
			if len(tt.write) > 0 {
				require.NoError(t, migrate.Validate(d.Migrate()))
			}
			ps, err := d.CheckSum()
			require.NoError(t, err)
			require.Empty(t, ps)
		})
	}
}

func TestWriteFilesRefuses(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, dir string) // applied after hashing fixture
		write   []NewFile
		errIs   error
		errText string
	}{
		{name: "sum out of date", change: write("20260102000000_accounts.sql", "-- edited\n"),
			write: []NewFile{newA}, errIs: ErrChecksum,
			errText: "atlas.sum: file 20260102000000_accounts.sql was edited without rehashing"},
		{name: "sum missing", change: remove("atlas.sum"),
			write: []NewFile{newA}, errIs: ErrChecksum, errText: "atlas.sum: file is missing"},
		{name: "several problems", change: func(t *testing.T, dir string) {
			remove("20260101000000_init.sql")(t, dir)
			remove("20260103000000_index.sql")(t, dir)
		}, write: []NewFile{newA}, errIs: ErrChecksum, errText: "20260101000000_init.sql was removed without rehashing (run: schemactl migrate hash) (and 1 more)"},
		{name: "sum malformed", change: write("atlas.sum", "garbage\n"),
			write: []NewFile{newA}, errIs: ErrMalformedSum, errText: "atlas.sum"},
		{name: "second target is a file", change: write(newB.Name, "-- not ours\n"),
			write: []NewFile{newA, newB}, errIs: ErrFileExists, errText: newB.Name},
		{name: "second target is a directory", change: func(t *testing.T, dir string) {
			require.NoError(t, os.Mkdir(filepath.Join(dir, newB.Name), 0o755))
		}, write: []NewFile{newA, newB}, errIs: ErrFileExists, errText: newB.Name},
		{name: "existing migration", write: []NewFile{{Name: "20260101000000_init.sql", Data: []byte("x")}},
			errIs: ErrFileExists, errText: "20260101000000_init.sql"},
		{name: "path traversal", write: []NewFile{{Name: "../x.sql"}}, errIs: ErrBadName, errText: "../x.sql"},
		{name: "subdirectory", write: []NewFile{{Name: "sub/x.sql"}}, errIs: ErrBadName, errText: "sub/x.sql"},
		{name: "not sql", write: []NewFile{{Name: "1_x.txt"}}, errIs: ErrBadName, errText: "1_x.txt"},
		{name: "atlas.sum", write: []NewFile{{Name: "atlas.sum"}}, errIs: ErrBadName, errText: "atlas.sum"},
		{name: "empty name", write: []NewFile{{Name: ""}}, errIs: ErrBadName},
		{name: "duplicate", write: []NewFile{newA, newA}, errIs: ErrBadName, errText: newA.Name},
		// Atlas runs files in name order: a new file must sort last.
		{name: "sorts before the newest", write: []NewFile{{Name: "20251231000000_old.sql", Data: []byte("SELECT 1;\n")}},
			errIs: ErrBadName, errText: "20251231000000_old.sql sorts before 20260103000000_index.sql"},
		{name: "short version", write: []NewFile{{Name: "2026_x.sql", Data: []byte("SELECT 1;\n")}},
			errIs: ErrBadName, errText: "2026_x.sql: version 2026 is lower than that of 20260103000000_index.sql"},
		{name: "no version", write: []NewFile{{Name: "add_memo.sql", Data: []byte("SELECT 1;\n")}},
			errIs: ErrBadName, errText: "add_memo.sql: not a migration file name"},
		{name: "blank in the name", write: []NewFile{{Name: "20260104000000_add memo.sql", Data: []byte("SELECT 1;\n")}},
			errIs: ErrBadName, errText: "20260104000000_add memo.sql: the name has blanks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openHashed(t, fixture)
			if tt.change != nil {
				tt.change(t, d.Path())
			}
			before := snapshot(t, d.Path())
			err := d.WriteFiles(tt.write)
			require.ErrorIs(t, err, tt.errIs)
			require.ErrorContains(t, err, tt.errText)
			require.Equal(t, before, snapshot(t, d.Path()), "directory must be unchanged")
		})
	}
}

// TestWriteFilesSequential: in a directory numbered 1, 2, ... a timestamp
// would sort between 1_a.sql and 2_b.sql; the next number is accepted.
func TestWriteFilesSequential(t *testing.T) {
	d := openHashed(t, map[string]string{"1_a.sql": "SELECT 1;\n", "2_b.sql": "SELECT 2;\n"})
	before := snapshot(t, d.Path())
	err := d.WriteFiles([]NewFile{{Name: "20260104000000_c.sql", Data: []byte("SELECT 3;\n")}})
	require.ErrorIs(t, err, ErrBadName)
	require.ErrorContains(t, err, "20260104000000_c.sql sorts before 2_b.sql")
	require.Equal(t, before, snapshot(t, d.Path()))
	require.NoError(t, d.WriteFiles([]NewFile{{Name: "3_c.sql", Data: []byte("SELECT 3;\n")}}))
}

// TestWriteFilesRollback makes a rename fail after earlier renames have
// succeeded, which the up-front checks cannot catch (e.g. another process
// creating a file meanwhile), and checks that the directory is restored.
func TestWriteFilesRollback(t *testing.T) {
	tests := []struct {
		name    string
		failAt  int    // 1-based rename call that fails; the last one is atlas.sum
		errText string // the error names the file that failed
		// sabotage runs right before the failing rename and returns the
		// entry it leaves in the directory ("" for none).
		sabotage func(t *testing.T, target string) (string, error)
	}{
		{name: "second file blocked by a directory", failAt: 2, errText: newB.Name,
			sabotage: func(t *testing.T, target string) (string, error) {
				require.NoError(t, os.Mkdir(target, 0o755))
				return filepath.Base(target), nil // the real rename then fails
			}},
		{name: "atlas.sum rename fails", failAt: 3, errText: "atlas.sum: injected failure",
			sabotage: func(t *testing.T, target string) (string, error) {
				return "", errors.New("injected failure")
			}},
		{name: "first file fails", failAt: 1, errText: newA.Name,
			sabotage: func(t *testing.T, target string) (string, error) {
				return "", errors.New("injected failure")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openHashed(t, fixture)
			before := snapshot(t, d.Path())
			var left string
			calls := 0
			rename = func(from, to string) error {
				calls++
				if calls == tt.failAt {
					var err error
					if left, err = tt.sabotage(t, to); err != nil {
						return err
					}
				}
				return os.Rename(from, to)
			}
			t.Cleanup(func() { rename = os.Rename })

			err := d.WriteFiles([]NewFile{newA, newB})
			require.ErrorContains(t, err, tt.errText)
			require.Equal(t, tt.failAt, calls, "stops at the first failure")
			want := maps.Clone(before)
			if left != "" {
				want[left] = "<dir>"
			}
			require.Equal(t, want, snapshot(t, d.Path()), "directory must be as before")
			if left != "" {
				// Atlas cannot read a directory named *.sql; drop the
				// sabotage before checking the sum is still valid.
				require.NoError(t, os.Remove(filepath.Join(d.Path(), left)))
			}
			ps, err := d.CheckSum()
			require.NoError(t, err)
			require.Empty(t, ps)
		})
	}
}
