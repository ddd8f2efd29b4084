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
}

// Schema is an Ent schema package: a directory of Go files declaring
// types that embed ent.Schema (or ent.View).
type Schema struct {
	Dir   string   // slash-separated, relative to the root: "internal/ent/schema"
	Types []string // the types, sorted
	// Generated is the directory of the generated Ent package (the schema
	// directory's parent, when one of its files has a `//go:generate` line
	// running Ent's code generator), "" when none was found; Generate is
	// that line, with its file and line number.
	Generated, Generate string
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
	return l, nil
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
			ts, err := schemaTypes(filepath.Join(path, n))
			if err != nil {
				return err
			}
			types = append(types, ts...)
		}
	}
	if len(types) > 0 {
		slices.Sort(types)
		s := Schema{Dir: rel, Types: types}
		if parent := filepath.Dir(path); rel != "." {
			gen, err := generator(parent)
			if err != nil {
				return err
			}
			if gen != "" {
				s.Generated = filepath.ToSlash(filepath.Dir(rel))
				s.Generate = s.Generated + "/" + gen // not Join: it would clean the line's "//"
			}
		}
		l.Schemas = append(l.Schemas, s)
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
func schemaTypes(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(b, []byte(`"entgo.io/ent"`)) {
		return nil, nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, b, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil // not Go the compiler takes: not a schema package Ent can load
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
	return types, nil
}

// reGenerate is a `//go:generate` line running Ent's code generator: the
// ent command (entgo.io/ent/cmd/ent generate, `ent generate`) or an
// entc.go program.
var reGenerate = regexp.MustCompile(`^//go:generate\s.*(entgo\.io/ent/cmd/ent|\bent\s+generate\b|\bentc\b)`)

// generator returns the first `//go:generate` line of dir's Go files that
// runs Ent's code generator, as "FILE:LINE: LINE", or "".
func generator(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", err
		}
		if !bytes.Contains(b, []byte("//go:generate")) {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if reGenerate.MatchString(line) {
				return fmt.Sprintf("%s:%d: %s", n, i+1, line), nil
			}
		}
	}
	return "", nil
}
