package entload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ledgerforge/schemactl/internal/buildid"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// cacheLayout versions the cache: loads in cacheLayout/<key>.json.
const cacheLayout = "entload-v1"

// tmpPrefix names the cache's scratch directories.
const tmpPrefix = ".tmp-"

// keepResults is how many loads the cache keeps, the most recently used: a
// load's JSON is some 2.5 KB per entity.
const keepResults = 64

// driverHash identifies the driver program's source.
var driverHash = func() string {
	h := sha256.Sum256(driverSource)
	return hex.EncodeToString(h[:])
}()

// key hashes every input of the load: the sources (sourceKey: the
// package, the local packages it imports, go.mod, go.sum, go.work), the
// toolchain, the driver, the server version planned for, the environment
// of the go commands, and this build of schemactl (whose way of loading,
// and of reporting a failure, may change with it).
func (l *loader) key() (string, error) {
	src, err := sourceKey(l.abs)
	if err != nil {
		return "", err
	}
	self, _ := buildid.Self() // "" when unreadable: the rest still keys
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s", cacheLayout, src, l.toolchain, driverHash, l.version, goEnv(), self)
	if l.globalID != "" {
		// The ranges the generator recorded decide the identities.
		ranges, _ := os.ReadFile(filepath.Join(l.globalID, "internal", "globalid.go"))
		fmt.Fprintf(h, "\x00globalid\x00%s\x00%x", l.globalID, sha256.Sum256(ranges))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readResult returns the cached output of a load.
func readResult(key string) (*output, bool) {
	dir, err := cachedir.Dir()
	if err != nil {
		return nil, false
	}
	dir = filepath.Join(dir, cacheLayout)
	lockdir.Sweep(dir, tmpPrefix, nil) // writes of killed runs
	p := filepath.Join(dir, key+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	var out output
	if json.Unmarshal(b, &out) != nil || out.Version != protocol {
		return nil, false
	}
	cachedir.Touch(p)
	return &out, true
}

// writeResult is best effort: a failure only costs the next run time. The
// file is written in a scratch directory of this run's (see lockdir: a
// killed run's is swept) and renamed into place, which makes concurrent
// writers safe.
func writeResult(key string, out *output) {
	dir, err := cachedir.Dir()
	if err != nil {
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		return
	}
	dir = filepath.Join(dir, cacheLayout)
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := lockdir.New(dir, tmpPrefix, 0o755)
	if err != nil {
		return
	}
	defer tmp.Remove()
	p := filepath.Join(tmp.Path, key+".json")
	if os.WriteFile(p, b, 0o644) != nil {
		return
	}
	killpoint.Here("entload.cache")
	if os.Rename(p, filepath.Join(dir, key+".json")) == nil {
		cachedir.Prune(dir, keepResults, ".json")
	}
}
