package entload

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ledgerforge/schemactl/internal/buildid"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// cacheLayout versions the cache: loads in cacheLayout/<key>.json, built
// drivers in cacheLayout/bin/<key>.
const cacheLayout = "entload-v1"

// tmpPrefix names the cache's scratch directories.
const tmpPrefix = ".tmp-"

// Entries kept: the newest by use. A driver is some 20 MB; a load's JSON a
// few hundred KB for hundreds of entities.
const (
	keepResults = 64
	keepDrivers = 8
)

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
	return hex.EncodeToString(h.Sum(nil)), nil
}

// driverPath is where the driver built for this module is cached, ""
// when it is not. A driver depends on the module's requirements (go.mod,
// go.sum, go.work), not on the schema, so it is shared by every load in
// the module until they change. A module that takes modules from local
// directories (replace => ../x, go.work) is not cached: their sources
// could change the driver unseen.
func (l *loader) driverPath() string {
	root, err := cachedir.Dir()
	if err != nil {
		return ""
	}
	mods, files, err := localModules(l.abs)
	if err != nil || len(mods) != 1 {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", cacheLayout, l.toolchain, driverHash, goEnv())
	for _, f := range files {
		if err := hashFile(h, f); err != nil && !os.IsNotExist(err) {
			return ""
		}
	}
	return filepath.Join(root, cacheLayout, "bin", hex.EncodeToString(h.Sum(nil)))
}

// storeDriver builds the driver into the cache at path: build writes it in
// a scratch directory of the cache (see lockdir), then it is renamed into
// place.
func storeDriver(path string, build func(bin string) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lockdir.Sweep(dir, tmpPrefix, nil)
	tmp, err := lockdir.New(dir, tmpPrefix, 0o755)
	if err != nil {
		return err
	}
	defer tmp.Remove()
	bin := filepath.Join(tmp.Path, "driver")
	if err := build(bin); err != nil {
		return err
	}
	if err := os.Rename(bin, path); err != nil {
		return err
	}
	prune(dir, keepDrivers, "")
	return nil
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
	touch(p)
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
		prune(dir, keepResults, ".json")
	}
}

// touch marks an entry used, for prune.
func touch(p string) {
	now := time.Now()
	_ = os.Chtimes(p, now, now)
}

// prune removes all but the keep most recently used entries of dir whose
// names end with suffix.
func prune(dir string, keep int, suffix string) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		mod  time.Time
	}
	var all []entry
	for _, e := range es {
		// Dot files are scratch directories' locks, never entries.
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), suffix) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			all = append(all, entry{e.Name(), fi.ModTime()})
		}
	}
	if len(all) <= keep {
		return
	}
	slices.SortFunc(all, func(a, b entry) int { return b.mod.Compare(a.mod) })
	for _, e := range all[keep:] {
		os.Remove(filepath.Join(dir, e.name))
	}
}
