//go:build unix

package devdb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The binary search on other machines' layouts, laid out under a
// temporary root: each installation is a pair of tiny scripts, initdb and a
// postgres that answers --version as the real one does. Only the search
// is faked; the tests that start a server use the real programs.

// fakeInstall writes an installation of version (e.g. "16.4") into dir
// under root, and returns its path.
func fakeInstall(t *testing.T, root, dir, version string) string {
	t.Helper()
	bin := filepath.Join(root, dir)
	require.NoError(t, os.MkdirAll(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "initdb"), []byte("#!/bin/sh\nexit 0\n"), 0o755))
	postgres := "#!/bin/sh\n[ \"$1\" = --version ] && echo 'postgres (PostgreSQL) " + version + "'\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "postgres"), []byte(postgres), 0o755))
	return bin
}

// link makes root/name a symbolic link to target (relative, as
// Homebrew's and Postgres.app's are, or absolute under root).
func link(t *testing.T, root, name, target string) {
	t.Helper()
	p := filepath.Join(root, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	if filepath.IsAbs(target) {
		target = filepath.Join(root, target)
	}
	require.NoError(t, os.Symlink(target, p))
}

// brew installs formula postgresql@major at version under a Homebrew
// prefix, as `brew install` does: the Cellar directory, and the opt/ link
// to it.
func brew(t *testing.T, root, prefix, version string) string {
	t.Helper()
	major, _, _ := strings.Cut(version, ".")
	bin := fakeInstall(t, root, prefix+"/Cellar/postgresql@"+major+"/"+version+"/bin", version)
	link(t, root, prefix+"/opt/postgresql@"+major, "../Cellar/postgresql@"+major+"/"+version)
	return bin
}

func TestFindBinariesHomebrew(t *testing.T) {
	for _, prefix := range []string{"/opt/homebrew", "/usr/local"} {
		t.Run(prefix, func(t *testing.T) {
			root := t.TempDir()
			brew(t, root, prefix, "15.8")
			// An upgrade leaves the old version in the Cellar until `brew
			// cleanup`; opt/ links the current one.
			fakeInstall(t, root, prefix+"/Cellar/postgresql@16/16.3/bin", "16.3")
			want := brew(t, root, prefix, "16.4")
			s := search{goos: "darwin", root: root, path: "/nonexistent"}
			b, err := s.find()
			require.NoError(t, err)
			require.Equal(t, Binaries{Dir: want, Major: 16, Version: "16.4"}, b, "the newest keg, through its opt/ link")
			// Each installation once, though found through opt/ and the Cellar.
			require.Len(t, s.candidates(), 3)
		})
	}
}

// Both prefixes on one Mac (an Intel Homebrew kept after a move to Apple
// silicon): the newest major wins wherever it is; of one major, the
// Apple-silicon prefix.
func TestFindBinariesHomebrewBothPrefixes(t *testing.T) {
	root := t.TempDir()
	arm15 := brew(t, root, "/opt/homebrew", "15.8")
	intel16 := brew(t, root, "/usr/local", "16.2")
	s := search{goos: "darwin", root: root}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, intel16, b.Dir)

	brew(t, root, "/opt/homebrew", "16.4")
	b, err = s.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: filepath.Join(root, "/opt/homebrew/Cellar/postgresql@16/16.4/bin"), Major: 16, Version: "16.4"}, b)
	b, err = s.findMajor(15)
	require.NoError(t, err)
	require.Equal(t, arm15, b.Dir)
}

// A formula only `brew link`ed into <prefix>/bin (postgresql@14 is, by
// default), and the unversioned formula's Cellar.
func TestFindBinariesHomebrewLinkedAndUnversioned(t *testing.T) {
	root := t.TempDir()
	fakeInstall(t, root, "/opt/homebrew/Cellar/postgresql@14/14.10/bin", "14.10")
	link(t, root, "/opt/homebrew/bin/initdb", "../Cellar/postgresql@14/14.10/bin/initdb")
	link(t, root, "/opt/homebrew/bin/postgres", "../Cellar/postgresql@14/14.10/bin/postgres")
	s := search{goos: "darwin", root: root}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: filepath.Join(root, "/opt/homebrew/Cellar/postgresql@14/14.10/bin"), Major: 14, Version: "14.10"}, b)

	old := fakeInstall(t, root, "/usr/local/Cellar/postgresql/13.4_1/bin", "13.4")
	b, err = s.findMajor(13)
	require.NoError(t, err)
	require.Equal(t, old, b.Dir)
}

