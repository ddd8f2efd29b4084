// Package entgen reads how a project runs Ent's generator on a schema
// package: its //go:generate line (the ent command's --target and
// --feature flags) or the entc.go program it runs (its gen.Config). The
// gate checks the generated code it finds there; the loader turns on the
// features that change the SQL (sql/globalid).
package entgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// Generation is how a project generates the Ent code of a schema package,
// as its //go:generate line says.
type Generation struct {
	// Line is where the directive is, "internal/ent/generate.go:3", and
	// Directive its text after //go:generate.
	Line, Directive string
	// Dir is the directory go generate runs the directive in: the
	// package to pass to `go generate`.
	Dir string
	// Entc is the program the directive runs instead of Ent's command
	// (entc.go with its gen.Config), "" when it runs the command.
	Entc string
	// Target is where the code is generated: --target or
	// gen.Config.Target, else the schema package's parent, as Ent
	// defaults. "" when the program computes it (not a string literal).
	Target string
	// Package is gen.Config.Package when the program sets it, for messages.
	Package string
	// Snapshot says whether the schema/snapshot feature is on, and
	// SnapshotKnown whether that could be told from the source (a feature
	// list built at run time, or an extension's, cannot be).
	Snapshot, SnapshotKnown bool
	// GlobalID says whether the sql/globalid feature is on: each table's
	// identity then starts at its own 1<<32 range, read from the generated
	// internal/globalid.go, which changes the SQL.
	GlobalID bool
}

// Locate finds the //go:generate line that runs Ent's generator on
// schemaDir: `ent generate` (go run, go tool or the binary) with its
// --target and --feature flags, or `go run entc.go` (or a directory), whose
// entc.Generate call and gen.Config are read from the Go source. It reads
// the .go files of the schema package's parent (where Ent puts
// generate.go), of the schema package, and of each directory up to the
// module root, then the rest of the module; in the first directory that
// has such lines it takes the last, whose code is what go generate leaves.
// It returns nil when no line in the module names schemaDir.
func Locate(schemaDir string) (*Generation, error) {
	abs, err := filepath.Abs(schemaDir)
	if err != nil {
		return nil, fmt.Errorf("generated: %w", err)
	}
	dirs := []string{filepath.Dir(abs), abs}
	root, module := ModuleOf(abs)
	for d := filepath.Dir(filepath.Dir(abs)); root != "" && strings.HasPrefix(d+string(filepath.Separator), root+string(filepath.Separator)); d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if d == root {
			break
		}
	}
	l := locator{schema: abs, root: root, module: module}
	for _, d := range dirs {
		if g, err := l.inDir(d, false); g != nil || err != nil {
			return g, err
		}
	}
	if root == "" {
		return nil, nil
	}
	// A directive elsewhere (cmd/ent/generate.go running ../../db/schema):
	// the whole module, skipping what go build skips and what was read.
	var found *Generation
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		switch {
		case p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules"):
			return filepath.SkipDir
		case p != root && p != abs && fileExists(filepath.Join(p, "go.mod")):
			return filepath.SkipDir // another module
		case slices.Contains(dirs, p):
			return nil
		}
		found, err = l.inDir(p, true)
		if found != nil && err == nil {
			return filepath.SkipAll
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("generated: %w", err)
	}
	return found, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

type locator struct {
	schema       string // the schema package, absolute
	root, module string // the module's directory and path, when found
}

// inDir reads the directives of dir's .go files, in go generate's order,
// and returns the last generation of l.schema. With quick, it parses only
// the files that hold a directive.
func (l locator) inDir(dir string, quick bool) (*Generation, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("generated: %w", err)
	}
	var last *Generation
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("generated: %w", err)
		}
		if quick && !bytes.Contains(src, []byte("//go:generate")) {
			continue
		}
		g, err := l.inFile(path, src)
		if err != nil {
			return nil, err
		}
		if g != nil {
			last = g
		}
	}
	return last, nil
}

