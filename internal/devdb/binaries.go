package devdb

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
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

// search is what the programs are looked for with: the platform (whose
// well-known places are searched), the environment, and the root the
// places are under ("" on the machine itself). A test lays out another
// platform's installations under a temporary root and sees which one is
// chosen.
type search struct {
	goos   string
	root   string
	libDir string // $SCHEMACTL_PG_LIBDIR
	path   string // $PATH
}

func hostSearch() search {
	return search{goos: runtime.GOOS, libDir: os.Getenv(LibDirEnv), path: os.Getenv("PATH")}
}

// FindBinaries looks for initdb and postgres in the newest
// $SCHEMACTL_PG_LIBDIR/<ver>/bin when that is set; otherwise on PATH, then
// in the newest installation of the platform's well-known places (see
// places): /usr/lib/postgresql/<ver>/bin, where Debian's postgresql package
// puts them without linking them onto PATH; on macOS, Homebrew's and
// Postgres.app's. On Windows it returns ErrNotSupported.
func FindBinaries() (Binaries, error) { return hostSearch().find() }

// FindMajor finds the installation of PostgreSQL major version major (a
// dev URL's docker://postgres/<major>), where FindBinaries would look; 0
// means any, the one FindBinaries finds. The version is the one postgres
// --version reports, not the directory's name.
func FindMajor(major int) (Binaries, error) { return hostSearch().findMajor(major) }

func (s search) find() (Binaries, error) {
	if s.goos == "windows" {
		return Binaries{}, ErrNotSupported
	}
	if s.libDir != "" {
		dir := newest(s.libDir)
		if dir == "" {
			return Binaries{}, &BinariesError{Missing: missingIn(s.libDir), Searched: []string{"$" + LibDirEnv + " (" + filepath.Join(s.libDir, "<version>", "bin") + ")"}, goos: s.goos}
		}
		return withVersion(dir)
	}
	if dir := s.onPath(); dir != "" {
		return withVersion(dir)
	}
	// The newest major version of the places; of two alike, the first.
	best := Binaries{Major: -1}
	for _, f := range s.inPlaces() {
		b := Binaries{Dir: f.dir, Major: f.major}
		if b.Major == 0 {
			var err error
			if b, err = withVersion(f.dir); err != nil {
				continue
			}
		}
		if b.Major > best.Major {
			best = b
		}
	}
	if best.Dir != "" {
		return withVersion(best.Dir)
	}
	return Binaries{}, s.notFound()
}

func (s search) findMajor(major int) (Binaries, error) {
	if major == 0 || s.goos == "windows" {
		return s.find()
	}
	var installed []Binaries
	for _, dir := range s.candidates() {
		b, err := withVersion(dir)
		if err != nil {
			continue
		}
		if b.Major == major {
			return b, nil
		}
		installed = append(installed, b)
	}
	if len(installed) == 0 {
		return s.find() // its error says what is missing and how to install it
	}
	return Binaries{}, &VersionError{Want: major, Installed: installed, goos: s.goos}
}

// candidates are the bin directories holding both programs where find
// looks, in its order, each once.
func (s search) candidates() []string {
	if s.libDir != "" {
		var dirs []string
		entries, _ := os.ReadDir(s.libDir)
		for _, e := range entries {
			if dir := filepath.Join(s.libDir, e.Name(), "bin"); hasBoth(dir) {
				dirs = append(dirs, dir)
			}
		}
		return dirs
	}
	var dirs []string
	if dir := s.onPath(); dir != "" {
		dirs = append(dirs, dir)
	}
	for _, f := range s.inPlaces() {
		if !slices.Contains(dirs, f.dir) {
			dirs = append(dirs, f.dir)
		}
	}
	return dirs
}