// A server installed into /usr/local by hand (make install): its path
// names no version, so postgres --version ranks it.
func TestFindBinariesUnversionedDirectoryAsksTheServer(t *testing.T) {
	root := t.TempDir()
	brew(t, root, "/opt/homebrew", "16.4")
	built := fakeInstall(t, root, "/usr/local/bin", "17.1")
	b, err := search{goos: "darwin", root: root}.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: built, Major: 17, Version: "17.1"}, b)
}

func TestFindBinariesPostgresApp(t *testing.T) {
	root := t.TempDir()
	versions := "/Applications/Postgres.app/Contents/Versions"
	fakeInstall(t, root, versions+"/15/bin", "15.10")
	v17 := fakeInstall(t, root, versions+"/17/bin", "17.2")
	link(t, root, versions+"/latest", "17")
	s := search{goos: "darwin", root: root}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: v17, Major: 17, Version: "17.2"}, b)
	require.Equal(t, []string{filepath.Join(root, versions, "15/bin"), v17}, s.candidates(), "latest is 17, not another installation")

	// Homebrew's of the same major comes first; a newer one anywhere wins.
	brewed := brew(t, root, "/usr/local", "17.0")
	b, err = s.find()
	require.NoError(t, err)
	require.Equal(t, brewed, b.Dir)
	b, err = s.findMajor(15)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(root, versions, "15/bin"), b.Dir)
}

func TestFindBinariesMacPorts(t *testing.T) {
	root := t.TempDir()
	want := fakeInstall(t, root, "/opt/local/lib/postgresql16/bin", "16.6")
	b, err := search{goos: "darwin", root: root}.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: want, Major: 16, Version: "16.6"}, b)
}

// PATH is the user's choice: it comes before the places, whatever their
// versions. A directory on PATH counts only with both programs.
func TestFindBinariesPathFirst(t *testing.T) {
	root := t.TempDir()
	brew(t, root, "/opt/homebrew", "17.2")
	app := fakeInstall(t, root, "/Applications/Postgres.app/Contents/Versions/15/bin", "15.10")
	link(t, root, "/Applications/Postgres.app/Contents/Versions/latest", "15")
	onlyInitdb := filepath.Join(root, "tools")
	require.NoError(t, os.MkdirAll(onlyInitdb, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(onlyInitdb, "initdb"), []byte("#!/bin/sh\n"), 0o755))

	latest := filepath.Join(root, "/Applications/Postgres.app/Contents/Versions/latest/bin")
	s := search{goos: "darwin", root: root, path: strings.Join([]string{"relative/bin", latest, "/nonexistent"}, string(os.PathListSeparator))}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: app, Major: 15, Version: "15.10"}, b, "Postgres.app's latest/bin on PATH, as its docs say to set it")
	b, err = s.findMajor(17)
	require.NoError(t, err)
	require.Equal(t, 17, b.Major, "a version asked for is still found in the places")

	s.path = onlyInitdb
	b, err = s.find()
	require.NoError(t, err)
	require.Equal(t, 17, b.Major, "initdb alone on PATH is no installation")
}

// Debian's layout, as before: PATH (its /usr/local/bin links followed),
// else the newest /usr/lib/postgresql/<version>/bin; no Mac places.
func TestFindBinariesDebian(t *testing.T) {
	root := t.TempDir()
	fakeInstall(t, root, "/usr/lib/postgresql/9.6/bin", "9.6.24")
	v13 := fakeInstall(t, root, "/usr/lib/postgresql/13/bin", "13.16")
	v15 := fakeInstall(t, root, "/usr/lib/postgresql/15/bin", "15.14")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "/usr/lib/postgresql/README/bin"), 0o755))
	fakeInstall(t, root, "/usr/lib/postgresql/16/bin", "16.1")
	require.NoError(t, os.Remove(filepath.Join(root, "/usr/lib/postgresql/16/bin/postgres")))
	brew(t, root, "/opt/homebrew", "17.2")

	s := search{goos: "linux", root: root, path: "/nonexistent"}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: v15, Major: 15, Version: "15.14"}, b, "16 lacks postgres; Homebrew's is no Linux place")
	require.Equal(t, []string{filepath.Join(root, "/usr/lib/postgresql/13/bin"), v15, filepath.Join(root, "/usr/lib/postgresql/9.6/bin")}, s.candidates())

	link(t, root, "/usr/local/bin/initdb", "/usr/lib/postgresql/13/bin/initdb")
	link(t, root, "/usr/local/bin/postgres", "/usr/lib/postgresql/13/bin/postgres")
	s.path = filepath.Join(root, "/usr/local/bin")
	b, err = s.find()
	require.NoError(t, err)
	require.Equal(t, v13, b.Dir, "PATH first, its links followed")
	b, err = s.findMajor(15)
	require.NoError(t, err)
	require.Equal(t, v15, b.Dir)

	// On a Mac the Debian layout is not looked at.
	b, err = search{goos: "darwin", root: root}.find()
	require.NoError(t, err)
	require.Equal(t, 17, b.Major)
}