// inFile reads a file's directives as go generate does: each line that
// starts with //go:generate, split into words, with -command aliases.
func (l locator) inFile(path string, src []byte) (*Generation, error) {
	if ignored(src) {
		return nil, nil // go generate skips a file its build constraints exclude
	}
	var last *Generation // a later line regenerates over an earlier one
	aliases := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, len(src)+1)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if !strings.HasPrefix(line, "//go:generate ") && !strings.HasPrefix(line, "//go:generate\t") {
			continue
		}
		directive := strings.TrimSpace(strings.TrimPrefix(line, "//go:generate"))
		words, err := split(directive, path, n, packageName(src))
		if err != nil || len(words) == 0 {
			continue // go generate stops on it; not ours to judge
		}
		if words[0] == "-command" {
			if len(words) > 2 {
				aliases[words[1]] = words[2:]
			}
			continue
		}
		if a, ok := aliases[words[0]]; ok {
			words = append(slices.Clone(a), words[1:]...)
		}
		g, err := l.directive(filepath.Dir(path), words)
		if err != nil {
			return nil, err
		}
		if g != nil {
			g.Line, g.Directive, g.Dir = fmt.Sprintf("%s:%d", rel(path), n), directive, rel(filepath.Dir(path))
			last = g
		}
	}
	return last, nil
}

// directive recognises an Ent generation of l.schema run in dir.
func (l locator) directive(dir string, words []string) (*Generation, error) {
	if args, ok := entCommand(words); ok {
		return l.entGenerate(dir, args), nil
	}
	prog, ok := goRun(words)
	if !ok {
		return nil, nil
	}
	var files []string
	for _, p := range prog {
		if r, ok := strings.CutPrefix(p, l.module+"/"); ok && l.module != "" {
			p = filepath.Join(l.root, filepath.FromSlash(r)) // go run example.com/app/cmd/entc
		} else {
			p = filepath.Join(dir, p)
		}
		if strings.HasSuffix(p, ".go") {
			files = append(files, p)
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			m, _ := filepath.Glob(filepath.Join(p, "*.go"))
			files = append(files, m...)
		}
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue // go run would fail on it: not a generation we can read
		}
		g, err := l.entc(dir, f, src)
		if err != nil || g != nil {
			return g, err
		}
	}
	return nil, nil
}

// entCommand returns the arguments after `generate` when words run Ent's
// command: go run entgo.io/ent/cmd/ent[@v], go tool ent, or the installed
// ent (entc in old releases).
func entCommand(words []string) ([]string, bool) {
	isEnt := func(p string) bool {
		p, _, _ = strings.Cut(p, "@")
		base := p[strings.LastIndex(p, "/")+1:]
		return base == "ent" || base == "entc"
	}
	var rest []string
	switch {
	case len(words) > 2 && words[0] == "go" && words[1] == "tool" && isEnt(words[2]):
		rest = words[3:]
	case len(words) > 0 && words[0] != "go" && isEnt(words[0]):
		rest = words[1:]
	default:
		prog, ok := goRun(words)
		if !ok || len(prog) != 1 || !strings.Contains(prog[0], "/cmd/ent") || !isEnt(prog[0]) {
			return nil, false
		}
		rest = words[slices.Index(words, prog[0])+1:]
	}
	if len(rest) == 0 || rest[0] != "generate" {
		return nil, false
	}
	return rest[1:], true
}

// goRun returns what `go run` runs (a package, or its .go files) when
// words are a go run.
func goRun(words []string) ([]string, bool) {
	if len(words) < 3 || words[0] != "go" || words[1] != "run" {
		return nil, false
	}
	i := 2
	for i < len(words) && strings.HasPrefix(words[i], "-") {
		name, _, hasValue := strings.Cut(strings.TrimLeft(words[i], "-"), "=")
		i++
		if !hasValue && buildFlagsWithValue[name] {
			i++
		}
	}
	if i >= len(words) {
		return nil, false
	}
	if !strings.HasSuffix(words[i], ".go") {
		return words[i : i+1], true
	}
	j := i
	for j < len(words) && strings.HasSuffix(words[j], ".go") {
		j++
	}
	return words[i:j], true
}