// onPath is the directory of the first initdb on PATH when postgres is on
// PATH too. Links are followed (Debian's /usr/local/bin links, Homebrew's
// <prefix>/bin ones), so that both programs come from initdb's
// installation, which must hold both.
func (s search) onPath() string {
	initdb, postgres := s.lookPath("initdb"), s.lookPath("postgres")
	if initdb == "" || postgres == "" {
		return ""
	}
	dir := filepath.Dir(initdb)
	if real, err := filepath.EvalSymlinks(initdb); err == nil {
		dir = filepath.Dir(real)
	}
	if !hasBoth(dir) {
		return ""
	}
	return dir
}

// lookPath is exec.LookPath on s.path: relative entries are skipped, as
// exec.LookPath refuses what they find.
func (s search) lookPath(prog string) string {
	for _, dir := range filepath.SplitList(s.path) {
		if p := filepath.Join(dir, prog); filepath.IsAbs(dir) && isExec(p) {
			return p
		}
	}
	return ""
}

// inPlaces lists the installations holding both programs in the places of
// s.goos, in the places' order, each once (links are followed: a Homebrew
// opt/ link and its Cellar directory, Postgres.app's latest and its
// version, are one installation). A major version the path does not name
// is 0.
func (s search) inPlaces() []found {
	var out []found
	seen := map[string]bool{}
	for _, p := range places(s.goos) {
		for _, f := range expand(s.root, p.pattern) {
			if real, err := filepath.EvalSymlinks(filepath.Join(f.dir, "initdb")); err == nil {
				f.dir = filepath.Dir(real)
			}
			if seen[f.dir] || !hasBoth(f.dir) {
				continue
			}
			seen[f.dir] = true
			out = append(out, f)
		}
	}
	return out
}

// notFound says which programs were found nowhere, and where s looked.
func (s search) notFound() error {
	searched := []string{"PATH"}
	var dirs []string
	for _, p := range places(s.goos) {
		if !slices.Contains(searched, p.label) {
			searched = append(searched, p.label)
		}
		for _, f := range expand(s.root, p.pattern) {
			dirs = append(dirs, f.dir)
		}
	}
	var missing []string
	for _, prog := range programs {
		if s.lookPath(prog) == "" && !slices.ContainsFunc(dirs, func(d string) bool { return isExec(filepath.Join(d, prog)) }) {
			missing = append(missing, prog)
		}
	}
	return &BinariesError{Missing: missing, Searched: searched, goos: s.goos}
}

// VersionError says that the PostgreSQL major version asked for is not
// installed, and which are.
type VersionError struct {
	Want      int
	Installed []Binaries
	goos      string // how to install it
}

func (e *VersionError) Error() string {
	var have []string
	installed := slices.Clone(e.Installed)
	slices.SortStableFunc(installed, func(a, b Binaries) int { return b.Major - a.Major }) // newest first
	for _, b := range installed {
		have = append(have, fmt.Sprintf("%d (%s)", b.Major, b.Dir))
	}
	return fmt.Sprintf("devdb: PostgreSQL %d is not installed (installed: %s); install its server with %s, or ask for an installed version",
		e.Want, strings.Join(have, ", "), install(e.goos, e.Want))
}

// newest is the bin directory of the newest installation under root
// holding both programs, or "".
func newest(root string) string {
	entries, _ := os.ReadDir(root)
	best, bestDir := -1, ""
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), ".", 2)[0])
		dir := filepath.Join(root, e.Name(), "bin")
		if err != nil || v <= best || !hasBoth(dir) {
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
	goos     string   // how to install them
}

func (e *BinariesError) Error() string {
	what := "initdb and postgres of one installation"
	if len(e.Missing) > 0 {
		what = strings.Join(e.Missing, " and ")
	}
	return fmt.Sprintf("devdb: PostgreSQL server programs not found: no %s in %s; install the PostgreSQL server with %s",
		what, strings.Join(e.Searched, " or "), install(e.goos, 0))
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

func hasBoth(dir string) bool {
	return isExec(filepath.Join(dir, "initdb")) && isExec(filepath.Join(dir, "postgres"))
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func (b Binaries) path(prog string) string { return filepath.Join(b.Dir, prog) }