// $SCHEMACTL_PG_LIBDIR is the only place searched when set, on any
// platform but Windows.
func TestFindBinariesLibDirOverridesAll(t *testing.T) {
	root := t.TempDir()
	brew(t, root, "/opt/homebrew", "17.2")
	onPath := fakeInstall(t, root, "/path/bin", "16.1")
	lib := filepath.Join(root, "lib")
	fakeInstall(t, root, "/lib/13/bin", "13.16")
	want := fakeInstall(t, root, "/lib/14/bin", "14.12")
	s := search{goos: "darwin", root: root, path: onPath, libDir: lib}
	b, err := s.find()
	require.NoError(t, err)
	require.Equal(t, want, b.Dir)
	_, err = s.findMajor(17)
	var ve *VersionError
	require.ErrorAs(t, err, &ve, "17 is installed, but not where the variable says")
	require.Len(t, ve.Installed, 2)
}

func TestFindMajorOnAMac(t *testing.T) {
	root := t.TempDir()
	brew(t, root, "/opt/homebrew", "15.8")
	v16 := brew(t, root, "/opt/homebrew", "16.4")
	app14 := fakeInstall(t, root, "/Applications/Postgres.app/Contents/Versions/14/bin", "14.15")
	s := search{goos: "darwin", root: root}
	for _, tc := range []struct {
		major int
		dir   string
	}{{0, v16}, {16, v16}, {14, app14}} {
		b, err := s.findMajor(tc.major)
		require.NoError(t, err, tc.major)
		require.Equal(t, tc.dir, b.Dir, tc.major)
	}
	_, err := s.findMajor(13)
	var ve *VersionError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "devdb: PostgreSQL 13 is not installed (installed: 16 ("+v16+"), 15 ("+filepath.Join(root, "/opt/homebrew/Cellar/postgresql@15/15.8/bin")+"), 14 ("+app14+
		")); install its server with `brew install postgresql@13`, or Postgres.app (https://postgresapp.com), or ask for an installed version", err.Error())
}

func TestFindBinariesNotFound(t *testing.T) {
	root := t.TempDir()
	_, err := search{goos: "darwin", root: root, path: "/nonexistent"}.find()
	var be *BinariesError
	require.ErrorIs(t, err, ErrNoBinaries)
	require.ErrorAs(t, err, &be)
	require.Equal(t, []string{"initdb", "postgres"}, be.Missing)
	require.Equal(t, "devdb: PostgreSQL server programs not found: no initdb and postgres in PATH or Homebrew (/opt/homebrew, /usr/local) or "+
		"Postgres.app (/Applications/Postgres.app/Contents/Versions/<version>/bin) or MacPorts (/opt/local/lib/postgresql<version>/bin); "+
		"install the PostgreSQL server with `brew install postgresql@17`, or Postgres.app (https://postgresapp.com)", err.Error())

	// A keg missing its server: only postgres is missing.
	brew(t, root, "/opt/homebrew", "16.4")
	require.NoError(t, os.Remove(filepath.Join(root, "/opt/homebrew/Cellar/postgresql@16/16.4/bin/postgres")))
	_, err = search{goos: "darwin", root: root}.find()
	require.ErrorAs(t, err, &be)
	require.Equal(t, []string{"postgres"}, be.Missing)

	_, err = search{goos: "linux", root: root, path: "/nonexistent"}.find()
	require.EqualError(t, err, "devdb: PostgreSQL server programs not found: no initdb and postgres in PATH or /usr/lib/postgresql/<version>/bin; "+
		"install the PostgreSQL server with `apt-get install postgresql` (`make deps` does it in schemactl's own repository)")
}

// Windows has no embedded dev database: the error says so, and what to do
// instead, whatever is installed.
func TestFindBinariesWindows(t *testing.T) {
	root := t.TempDir()
	path := fakeInstall(t, root, "/bin", "16.4")
	s := search{goos: "windows", root: root, path: path}
	_, err := s.find()
	require.ErrorIs(t, err, ErrNotSupported)
	_, err = s.findMajor(16)
	require.ErrorIs(t, err, ErrNotSupported)
	require.Contains(t, err.Error(), "not supported on Windows")
	require.Contains(t, err.Error(), "WSL2")
	require.Contains(t, err.Error(), "--dev-url")
}
