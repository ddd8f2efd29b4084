package entgen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
)

// entcPath is the import path of Ent's codegen API.
const entcPath = "entgo.io/ent/entc"

// entc reads a program that calls entc.Generate(schemaPath, cfg, opts...)
// (entc.go, run by go run in dir): whether it generates l.schema, into
// which target, with which features. Only what the source states is read:
// string literals, the gen.Config literal (directly, or through the
// variable it is assigned to), gen.FeatureSnapshot and
// entc.FeatureNames("schema/snapshot").
func (l locator) entc(dir, file string, src []byte) (*Generation, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, src, 0)
	if err != nil {
		return nil, nil // go run would fail on it too: not a generation we can read
	}
	name := ""
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == entcPath {
			name = "entc"
			if im.Name != nil {
				name = im.Name.Name
			}
		}
	}
	if name == "" {
		return nil, nil
	}
	var found *Generation
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found != nil || !ok || !isCall(call, name, "Generate") || len(call.Args) < 2 {
			return found == nil
		}
		path, ok := stringLit(call.Args[0])
		if !ok || !l.names(dir, path) {
			return true
		}
		g := &Generation{Entc: rel(file), Target: filepath.Dir(l.schema), SnapshotKnown: true}
		cfg := configLit(f, call.Args[1])
		if cfg == nil {
			// The configuration is built elsewhere: read what the file says.
			g.SnapshotKnown = false
			cfg = anyConfigLit(f)
		}
		if cfg != nil {
			l.readConfig(dir, cfg, g)
		}
		for _, opt := range call.Args[2:] {
			if c, ok := opt.(*ast.CallExpr); ok && isCall(c, name, "FeatureNames") {
				for _, a := range c.Args {
					if s, ok := stringLit(a); ok && s == "schema/snapshot" {
						g.Snapshot = true
					}
					if s, ok := stringLit(a); ok && s == "sql/globalid" {
						g.GlobalID = true
					}
				}
			} else {
				// entc.Extensions, or options built elsewhere, may add features.
				g.SnapshotKnown = g.SnapshotKnown && ok && !isCall(c, name, "Extensions")
			}
		}
		if call.Ellipsis.IsValid() {
			g.SnapshotKnown = false
		}
		if !g.Snapshot && mentionsSnapshot(f) {
			// The feature is named somewhere in the program (an options
			// slice, a features variable): take it as on.
			g.Snapshot, g.SnapshotKnown = true, true
		}
		if g.Target != "" {
			g.Target = rel(g.Target)
		}
		found = g
		return false
	})
	return found, nil
}

// readConfig reads the Target, Package and Features fields of a
// gen.Config literal.
func (l locator) readConfig(dir string, cfg *ast.CompositeLit, g *Generation) {
	for _, el := range cfg.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			continue
		}
		switch key.Name {
		case "Target":
			if s, ok := stringLit(kv.Value); ok {
				g.Target = filepath.Join(dir, s)
			} else {
				g.Target = "" // computed at run time
			}
		case "Package":
			g.Package, _ = stringLit(kv.Value)
		case "Features":
			list, ok := kv.Value.(*ast.CompositeLit)
			if !ok {
				g.Snapshot = g.Snapshot || isSelector(kv.Value, "AllFeatures")
				g.GlobalID = g.GlobalID || isSelector(kv.Value, "AllFeatures")
				g.SnapshotKnown = g.SnapshotKnown && isSelector(kv.Value, "AllFeatures")
				continue
			}
			for _, e := range list.Elts {
				switch {
				case isSelector(e, "FeatureSnapshot"):
					g.Snapshot = true
				case isSelector(e, "FeatureGlobalID"):
					g.GlobalID = true
				case !isSelector(e, ""):
					g.SnapshotKnown = false
				}
			}
		}
	}
}

// configLit finds the gen.Config literal an argument stands for:
// &gen.Config{...}, or a variable assigned one (cfg := &gen.Config{...};
// entc.Generate(p, cfg), or cfg := gen.Config{...}; entc.Generate(p, &cfg)).
func configLit(f *ast.File, arg ast.Expr) *ast.CompositeLit {
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		arg = u.X
	}
	switch x := arg.(type) {
	case *ast.CompositeLit:
		if isSelector(x.Type, "Config") {
			return x
		}
	case *ast.Ident:
		var lit *ast.CompositeLit
		ast.Inspect(f, func(n ast.Node) bool {
			var lhs, rhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				lhs, rhs = n.Lhs, n.Rhs
			case *ast.ValueSpec:
				for _, id := range n.Names {
					lhs = append(lhs, id)
				}
				rhs = n.Values
			default:
				return lit == nil
			}
			for i, l := range lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == x.Name && i < len(rhs) && lit == nil {
					lit = configLit(f, rhs[i])
				}
			}
			return lit == nil
		})
		return lit
	}
	return nil
}

// anyConfigLit is the file's first gen.Config literal.
func anyConfigLit(f *ast.File) *ast.CompositeLit {
	var lit *ast.CompositeLit
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CompositeLit); ok && lit == nil && isSelector(c.Type, "Config") {
			lit = c
		}
		return lit == nil
	})
	return lit
}

// mentionsSnapshot reports gen.FeatureSnapshot, gen.AllFeatures or
// "schema/snapshot" anywhere in the program's code (not its comments).
func mentionsSnapshot(f *ast.File) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			found = found || n.Sel.Name == "FeatureSnapshot" || n.Sel.Name == "AllFeatures"
		case *ast.BasicLit:
			s, ok := stringLit(n)
			found = found || ok && s == "schema/snapshot"
		}
		return !found
	})
	return found
}

// isCall reports a call of pkg.fn.
func isCall(c *ast.CallExpr, pkg, fn string) bool {
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || s.Sel.Name != fn {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && id.Name == pkg
}

// isSelector reports x.sel (any x; any selector when sel is "").
func isSelector(e ast.Expr, sel string) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && (sel == "" || s.Sel.Name == sel)
}

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}
