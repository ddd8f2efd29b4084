// Package generated checks that the committed Ent code was generated from
// the current schemas. Ent's schema/snapshot feature embeds the loaded
// schemas in the generated package (<target>/internal/schema.go, where
// target is ent/ by default, or what the project's go:generate line or
// entc.go says); comparing that snapshot with the freshly loaded graph
// tells a stale generation without running the generator.
package generated

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/ledgerforge/schemactl/internal/entgen"
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

// Check compares the snapshot in the generated code with g. The generated
// code is where found, the project's //go:generate line (entgen.Locate,
// nil when no line names schemaDir), puts it:
// --target or gen.Config.Target, else the schema package's parent, as Ent
// defaults. It returns a note instead of a finding when the generated code
// carries no snapshot (the feature is off, or nothing was generated),
// since then nothing can be compared; the note says which line was read
// and what to change.
func Check(schemaDir string, found *entgen.Generation, g *gen.Graph) (*report.Finding, string, error) {
	target, remedy := filepath.Dir(schemaDir), goGenerate(filepath.Dir(schemaDir))
	if found != nil {
		if found.Target == "" {
			return nil, fmt.Sprintf("generated code not checked: %s runs %s, whose gen.Config.Target is computed at run time: schemactl finds the generated code only through a string literal there", slash(found.Line), slash(found.Entc)), nil
		}
		target, remedy = found.Target, goGenerate(found.Dir)
	}
	path := filepath.Join(target, "internal", "schema.go")
	src, err := os.ReadFile(path)
	if os.IsNotExist(err) && found == nil {
		// No directive (a Makefile or script generates): a snapshot of
		// this very schema package in a directory beside it will do.
		if p, b := snapshotBeside(schemaDir); p != "" {
			path, src, err = p, b, nil
			target = filepath.Dir(filepath.Dir(p))
			remedy = "regenerate the Ent code in " + slash(target) + " as the project does (no //go:generate line names " + slash(schemaDir) + ")"
		}
	}
	if os.IsNotExist(err) {
		return nil, missing(schemaDir, path, found), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("generated: %w", err)
	}
	snap, err := readSnapshot(path, src)
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
		Object:   slash(target),
		Message:  fmt.Sprintf("the generated Ent code is stale: it was generated from other schemas than %s (%s)", slash(schemaDir), differing(g.Schemas, snap.Schemas)),
		Fix:      &report.Location{File: slash(path)},
		Remedy:   remedy + " and commit the result",
	}, "", nil
}

// snapshotBeside finds <parent>/*/internal/schema.go holding a snapshot of
// schemaDir's package (by its import path), and returns it.
func snapshotBeside(schemaDir string) (string, []byte) {
	abs, err := filepath.Abs(schemaDir)
	if err != nil {
		return "", nil
	}
	root, module := entgen.ModuleOf(abs)
	r, err := filepath.Rel(root, abs)
	if module == "" || err != nil {
		return "", nil
	}
	pkg := strings.TrimSuffix(module+"/"+filepath.ToSlash(r), "/.")
	paths, _ := filepath.Glob(filepath.Join(filepath.Dir(schemaDir), "*", "internal", "schema.go"))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if snap, err := readSnapshot(p, src); err == nil && snap.Schema == pkg {
			return p, src
		}
	}
	return "", nil
}

// missing words the note for generated code without a snapshot: which
// directive was read, and what to add to it.
func missing(schemaDir, path string, g *entgen.Generation) string {
	const skipped = "generated code not checked: "
	switch {
	case g == nil:
		parent := filepath.Dir(schemaDir)
		return skipped + fmt.Sprintf("no //go:generate line in the module runs Ent's generator on %s, and %s is missing: add `//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature schema/snapshot ./%s` to %s, then run `%s`",
			slash(schemaDir), slash(path), filepath.Base(schemaDir), slash(filepath.Join(parent, "generate.go")), goGenerate(parent))
	case g.Snapshot:
		return skipped + fmt.Sprintf("%s is missing, though %s enables Ent's schema/snapshot feature: run `%s`", slash(path), slash(g.Line), goGenerate(g.Dir))
	case !g.SnapshotKnown:
		return skipped + fmt.Sprintf("%s is missing, and %s (%s) builds its features at run time: enable Ent's schema/snapshot feature there (gen.FeatureSnapshot), then run `%s`", slash(path), slash(g.Line), slash(g.Entc), goGenerate(g.Dir))
	case g.Entc != "":
		return skipped + fmt.Sprintf("%s runs %s, whose gen.Config does not enable Ent's schema/snapshot feature, so %s is missing: add gen.FeatureSnapshot to its Features (or entc.FeatureNames(\"schema/snapshot\") to its options), then run `%s`",
			slash(g.Line), slash(g.Entc), slash(path), goGenerate(g.Dir))
	}
	return skipped + fmt.Sprintf("%s (`%s`) does not enable Ent's schema/snapshot feature, so %s is missing: add `--feature schema/snapshot` to that line, then run `%s`", slash(g.Line), g.Directive, slash(path), goGenerate(g.Dir))
}

// goGenerate is the command that runs the directives of the package in dir.
func goGenerate(dir string) string {
	if dir == "." {
		return "go generate ."
	}
	if filepath.IsAbs(dir) {
		return "go generate " + slash(dir)
	}
	return "go generate ./" + slash(dir)
}

func slash(p string) string { return filepath.ToSlash(p) }

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
