package entload

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// sourceKey hashes what the loaded graph depends on: the schema package
// and every package it imports, transitively, whose source is on this
// disk and may change under the same go.mod: those of its own module, of
// modules replaced by a local directory (replace x => ../x), and of the
// other modules of its go.work; with the go.mod, go.sum, go.work and
// go.work.sum files that choose the rest.
func sourceKey(schemaDir string) (string, error) {
	mods, files, err := localModules(schemaDir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", cacheLayout, schemaDir)
	for _, f := range files {
		if err := hashFile(h, f); err != nil && !os.IsNotExist(err) {
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
			if d, ok := mods.dir(imp); ok {
				queue = append(queue, d)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// modules maps module paths to the local directories their packages are
// built from.
type modules map[string]string

// dir is the directory of the package imp when it is in a local module
// (the longest module path that is a prefix of imp wins, as in Go).
func (m modules) dir(imp string) (string, bool) {
	best := ""
	for p := range m {
		if (imp == p || strings.HasPrefix(imp, p+"/")) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return "", false
	}
	return filepath.Join(m[best], filepath.FromSlash(strings.TrimPrefix(imp, best))), true
}

// localModules finds the modules whose source is local to the build of
// schemaDir's package, and the files that pick the versions of the others.
func localModules(schemaDir string) (modules, []string, error) {
	root, module, err := findModuleRoot(schemaDir)
	if err != nil {
		return nil, nil, err
	}
	mods := modules{module: root}
	files := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	work, err := findWork(root)
	if err != nil {
		return nil, nil, err
	}
	roots := []string{root}
	var workReplace []*modfile.Replace
	if work != "" {
		b, err := os.ReadFile(work)
		if err != nil {
			return nil, nil, fmt.Errorf("entload: %w", err)
		}
		wf, err := modfile.ParseWork(work, b, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("entload: %w", err)
		}
		files = append(files, work, work+".sum")
		for _, u := range wf.Use {
			d := localPath(filepath.Dir(work), u.Path)
			if d == root {
				continue
			}
			b, err := os.ReadFile(filepath.Join(d, "go.mod"))
			if err != nil {
				continue // go reports a broken workspace itself
			}
			mods[modfile.ModulePath(b)] = d
			roots = append(roots, d)
			files = append(files, filepath.Join(d, "go.mod"), filepath.Join(d, "go.sum"))
		}
		for _, r := range wf.Replace {
			r.New.Path = localPath(filepath.Dir(work), r.New.Path)
		}
		workReplace = wf.Replace
	}
	// The replacements of every module of the build, then go.work's, which
	// win over them.
	for _, r := range roots {
		b, err := os.ReadFile(filepath.Join(r, "go.mod"))
		if err != nil {
			return nil, nil, fmt.Errorf("entload: %w", err)
		}
		mf, err := modfile.Parse(filepath.Join(r, "go.mod"), b, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("entload: %w", err)
		}
		files = addReplaces(mods, files, mf.Replace, r)
	}
	files = addReplaces(mods, files, workReplace, "")
	return mods, files, nil
}

// addReplaces records the replacements by a local directory (relative to
// base, or already absolute when base is "").
func addReplaces(mods modules, files []string, rs []*modfile.Replace, base string) []string {
	for _, r := range rs {
		if r.New.Version != "" { // replaced by another module version
			continue
		}
		d := r.New.Path
		if base != "" {
			d = localPath(base, d)
		}
		mods[r.Old.Path] = d
		files = append(files, filepath.Join(d, "go.mod"))
	}
	return files
}

// localPath resolves a go.mod or go.work directory path against base.
func localPath(base, p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// findWork returns the go.work file the go command uses for a module at
// root: $GOWORK, or the first go.work above root; "" in module mode.
func findWork(root string) (string, error) {
	switch w := os.Getenv("GOWORK"); w {
	case "off":
		return "", nil
	case "":
	default:
		return w, nil
	}
	for d := root; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "go.work")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("entload: %w", err)
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
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

// findModuleRoot walks up from dir to go.mod and returns its root and path.
func findModuleRoot(dir string) (root, module string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			return d, modfile.ModulePath(b), nil
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("no go.mod in %s or any directory above it: an Ent schema package is loaded inside its Go module", dir)
		}
	}
}
