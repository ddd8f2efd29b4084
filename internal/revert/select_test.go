package revert

import (
	"fmt"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

// dirFiles are n files, 1_f1.sql to n_fn.sql, of two statements each.
func dirFiles(n int) []migrate.File {
	var fs []migrate.File
	for i := 1; i <= n; i++ {
		fs = append(fs, migrate.NewLocalFile(fmt.Sprintf("%d_f%d.sql", i, i), fmt.Appendf(nil, "CREATE TABLE t%d (id int);\nCREATE TABLE u%d (id int);\n", i, i)))
	}
	return fs
}

// rev is a revision of version: applied of 2 statements; baseline makes it
// the baseline's.
func rev(version string, applied int, baseline bool) *migrate.Revision {
	r := &migrate.Revision{Version: version, Applied: applied, Total: 2, Type: migrate.RevisionTypeExecute}
	if baseline {
		r.Type, r.Applied, r.Total = migrate.RevisionTypeBaseline, 0, 0
	}
	return r
}

func applied(versions ...string) []*migrate.Revision {
	var rs []*migrate.Revision
	for _, v := range versions {
		rs = append(rs, rev(v, 2, false))
	}
	return rs
}

func fileNames(fs []migrate.File) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Name())
	}
	return out
}

func revertNames(fs []File) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestChoose(t *testing.T) {
	baseline := append([]*migrate.Revision{rev("2", 0, true)}, applied("3", "4")...)
	for _, tc := range []struct {
		name         string
		files        int
		revs         []*migrate.Revision
		n            int
		to           string
		keep, revert []string
	}{
		{name: "the last one", files: 4, revs: applied("1", "2", "3", "4"), n: 1,
			keep: []string{"1_f1.sql", "2_f2.sql", "3_f3.sql"}, revert: []string{"4_f4.sql"}},
		{name: "the last two", files: 4, revs: applied("1", "2", "3", "4"), n: 2,
			keep: []string{"1_f1.sql", "2_f2.sql"}, revert: []string{"3_f3.sql", "4_f4.sql"}},
		{name: "all", files: 4, revs: applied("1", "2", "3", "4"), n: 4,
			keep: []string{}, revert: []string{"1_f1.sql", "2_f2.sql", "3_f3.sql", "4_f4.sql"}},
		{name: "to a version", files: 4, revs: applied("1", "2", "3", "4"), to: "1",
			keep: []string{"1_f1.sql"}, revert: []string{"2_f2.sql", "3_f3.sql", "4_f4.sql"}},
		{name: "pending files after the applied ones stay pending", files: 5, revs: applied("1", "2", "3"), n: 1,
			keep: []string{"1_f1.sql", "2_f2.sql"}, revert: []string{"3_f3.sql"}},
		{name: "above a baseline", files: 4, revs: baseline, n: 2,
			keep: []string{"1_f1.sql", "2_f2.sql"}, revert: []string{"3_f3.sql", "4_f4.sql"}},
		{name: "to the baseline itself", files: 4, revs: baseline, to: "2",
			keep: []string{"1_f1.sql", "2_f2.sql"}, revert: []string{"3_f3.sql", "4_f4.sql"}},
		{name: "to a version above the baseline", files: 4, revs: baseline, to: "3",
			keep: []string{"1_f1.sql", "2_f2.sql", "3_f3.sql"}, revert: []string{"4_f4.sql"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := choose(dirFiles(tc.files), tc.revs, tc.n, tc.to)
			require.NoError(t, err)
			require.Equal(t, tc.keep, fileNames(sel.keep))
			require.Equal(t, tc.revert, revertNames(sel.revert))
			for _, f := range sel.revert {
				require.Equal(t, 2, f.Applied)
				require.Equal(t, 2, f.Total)
			}
		})
	}
}

