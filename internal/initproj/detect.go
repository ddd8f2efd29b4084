// Package initproj is `schemactl init`: it finds what an existing Ent
// project holds (its Ent schema packages, their generated code, its
// migration directories and their formats, its base branch, its Go module)
// and writes what the gate needs from that: atlas.hcl, or the blocks an
// existing one lacks, and a CI workflow. It never prints; internal/cli
// says what it found and wrote.
package initproj

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// ToolPath is the package a module names in its go.mod tool directive to
// run schemactl as `go tool schemactl` (Go 1.24 and later).
const ToolPath = "github.com/ledgerforge/schemactl/cmd/schemactl"

// Layout is what Detect found in a Go module's root.
type Layout struct {
	Module string // the module path
	// Tool: go.mod names schemactl in a tool directive (`go get -tool`).
	Tool    bool
	Schemas []Schema       // Ent schema packages, by path
	Dirs    []MigrationDir // migration directories, by path
	// Nested are directories holding their own go.mod: other modules,
	// not searched (a schema there is not loaded from this module).
	Nested []string

	directives []directive // the go:generate lines running Ent's generator
}

// Schema is an Ent schema package: a directory of Go files declaring
// types that embed ent.Schema (or ent.View).
type Schema struct {
	Dir   string   // slash-separated, relative to the root: "internal/ent/schema"
	Types []string // the types, sorted
	// Generated is the directory of the generated Ent package, the schema
	// directory's parent, when a `//go:generate` line runs Ent's code
	// generator for it: in that package (ent/generate.go), or in another
	// naming it (a generate.go at the root running ./ent/entc.go).
	// GenerateDir is the package holding the line, which `go generate`
	// runs; Generate is the line, with its file and line number. All ""
	// when no such line was found.
	Generated, GenerateDir, Generate string
}

// directive is a `//go:generate` line running Ent's generator.
type directive struct {
	dir  string // the package holding it, relative to the root
	at   string // "ent/generate.go:3"
	line string
}

// MigrationDir is a directory holding migration files or an atlas.sum.
type MigrationDir struct {
	Dir      string           // slash-separated, relative to the root
	Format   dirformat.Format // from dirformat.Detect; Atlas when no other format shows
	Evidence string           // what showed the format ("" for Atlas)
	Files    int              // the migration files the format reads
	Sum      bool             // it holds an atlas.sum
}

// skipped are directories never searched: dependencies, fixtures, and
// what the go command itself ignores (names starting with . or _).
func skipped(name string) bool {
	switch name {
	case "vendor", "testdata", "node_modules":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// Detect searches the module whose go.mod is in root.
func Detect(root string) (*Layout, error) {
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("initproj: %w", err)
	}
	mf, err := modfile.Parse("go.mod", mod, nil)
	if err != nil {
		return nil, fmt.Errorf("initproj: %w", err)
	}
	l := &Layout{}
	if mf.Module != nil {
		l.Module = mf.Module.Mod.Path
	}
	l.Tool = slices.ContainsFunc(mf.Tool, func(t *modfile.Tool) bool { return t.Path == ToolPath })
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if rel != "." {
			if skipped(d.Name()) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				l.Nested = append(l.Nested, rel)
				return filepath.SkipDir
			}
		}
		return l.inspect(path, rel)
	})
	if err != nil {
		return nil, fmt.Errorf("initproj: %w", err)
	}
	for i := range l.Schemas {
		l.Schemas[i].generatedBy(l.directives)
	}
	return l, nil
}

// generatedBy finds the directive generating the schema's parent package:
// one in that package, else the first naming it from another.
func (s *Schema) generatedBy(ds []directive) {
	if s.Dir == "." {
		return
	}
	parent := path.Dir(s.Dir)
	for pass := range 2 {
		for _, d := range ds {
			mine := d.dir == parent
			if pass == 1 {
				// Named relative to the directive's package: ./ent/entc.go
				// from the root, ./schema from ent.
				rel, err := filepath.Rel(filepath.FromSlash(d.dir), filepath.FromSlash(parent))
				mine = err == nil && rel != "." && !strings.HasPrefix(rel, "..") &&
					strings.Contains(d.line, filepath.ToSlash(rel)+"/")
			}
			if mine {
				s.Generated, s.GenerateDir, s.Generate = parent, d.dir, d.at+": "+d.line
				return
			}
		}
	}
}

