package devdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Binaries are the PostgreSQL server programs of one installation.
type Binaries struct {
	Dir     string // directory holding initdb and postgres
	Major   int    // server major version, e.g. 15
	Version string // the exact version, e.g. 15.14
}

// LibDirEnv names the directory holding versioned installations,
// <version>/bin/{initdb,postgres}, in place of Debian's /usr/lib/postgresql.
// Set, it is the only place searched: it chooses the installation even
// when another one is on PATH.
const LibDirEnv = "SCHEMACTL_PG_LIBDIR"

// defaultLibDir is where Debian's postgresql package puts the server.
const defaultLibDir = "/usr/lib/postgresql"

var programs = []string{"initdb", "postgres"}

// FindBinaries looks for initdb and postgres in the newest
// $SCHEMACTL_PG_LIBDIR/<ver>/bin when that is set; otherwise on PATH, then
// in the newest /usr/lib/postgresql/<ver>/bin, which is where Debian's
// postgresql package puts them without linking them onto PATH.
func FindBinaries() (Binaries, error) {
	if root := os.Getenv(LibDirEnv); root != "" {
		dir := newest(root)
		if dir == "" {
			return Binaries{}, &BinariesError{Missing: missingIn(root), Searched: []string{"$" + LibDirEnv + " (" + filepath.Join(root, "<version>", "bin") + ")"}}
		}
		return withVersion(dir)
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := exec.LookPath("postgres"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dir = filepath.Dir(real) // keep initdb and postgres of one install together
			}
			return withVersion(dir)
		}
	}
	if dir := newest(defaultLibDir); dir != "" {
		return withVersion(dir)
	}
	var missing []string
	for _, prog := range missingIn(defaultLibDir) {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, prog)
		}
	}
	return Binaries{}, &BinariesError{Missing: missing, Searched: []string{"PATH", filepath.Join(defaultLibDir, "<version>", "bin")}}
}

// newest is the bin directory of the newest installation under root
// holding both programs, or "".
func newest(root string) string {
	entries, _ := os.ReadDir(root)
	best, bestDir := -1, ""
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), ".", 2)[0])
		dir := filepath.Join(root, e.Name(), "bin")
		if err != nil || v <= best || !isExec(filepath.Join(dir, "initdb")) || !isExec(filepath.Join(dir, "postgres")) {
			continue
		}
		best, bestDir = v, dir
	}
	return bestDir
}

// missingIn lists the programs no installation under root has.
func missingIn(root string) []string {
	var missing []string
	for _, prog := range programs {
		if found, _ := filepath.Glob(filepath.Join(root, "*", "bin", prog)); !slices.ContainsFunc(found, isExec) {
			missing = append(missing, prog)
		}
	}
	return missing
}

// BinariesError says which PostgreSQL server programs are missing, where
// they were looked for, and how to install them. It matches ErrNoBinaries.
type BinariesError struct {
	Missing  []string // programs found nowhere; empty: found, but not in one installation
	Searched []string // where they were looked for
}

func (e *BinariesError) Error() string {
	what := "initdb and postgres of one installation"
	if len(e.Missing) > 0 {
		what = strings.Join(e.Missing, " and ")
	}
	return fmt.Sprintf("devdb: PostgreSQL server programs not found: no %s in %s; install the PostgreSQL server with `apt-get install postgresql` (`make deps` does it in schemactl's own repository)",
		what, strings.Join(e.Searched, " or "))
}

func (e *BinariesError) Is(target error) bool { return target == ErrNoBinaries }

var versionRE = regexp.MustCompile(`\(PostgreSQL\) ((\d+)\S*)`)

// versions remembers each installation's version: running postgres
// --version costs a few milliseconds, and a command asks more than once.
var versions sync.Map // dir -> Binaries

func withVersion(dir string) (Binaries, error) {
	if b, ok := versions.Load(dir); ok {
		return b.(Binaries), nil
	}
	// postgres --version is allowed as root, unlike starting the server.
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return Binaries{}, fmt.Errorf("devdb: %s --version: %w", filepath.Join(dir, "postgres"), err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return Binaries{}, fmt.Errorf("devdb: unexpected output of postgres --version: %q", strings.TrimSpace(string(out)))
	}
	major, _ := strconv.Atoi(string(m[2]))
	b := Binaries{Dir: dir, Major: major, Version: string(m[1])}
	versions.Store(dir, b)
	return b, nil
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func (b Binaries) path(prog string) string { return filepath.Join(b.Dir, prog) }
