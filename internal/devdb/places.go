package devdb

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A place is where a platform's packages put PostgreSQL's server programs
// without necessarily linking them onto PATH: Debian's postgresql package,
// Homebrew's keg-only postgresql@NN formulas, Postgres.app. Its pattern is
// a path whose elements may hold one `*`; the first `*` stands for the
// version, which ranks the installations found there without running them.
type place struct {
	label   string // how the not-found error names it
	pattern string
}

// homebrew lists Homebrew's places under one prefix (/opt/homebrew on Apple
// silicon, /usr/local on Intel): opt/<formula> links the formula's current
// Cellar version (the versioned postgresql@NN formulas are keg-only: that
// link is all there is); <prefix>/bin has the programs of a linked
// formula (`brew link --force postgresql@16`); the Cellar holds every
// version not yet cleaned up.
func homebrew(prefix string) []place {
	label := "Homebrew (/opt/homebrew, /usr/local)"
	var ps []place
	for _, p := range []string{"/opt/postgresql@*/bin", "/opt/postgresql/bin", "/bin", "/Cellar/postgresql@*/*/bin", "/Cellar/postgresql/*/bin"} {
		ps = append(ps, place{label, prefix + p})
	}
	return ps
}

// places are the well-known places of goos, in the order of preference
// among installations of the same major version.
func places(goos string) []place {
	switch goos {
	case "darwin":
		return append(append(homebrew("/opt/homebrew"), homebrew("/usr/local")...),
			place{"Postgres.app (/Applications/Postgres.app/Contents/Versions/<version>/bin)", "/Applications/Postgres.app/Contents/Versions/*/bin"},
			place{"MacPorts (/opt/local/lib/postgresql<version>/bin)", "/opt/local/lib/postgresql*/bin"})
	case "windows":
		return nil
	default:
		return []place{{defaultLibDir + "/<version>/bin", defaultLibDir + "/*/bin"}}
	}
}

// install says how to get the server on goos, for the not-found errors.
func install(goos string, major int) string {
	if goos == "darwin" {
		v := "17"
		if major > 0 {
			v = strconv.Itoa(major)
		}
		return "`brew install postgresql@" + v + "`, or Postgres.app (https://postgresapp.com)"
	}
	if major > 0 {
		return "`apt-get install postgresql-" + strconv.Itoa(major) + "`"
	}
	return "`apt-get install postgresql` (`make deps` does it in schemactl's own repository)"
}

// found is a bin directory of one place, with the major version its path
// names (0: none, ask postgres --version).
type found struct {
	dir   string
	major int
}

// expand lists the directories under root matching pattern, in the
// pattern's order (each `*` in name order).
func expand(root, pattern string) []found {
	elems := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	var out []found
	var walk func(dir string, rest []string, version string)
	walk = func(dir string, rest []string, version string) {
		if len(rest) == 0 {
			out = append(out, found{dir: dir, major: leadingMajor(version)})
			return
		}
		before, after, wild := strings.Cut(rest[0], "*")
		if !wild {
			walk(filepath.Join(dir, rest[0]), rest[1:], version)
			return
		}
		entries, _ := os.ReadDir(dir) // sorted by name
		for _, e := range entries {
			n := e.Name()
			if len(n) < len(before)+len(after) || !strings.HasPrefix(n, before) || !strings.HasSuffix(n, after) {
				continue
			}
			v := version
			if v == "" {
				v = n[len(before) : len(n)-len(after)]
			}
			walk(filepath.Join(dir, n), rest[1:], v)
		}
	}
	walk(root+string(filepath.Separator), elems, "")
	return out
}

// leadingMajor reads the major version a directory names: 15, 9.6 (9),
// 14.5_1 (Homebrew's Cellar, 14); 0 for a name that is no version
// (Postgres.app's "latest").
func leadingMajor(v string) int {
	n, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if err != nil {
		n, err = strconv.Atoi(strings.SplitN(v, "_", 2)[0])
	}
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