// buildFlagsWithValue are go build's flags that take a separate value.
var buildFlagsWithValue = map[string]bool{
	"C": true, "p": true, "asmflags": true, "buildmode": true, "compiler": true, "covermode": true, "coverpkg": true,
	"exec": true, "gccgoflags": true, "gcflags": true, "installsuffix": true, "ldflags": true, "mod": true,
	"modfile": true, "o": true, "overlay": true, "pgo": true, "pkgdir": true, "tags": true, "toolexec": true,
}

// entGenerate reads `ent generate [flags] path` run in dir.
func (l locator) entGenerate(dir string, args []string) *Generation {
	g := &Generation{SnapshotKnown: true}
	var path string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if path == "" {
				path = a
			}
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasValue && i+1 < len(args) && name != "help" {
			i++
			value = args[i]
		}
		switch name {
		case "target":
			g.Target = filepath.Join(dir, value)
		case "feature":
			g.GlobalID = g.GlobalID || slices.Contains(strings.Split(value, ","), "sql/globalid")
			if slices.Contains(strings.Split(value, ","), "schema/snapshot") {
				g.Snapshot = true
			}
		}
	}
	if !l.names(dir, path) {
		return nil
	}
	if g.Target == "" {
		g.Target = filepath.Dir(l.schema)
	}
	g.Target = rel(g.Target)
	return g
}

// names reports whether path, an argument of a generation run in dir,
// is the schema package: a directory, or the package's import path.
func (l locator) names(dir, path string) bool {
	if path == "" {
		return false
	}
	if filepath.Clean(filepath.Join(dir, path)) == l.schema {
		return true
	}
	if l.module == "" {
		return false
	}
	r, err := filepath.Rel(l.root, l.schema)
	return err == nil && path == strings.TrimSuffix(l.module+"/"+filepath.ToSlash(r), "/.")
}

// ModuleOf finds the module holding dir: its directory and path.
func ModuleOf(dir string) (string, string) {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			return d, modfile.ModulePath(b)
		}
		if filepath.Dir(d) == d {
			return "", ""
		}
	}
}

// split splits a directive into words as go generate does: blanks
// separate words, a double-quoted word is a Go string, and $NAME is
// expanded ($GOFILE, $GOLINE, $GOPACKAGE, $DOLLAR, else the environment).
func split(line, file string, n int, pkg string) ([]string, error) {
	var words []string
	for line = strings.TrimLeft(line, " \t"); line != ""; line = strings.TrimLeft(line, " \t") {
		if line[0] == '"' {
			end := 1
			for ; end < len(line) && line[end] != '"'; end++ {
				if line[end] == '\\' {
					end++
				}
			}
			if end >= len(line) {
				return nil, errors.New("unterminated quoted string")
			}
			w, err := strconv.Unquote(line[:end+1])
			if err != nil {
				return nil, err
			}
			words, line = append(words, w), line[end+1:]
			continue
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		words, line = append(words, line[:end]), line[end:]
	}
	for i, w := range words {
		words[i] = os.Expand(w, func(v string) string {
			switch v {
			case "GOFILE":
				return filepath.Base(file)
			case "GOLINE":
				return strconv.Itoa(n)
			case "GOPACKAGE":
				return pkg
			case "DOLLAR":
				return "$"
			}
			return os.Getenv(v)
		})
	}
	return words, nil
}

// ignored reports a file excluded from every build (//go:build ignore),
// as an entc.go usually is; go generate skips its directives.
func ignored(src []byte) bool {
	for _, line := range strings.SplitN(string(src), "\n", 40) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if c, ok := strings.CutPrefix(line, "//go:build "); ok && strings.TrimSpace(c) == "ignore" {
			return true
		}
	}
	return false
}

// packageName is the file's package clause, for $GOPACKAGE.
func packageName(src []byte) string {
	for _, line := range strings.Split(string(src), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "package "); ok {
			return strings.Fields(p)[0]
		}
	}
	return ""
}

// rel names an absolute path relative to the working directory, as the
// user named the schema package.
func rel(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && r != ".." {
		return r
	}
	return p
}
