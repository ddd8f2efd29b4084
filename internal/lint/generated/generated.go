// Package generated checks that the committed Ent code was generated from
// the current schemas. Ent's schema/snapshot feature embeds the loaded
// schemas in the generated package (ent/internal/schema.go); comparing that
// snapshot with the freshly loaded graph tells a stale generation without
// running the generator.
package generated

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/entc/gen"
	"entgo.io/ent/entc/load"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Code is the finding's stable code.
const Code = "GEN101"

// Check compares the snapshot under schemaDir's parent with g. It returns
// a note instead of a finding when the generated code carries no snapshot
// (the feature is off, or nothing was generated), since then nothing can be
// compared.
func Check(schemaDir string, g *gen.Graph) (*report.Finding, string, error) {
	target := filepath.Join(filepath.Dir(schemaDir), "internal", "schema.go")
	src, err := os.ReadFile(target)
	if os.IsNotExist(err) {
		return nil, fmt.Sprintf("generated code not checked: %s is missing (generate with --feature schema/snapshot)", filepath.ToSlash(target)), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("generated: %w", err)
	}
	snap, err := readSnapshot(target, src)
	if err != nil {
		return nil, "", err
	}
	want, err := canonical(g.Schemas)
	if err != nil {
		return nil, "", err
	}
	have, err := canonical(snap.Schemas)
	if err != nil {
		return nil, "", err
	}
	if bytes.Equal(want, have) {
		return nil, "", nil
	}
	return &report.Finding{
		Code:     Code,
		Category: report.Generated,
		Object:   filepath.ToSlash(filepath.Dir(filepath.Dir(target))),
		Message:  fmt.Sprintf("the generated Ent code is stale: it was generated from other schemas than %s (%s)", filepath.ToSlash(schemaDir), differing(g.Schemas, snap.Schemas)),
		Fix:      &report.Location{File: filepath.ToSlash(target)},
		Remedy:   "go generate ./" + filepath.ToSlash(filepath.Dir(schemaDir)) + " and commit the result",
	}, "", nil
}

func readSnapshot(path string, src []byte) (*gen.Snapshot, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		return nil, fmt.Errorf("generated: %w", err)
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) != 1 || vs.Names[0].Name != "Schema" || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok {
				continue
			}
			raw, err := strconv.Unquote(lit.Value)
			if err != nil {
				return nil, fmt.Errorf("generated: %s: %w", path, err)
			}
			var snap gen.Snapshot
			if err := json.Unmarshal([]byte(raw), &snap); err != nil {
				return nil, fmt.Errorf("generated: %s: snapshot: %w", path, err)
			}
			return &snap, nil
		}
	}
	return nil, fmt.Errorf("generated: %s: no Schema snapshot constant", path)
}

// canonical serialises schemas sorted by name.
func canonical(schemas []*load.Schema) ([]byte, error) {
	s := slices.Clone(schemas)
	slices.SortFunc(s, func(a, b *load.Schema) int { return strings.Compare(a.Name, b.Name) })
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("generated: %w", err)
	}
	return b, nil
}

// differing names the models whose definitions differ, for the message.
func differing(now, snap []*load.Schema) string {
	byName := map[string][]byte{}
	for _, s := range snap {
		b, _ := json.Marshal(s)
		byName[s.Name] = b
	}
	var names []string
	for _, s := range now {
		b, _ := json.Marshal(s)
		if old, ok := byName[s.Name]; !ok || !bytes.Equal(old, b) {
			names = append(names, s.Name)
		}
		delete(byName, s.Name)
	}
	for n := range byName {
		names = append(names, n+" (removed)")
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "model order"
	}
	return "changed: " + strings.Join(names, ", ")
}
