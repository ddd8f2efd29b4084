package entsrc

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Import paths of Ent's schema builders. Chains are recognised by the local
// name a file gives these packages, so aliased imports still match and
// unrelated calls with a string first argument (entsql.Default("...")) don't.
const (
	fieldPkg = "entgo.io/ent/schema/field"
	edgePkg  = "entgo.io/ent/schema/edge"
	indexPkg = "entgo.io/ent/schema/index"
	// entsqlPkg holds ViewFor and View, the annotations that define a view.
	entsqlPkg = "entgo.io/ent/dialect/entsql"
)

// method is one parsed method declaration with its file's import names.
type method struct {
	decl    *ast.FuncDecl
	imports map[string]string // import path -> local name
}

// source is the parsed schema package.
type source struct {
	fset    *token.FileSet
	types   map[string]token.Pos          // type name -> position of its name in "type X struct"
	methods map[string]map[string]*method // receiver type -> method name -> method
	order   []string                      // receivers in file then declaration order (ReadDir sorts)
}

// parseDirs parses the non-test Go files of the schema packages in dirs
// that the default build context would compile (so build-tagged files of
// other platforms, which entc does not see either, cannot shadow the real
// declarations).
func parseDirs(dirs []string) (*source, error) {
	src := &source{fset: token.NewFileSet(), types: map[string]token.Pos{}, methods: map[string]map[string]*method{}}
	seen := map[string]bool{}
	for _, dir := range dirs {
		if err := src.parseDir(dir, seen); err != nil {
			return nil, err
		}
	}
	return src, nil
}

func (src *source) parseDir(dir string, seen map[string]bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return err
	}
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(abs, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(src.fset, filepath.Join(abs, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		imports := importNames(f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok {
						src.types[ts.Name.Name] = ts.Name.Pos()
					}
				}
			case *ast.FuncDecl:
				recv := receiver(d)
				if recv == "" {
					continue
				}
				if src.methods[recv] == nil {
					src.methods[recv] = map[string]*method{}
				}
				src.methods[recv][d.Name.Name] = &method{decl: d, imports: imports}
				if !seen[recv] {
					seen[recv] = true
					src.order = append(src.order, recv)
				}
			}
		}
	}
	return nil
}

// importNames maps each import path of f to the name the file uses for it.
func importNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		if is.Name != nil {
			m[p] = is.Name.Name
		} else {
			m[p] = p[strings.LastIndex(p, "/")+1:]
		}
	}
	return m
}

// receiver returns the type name of a method's receiver, "" for functions.
func receiver(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// link is one call of a builder chain: field.String("memo") or .Optional().
type link struct {
	name string
	args []ast.Expr
}

// chain is a builder expression flattened root first, e.g.
// index.Fields("a").Unique() -> [Fields("a"), Unique()].
type chain struct {
	pos   token.Pos // start of the whole expression
	links []link
}

// arg returns the i-th argument of the link as a string literal.
func (k link) arg(i int) (string, bool) {
	if i >= len(k.args) {
		return "", false
	}
	return strLit(k.args[i])
}

// strLit unquotes a string literal expression.
func strLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// has reports whether the chain calls the named method, e.g. "Unique".
func (c chain) has(name string) bool {
	for _, k := range c.links[1:] {
		if k.name == name {
			return true
		}
	}
	return false
}

// rootArg returns the root call's first string argument and its position,
// the most specific place to point at ("memo" in field.String("memo")).
func (c chain) rootArg() (string, token.Pos, bool) {
	if len(c.links[0].args) == 0 {
		return "", 0, false
	}
	s, ok := strLit(c.links[0].args[0])
	return s, c.links[0].args[0].Pos(), ok
}

// chains returns the outermost builder chains rooted at package pkgPath
// inside the method recv.name, in source order. Nested arguments are not
// searched once a chain matched, so an inner call never shadows its chain.
func (s *source) chains(recv, name, pkgPath string) []chain {
	m := s.methods[recv][name]
	if m == nil || m.decl.Body == nil {
		return nil
	}
	local := m.imports[pkgPath]
	var out []chain
	ast.Inspect(m.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		pkg, links := flatten(call)
		if pkg == "" || pkg != local {
			return true
		}
		out = append(out, chain{pos: call.Pos(), links: links})
		return false
	})
	return out
}

// flatten walks x.A(...).B(...).C(...) down to its root selector and returns
// the root qualifier ("field") and the calls root first.
func flatten(call *ast.CallExpr) (string, []link) {
	var links []link
	for {
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return "", nil
		}
		links = append(links, link{name: sel.Sel.Name, args: call.Args})
		switch x := sel.X.(type) {
		case *ast.Ident:
			for i, j := 0, len(links)-1; i < j; i, j = i+1, j-1 {
				links[i], links[j] = links[j], links[i]
			}
			return x.Name, links
		case *ast.CallExpr:
			call = x
		default:
			return "", nil
		}
	}
}

// mixinTypes lists the type names of the composite literals a type's Mixin()
// returns, in order, "" where an element is not a plain T{} literal; entc's
// field positions index into this list.
func (s *source) mixinTypes(recv string) []string {
	m := s.methods[recv]["Mixin"]
	if m == nil || m.decl.Body == nil {
		return nil
	}
	var names []string
	ast.Inspect(m.decl.Body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			return true
		}
		if lit, ok := ret.Results[0].(*ast.CompositeLit); ok {
			for _, e := range lit.Elts {
				names = append(names, litType(e))
			}
		}
		return false
	})
	return names
}

// litType returns T for T{} or &T{}, "" otherwise.
func litType(e ast.Expr) string {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	if lit, ok := e.(*ast.CompositeLit); ok {
		if id, ok := lit.Type.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

// stringIn returns the position of the first string literal equal to want
// anywhere in recv.name (entsql.Checks map keys live in Annotations()).
func (s *source) stringIn(recv, name, want string) (token.Pos, bool) {
	m := s.methods[recv][name]
	if m == nil || m.decl.Body == nil {
		return 0, false
	}
	var pos token.Pos
	ast.Inspect(m.decl.Body, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && pos == 0 {
			if v, ok := strLit(e); ok && v == want {
				pos = e.Pos()
			}
		}
		return pos == 0
	})
	return pos, pos != 0
}
