// Package desired builds the desired database state from an Ent schema
// package: the Ent graph, converted to an Atlas schema through Ent's own
// StateReader, with enum fields turned into native PostgreSQL enum types.
package desired

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/entc/load"
	"golang.org/x/mod/modfile"

	"github.com/ledgerforge/schemactl/internal/cachedir"
)

// cacheLayout versions the cached graph format.
const cacheLayout = "graph-v1"

// LoadGraph loads the Ent schema package in dir. entc compiles and runs a
// helper program for that, which costs 0.3 s warm and far more cold, so the
// loaded schemas are cached under a hash of every source file that can
// change them: the package, the module-local packages it imports, go.mod and
// go.sum.
func LoadGraph(dir string) (*gen.Graph, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("desired: ent schema package %s: not a directory", dir)
	}
	key, keyErr := sourceKey(abs)
	if keyErr == nil {
		if spec, ok := readCache(key); ok {
			return newGraph(abs, spec)
		}
	}
	cfg := &gen.Config{}
	g, err := entc.LoadGraph(abs, cfg)
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
	b, err := os.ReadFile(filepath.Join(dir, cacheLayout, key+".json"))
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
// rename makes concurrent writers safe.
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
	f, err := os.CreateTemp(dir, ".graph-*")
	if err != nil {
		return
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), filepath.Join(dir, key+".json")) != nil {
		os.Remove(f.Name())
	}
}

// sourceKey hashes what the loaded graph depends on.
func sourceKey(schemaDir string) (string, error) {
	root, module, err := findModule(schemaDir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cacheLayout, schemaDir)
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := hashFile(h, filepath.Join(root, f)); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	seen := map[string]bool{}
	queue := []string{schemaDir}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		imports, err := hashPackage(h, dir)
		if err != nil {
			return "", err
		}
		for _, imp := range imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				queue = append(queue, filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(imp, module))))
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashPackage hashes a package's non-test Go files and returns its imports.
func hashPackage(h io.Writer, dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var imports []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		p := filepath.Join(dir, name)
		if err := hashFile(h, p); err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			continue // entc reports the compile error itself
		}
		for _, imp := range f.Imports {
			if s, err := strconv.Unquote(imp.Path.Value); err == nil {
				imports = append(imports, s)
			}
		}
	}
	sort.Strings(imports)
	return imports, nil
}

func hashFile(h io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "%s\x00", p)
	_, err = io.Copy(h, f)
	return err
}

// findModule walks up from dir to go.mod and returns its root and path.
func findModule(dir string) (root, module string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			return d, modfile.ModulePath(b), nil
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("desired: no go.mod above %s", dir)
		}
	}
}
