package migdir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOpen(t *testing.T) {
	root := t.TempDir()
	mig := filepath.Join(root, "migrations")
	spaced := filepath.Join(root, "my migrations")
	for _, p := range []string{mig, spaced} {
		require.NoError(t, os.Mkdir(p, 0o755))
	}
	notDir := filepath.Join(root, "file.txt")
	require.NoError(t, os.WriteFile(notDir, nil, 0o644))
	missing := filepath.Join(root, "missing")
	// Relative forms are resolved against the working directory.
	t.Chdir(root)

	tests := []struct {
		name     string
		in       string
		wantPath string
		errIs    error    // nil: any error is checked only via errText
		errText  []string // substrings the error must contain; nil: no error
	}{
		{name: "absolute url", in: "file://" + mig, wantPath: mig},
		{name: "relative url", in: "file://migrations", wantPath: "migrations"},
		{name: "dot relative url", in: "file://./migrations/", wantPath: "migrations"},
		{name: "format atlas", in: "file://migrations?format=atlas", wantPath: "migrations"},
		{name: "escaped space", in: "file://my%20migrations", wantPath: "my migrations"},
		{name: "raw space", in: "file://my migrations", wantPath: "my migrations"},
		{name: "bare relative path", in: "migrations", wantPath: "migrations"},
		{name: "bare absolute path", in: mig, wantPath: mig},
		{name: "other format", in: "file://migrations?format=golang-migrate", wantPath: "migrations"},
		{name: "unsupported format", in: "file://migrations?format=liquibase", errText: []string{`"liquibase"`, "not supported"}},
		{name: "unknown format", in: "file://migrations?format=sqitch", errText: []string{`unknown format "sqitch" (supported: atlas, golang-migrate, goose, flyway, dbmate)`}},
		{name: "unknown parameter", in: "file://migrations?revisions=x", errText: []string{`"revisions"`}},
		{name: "other scheme", in: "mem://migrations", errText: []string{`"mem"`}},
		{name: "empty url path", in: "file://", errText: []string{"empty path"}},
		{name: "empty", in: "", errText: []string{"empty path"}},
		{name: "missing", in: "file://" + missing, errIs: ErrNoDir, errText: []string{missing}},
		{name: "missing bare", in: "missing", errIs: ErrNoDir, errText: []string{`"missing"`}},
		{name: "not a dir", in: "file://file.txt", errIs: ErrNoDir, errText: []string{"file.txt", "not a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(tt.in)
			if tt.errText != nil {
				require.Error(t, err)
				require.Nil(t, d)
				if tt.errIs != nil {
					require.ErrorIs(t, err, tt.errIs)
				} else {
					require.NotErrorIs(t, err, ErrNoDir)
				}
				for _, s := range tt.errText {
					require.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.wantPath, d.Path())
			require.Equal(t, tt.wantPath, d.Migrate().(interface{ Path() string }).Path())
		})
	}
}

func TestFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // names in order
	}{
		{name: "empty", want: []string{}},
		{name: "sorted, sql only",
			files: map[string]string{"2_b.sql": "b", "1_a.sql": "a", "atlas.sum": "", "notes.txt": "", ".1_x.sql.123.tmp": ""},
			want:  []string{"1_a.sql", "2_b.sql"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(writeTree(t, tt.files))
			require.NoError(t, err)
			files, err := d.Files()
			require.NoError(t, err)
			got := make([]string, 0, len(files))
			for _, f := range files {
				got = append(got, f.Name())
				require.Equal(t, tt.files[f.Name()], string(f.Bytes()))
			}
			require.Equal(t, tt.want, got)
		})
	}
}