func TestChooseRefuses(t *testing.T) {
	baseline := append([]*migrate.Revision{rev("2", 0, true)}, applied("3", "4")...)
	for _, tc := range []struct {
		name  string
		files int
		revs  []*migrate.Revision
		n     int
		to    string
		want  string
	}{
		{name: "N too large", files: 4, revs: applied("1", "2", "3"), n: 4,
			want: `argument "4": only 3 applied file(s) can be reverted`},
		{name: "N below the baseline", files: 4, revs: baseline, n: 3,
			want: `argument "3": only 2 applied file(s) can be reverted; the database was adopted at version 2 (its baseline)`},
		{name: "a version below the baseline", files: 4, revs: baseline, to: "1",
			want: "--to-version 1: the database was adopted at version 2 (its baseline): it cannot go back further"},
		{name: "a version no file has", files: 4, revs: applied("1", "2", "3", "4"), to: "7",
			want: "--to-version 7: no applied file has this version"},
		{name: "a pending version", files: 4, revs: applied("1", "2"), to: "3",
			want: "--to-version 3: no applied file has this version"},
		{name: "a revision without its file", files: 3, revs: applied("1", "2", "3", "4"), n: 1,
			want: "revert: the database records version 4 as applied, and no file of the directory has that version: restore the file"},
		{name: "a pending file between applied ones", files: 4, revs: applied("1", "3", "4"), n: 1,
			want: "revert: 2_f2.sql is pending before the applied 3_f3.sql: apply it first"},
		{name: "a partial revision before an applied one", files: 4, revs: []*migrate.Revision{rev("1", 2, false), rev("2", 1, false), rev("3", 2, false)}, n: 2,
			want: "revert: 2_f2.sql was applied partially (1 of 2 statements), and 3_f3.sql after it: the database is in no state the directory describes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := choose(dirFiles(tc.files), tc.revs, tc.n, tc.to)
			require.Nil(t, sel)
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), tc.want), "error %q, want it to start with %q", err, tc.want)
		})
	}
	_, err := choose(dirFiles(2), nil, 1, "")
	require.ErrorIs(t, err, ErrNothing, "no revision at all")
	_, err = choose(dirFiles(2), []*migrate.Revision{rev("2", 0, true)}, 1, "")
	require.ErrorIs(t, err, ErrNothing, "only the baseline")
	_, err = choose(dirFiles(4), applied("1", "2", "3", "4"), 0, "4")
	require.ErrorIs(t, err, ErrNothing, "at that version already")
	_, err = choose(dirFiles(4), []*migrate.Revision{rev("2", 0, true)}, 0, "2")
	require.ErrorIs(t, err, ErrNothing, "at the baseline already")
}

// The last file applied partially is reverted as far as it ran: the replay
// of the database's state holds its first statements only, and keeps its
// transaction mode.
func TestChoosePartial(t *testing.T) {
	files := dirFiles(2)
	files[1] = migrate.NewLocalFile("2_f2.sql", []byte("-- atlas:txmode none\n\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n"))
	r := rev("2", 2, false)
	r.Total = 3
	sel, err := choose(files, []*migrate.Revision{rev("1", 2, false), r}, 1, "")
	require.NoError(t, err)
	require.Equal(t, []string{"2_f2.sql"}, revertNames(sel.revert))
	require.Equal(t, 2, sel.revert[0].Applied)
	require.Equal(t, 3, sel.revert[0].Total)
	cur, err := sel.current()
	require.NoError(t, err)
	require.Equal(t, []string{"1_f1.sql", "2_f2.sql"}, fileNames(cur))
	require.Equal(t, "-- atlas:txmode none\n\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n", string(cur[1].Bytes()))

	// A file that failed on its first statement ran nothing: reverting it
	// changes no schema, and only removes its revision.
	r.Applied = 0
	sel, err = choose(files, []*migrate.Revision{rev("1", 2, false), r}, 1, "")
	require.NoError(t, err)
	require.Equal(t, 0, sel.revert[0].Applied)
	cur, err = sel.current()
	require.NoError(t, err)
	require.Equal(t, "-- atlas:txmode none\n\n", string(cur[1].Bytes()))
	require.Equal(t, []string{"1_f1.sql"}, fileNames(sel.keep))
}
