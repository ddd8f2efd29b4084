package devdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Binaries are the PostgreSQL server programs of one installation.
type Binaries struct {
	Dir   string // directory holding initdb and postgres
	Major int    // server major version, e.g. 15
}

// LibDirEnv overrides where versioned installations are searched
// (Debian's /usr/lib/postgresql/<ver>/bin by default).
const LibDirEnv = "SCHEMACTL_PG_LIBDIR"

// FindBinaries looks for initdb and postgres on PATH, then in the newest
// /usr/lib/postgresql/<ver>/bin, which is where Debian's postgresql package
// puts them without linking them onto PATH.
func FindBinaries() (Binaries, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := exec.LookPath("postgres"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dir = filepath.Dir(real) // keep initdb and postgres of one install together
			}
			return withVersion(dir)
		}
	}
	root := os.Getenv(LibDirEnv)
	if root == "" {
		root = "/usr/lib/postgresql"
	}
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
	if bestDir == "" {
		return Binaries{}, ErrNoBinaries
	}
	return withVersion(bestDir)
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

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
	major, _ := strconv.Atoi(string(m[1]))
	b := Binaries{Dir: dir, Major: major}
	versions.Store(dir, b)
	return b, nil
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func (b Binaries) path(prog string) string { return filepath.Join(b.Dir, prog) }
