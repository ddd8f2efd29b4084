// Package desired builds the desired database state from an Ent schema
// package: the Ent graph, converted to an Atlas schema through Ent's own
// StateReader, with enum fields turned into native PostgreSQL enum types.
package desired

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/entc/load"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// cacheLayout versions the cached graph format.
const cacheLayout = "graph-v1"

// LoadGraph loads the Ent schema package in dir. entc compiles and runs a
// helper program for that, which costs 0.3 s warm and far more cold, so the
// loaded schemas are cached under a hash of every source file that can
// change them (see sourceKey): the package, the local packages it imports
// (of its module, of local replacements, of its go.work), and the go.mod,
// go.sum and go.work files.
func LoadGraph(dir string) (*gen.Graph, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("desired: ent schema package %s: not a directory", dir)
	}
	sweepEntc()
	key, keyErr := sourceKey(abs)
	if keyErr == nil {
		if spec, ok := readCache(key); ok {
			return newGraph(abs, spec)
		}
	}
	release, err := lockEntc()
	if err != nil {
		return nil, fmt.Errorf("desired: load ent schema %s: %w", dir, err)
	}
	killpoint.Here("desired.entc")
	cfg := &gen.Config{}
	g, err := entc.LoadGraph(abs, cfg)
	release()
	if err != nil {
		return nil, fmt.Errorf("desired: load ent schema %s: %s", dir, compilerOutput(err))
	}
	if keyErr == nil {
		writeCache(key, &cachedSpec{PkgPath: cfg.Schema, Schemas: g.Schemas})
	}
	return g, nil
}

// compilerOutput folds entc's error, which embeds the Go compiler's
// multi-line output ("# pkg" then file:line: message lines), into one line.
func compilerOutput(err error) string {
	var parts []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(l, "entc/load: parse schema dir:"))
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, "; ")
}

type cachedSpec struct {
	PkgPath string         `json:"pkg"`
	Schemas []*load.Schema `json:"schemas"`
	Pos     []string       `json:"pos"` // load.Schema.Pos is not serialised
}

func newGraph(abs string, spec *cachedSpec) (*gen.Graph, error) {
	cfg := &gen.Config{Schema: spec.PkgPath, Package: path.Dir(spec.PkgPath), Target: filepath.Dir(abs)}
	g, err := gen.NewGraph(cfg, spec.Schemas...)
	if err != nil {
		return nil, fmt.Errorf("desired: load ent schema: %w", err)
	}
	return g, nil
}

func readCache(key string) (*cachedSpec, bool) {
	dir, err := cachedir.Dir()
	if err != nil {
		return nil, false
	}
	dir = filepath.Join(dir, cacheLayout)
	lockdir.Sweep(dir, tmpPrefix, nil) // writes of killed runs
	b, err := os.ReadFile(filepath.Join(dir, key+".json"))
	if err != nil {
		return nil, false
	}
	var spec cachedSpec
	if json.Unmarshal(b, &spec) != nil || len(spec.Pos) != len(spec.Schemas) {
		return nil, false
	}
	for i, s := range spec.Schemas {
		s.Pos = spec.Pos[i]
	}
	return &spec, true
}

// writeCache is best effort: a failure only costs the next run time. The
// file is written in a scratch directory of this run's (see lockdir: a
// killed run's is swept) and renamed into place, which makes concurrent
// writers safe.
func writeCache(key string, spec *cachedSpec) {
	dir, err := cachedir.Dir()
	if err != nil {
		return
	}
	for _, s := range spec.Schemas {
		spec.Pos = append(spec.Pos, s.Pos)
	}
	b, err := json.Marshal(spec)
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
	killpoint.Here("desired.graph")
	_ = os.Rename(p, filepath.Join(dir, key+".json"))
}

// tmpPrefix names the graph cache's scratch directories.
const tmpPrefix = ".tmp-"