// inspect looks at one directory's files.
func (l *Layout) inspect(path, rel string) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	var (
		types    []string
		sum, sql bool
	)
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		switch {
		case n == "atlas.sum":
			sum = true
		case strings.HasSuffix(n, ".sql"):
			sql = sql || migrationName(n)
		case strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go"):
			b, err := os.ReadFile(filepath.Join(path, n))
			if err != nil {
				return err
			}
			types = append(types, schemaTypes(filepath.Join(path, n), b)...)
			l.directives = append(l.directives, generators(rel, n, b)...)
		}
	}
	if len(types) > 0 {
		slices.Sort(types)
		l.Schemas = append(l.Schemas, Schema{Dir: rel, Types: types})
	}
	if sum || sql {
		d, err := InspectDir(path)
		if err != nil {
			return err
		}
		d.Dir = rel
		l.Dirs = append(l.Dirs, d)
	}
	return nil
}

// migrationName reports whether a .sql file is named as some format
// names migrations: a version first (Atlas, golang-migrate, goose, dbmate)
// or Flyway's V1__x.sql. A query file (users.sql) is not a migration.
func migrationName(n string) bool {
	for _, f := range []dirformat.Format{dirformat.Atlas, dirformat.Flyway} {
		if _, _, ok := dirformat.ParseName(f, n); ok {
			return true
		}
	}
	return false
}

// InspectDir reads a migration directory's format (dirformat.Detect: the
// first sign of a format other than Atlas's, Atlas when there is none),
// counts the files that format reads and notes its atlas.sum.
func InspectDir(path string) (MigrationDir, error) {
	d := MigrationDir{Dir: filepath.ToSlash(path), Format: dirformat.Atlas}
	fsys := os.DirFS(path)
	signs, err := dirformat.Detect(fsys)
	if err != nil {
		return d, err
	}
	if len(signs) > 0 {
		d.Format, d.Evidence = signs[0].Format, signs[0].String()
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return d, err
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case e.IsDir():
		case n == "atlas.sum":
			d.Sum = true
		case strings.HasSuffix(n, ".sql") && dirformat.Reads(d.Format, n):
			if _, _, ok := dirformat.ParseName(d.Format, n); ok {
				d.Files++
			}
		}
	}
	return d, nil
}

// schemaTypes returns the types a Go file declares that embed Ent's
// ent.Schema or ent.View (under whatever name the file imports
// entgo.io/ent). Files that do not import Ent are not parsed.
func schemaTypes(path string, b []byte) []string {
	if !bytes.Contains(b, []byte(`"entgo.io/ent"`)) {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, b, parser.SkipObjectResolution)
	if err != nil {
		return nil // not Go the compiler takes: not a schema package Ent can load
	}
	name := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "entgo.io/ent" {
			name = "ent"
			if im.Name != nil {
				name = im.Name.Name
			}
		}
	}
	var types []string
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, spec := range g.Specs {
			ts := spec.(*ast.TypeSpec)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				sel, ok := field.Type.(*ast.SelectorExpr)
				if !ok || len(field.Names) > 0 {
					continue
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && (sel.Sel.Name == "Schema" || sel.Sel.Name == "View") {
					types = append(types, ts.Name.Name)
				}
			}
		}
	}
	return types
}

// reGenerate is a `//go:generate` line running Ent's code generator: the
// ent command (entgo.io/ent/cmd/ent generate, `ent generate`) or an
// entc.go program.
var reGenerate = regexp.MustCompile(`^//go:generate\s.*(entgo\.io/ent/cmd/ent|\bent\s+generate\b|\bentc\b)`)

// generators are the `//go:generate` lines of one Go file (name, in the
// package dir) that run Ent's code generator.
func generators(dir, name string, b []byte) []directive {
	if !bytes.Contains(b, []byte("//go:generate")) {
		return nil
	}
	var out []directive
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if reGenerate.MatchString(line) {
			out = append(out, directive{dir: dir, at: fmt.Sprintf("%s:%d", path.Join(dir, name), i+1), line: line})
		}
	}
	return out
}
