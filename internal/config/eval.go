package config

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/schemahcl"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The evaluator follows Atlas's schemahcl (context.go): variable blocks
// take --var or their default, locals may refer to variables and other
// locals, data sources and docker blocks are values addressed as
// data.TYPE.NAME and docker.DRIVER.NAME, and every expression sees Atlas's
// functions and atlas.env. Two things differ, both so that one env works
// whatever the others hold: a variable, local, data source or docker block
// is evaluated only when the selected env (or a top-level lint or diff
// block) reaches it, and in the order the file reaches it, so an error is
// always the same one, at the same line. Atlas evaluates every variable and
// local, in map order.

// node is one named value of the file: a variable, a local, a data source
// or a docker block, evaluated at most once.
type node struct {
	kind  string // "var", "local", "data", "docker"
	name  string // "x", or "TYPE.NAME" for data and docker
	rng   hcl.Range
	block *hclsyntax.Block     // variable, data and docker
	attr  *hclsyntax.Attribute // local
	state int                  // 0 not evaluated, 1 under way, 2 done
	val   cty.Value
	err   error
	deps  []*node // the data and docker nodes its value came from
}

func (n *node) ref() string { return n.kind + "." + n.name }

// evaluator evaluates the expressions of one file.
type evaluator struct {
	path   string
	env    string              // atlas.env
	input  map[string][]string // --var
	funcs  map[string]function.Function
	types  map[string]cty.Value // string, number, bool, int
	tfuncs map[string]function.Function
	nodes  map[string]*node // by ref()
	has    map[string]bool  // the kinds the file declares
	// decoded data sources and docker blocks, by name, as they are reached
	externals  map[string]ExternalSchema
	composites map[string]CompositeSchema
	dockers    map[string]*Docker
}

func newEvaluator(path string, body *hclsyntax.Body, o Options) (*evaluator, error) {
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	e := &evaluator{
		path: path, env: o.Env, input: o.Vars,
		nodes: map[string]*node{}, has: map[string]bool{},
		externals: map[string]ExternalSchema{}, composites: map[string]CompositeSchema{}, dockers: map[string]*Docker{},
	}
	if err := e.stdlib(abs); err != nil {
		return nil, err
	}
	add := func(n *node) {
		// A later declaration replaces an earlier one, as in Atlas.
		e.nodes[n.ref()] = n
		e.has[n.kind] = true
	}
	for _, b := range body.Blocks {
		switch {
		case b.Type == "variable" && len(b.Labels) == 1:
			add(&node{kind: "var", name: b.Labels[0], rng: b.DefRange(), block: b})
		case b.Type == "locals":
			for _, a := range sortedAttrs(b.Body) {
				add(&node{kind: "local", name: a.Name, rng: a.SrcRange, attr: a})
			}
		case (b.Type == "data" || b.Type == "docker") && len(b.Labels) == 2:
			add(&node{kind: b.Type, name: b.Labels[0] + "." + b.Labels[1], rng: b.DefRange(), block: b})
		}
	}
	return e, nil
}

// stdlib takes Atlas's own functions and type names from the schemahcl
// package, so that an expression means here what it means to the pinned
// Atlas: the package keeps them unexported, but hands them to the handler
// of an init block. file, glob and fileset read relative to the project
// file, as in Atlas; getenv is Atlas's.
func (e *evaluator) stdlib(base string) error {
	var got *hcl.EvalContext
	s := schemahcl.New(schemahcl.WithInitBlock("stdlib", func(_ context.Context, ctx *hcl.EvalContext, _ *hclsyntax.Block) (cty.Value, error) {
		got = ctx
		return cty.EmptyObjectVal, nil
	}))
	var v struct{}
	if err := s.EvalBytes([]byte("stdlib {}\n"), &v, nil); err != nil || got == nil || got.Parent() == nil {
		return fmt.Errorf("config: reading Atlas's HCL functions: %v", err)
	}
	e.funcs = maps.Clone(got.Parent().Functions)
	e.tfuncs = maps.Clone(got.Functions)
	e.types = map[string]cty.Value{}
	for _, name := range []string{"string", "number", "bool", "int"} {
		e.types[name] = got.Variables[name]
	}
	maps.Copy(e.funcs, e.tfuncs)
	// Atlas's print writes to stdout; a domain package never prints.
	e.funcs["print"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
	})
	e.funcs["file"] = schemahcl.MakeFileFunc(base)
	e.funcs["glob"] = schemahcl.MakeGlobFunc(base)
	e.funcs["fileset"] = schemahcl.MakeFileSetFunc(base)
	e.funcs["getenv"] = getenv
	return nil
}

var getenv = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "key", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(os.Getenv(args[0].AsString())), nil
	},
})

// eval evaluates x, first evaluating what it refers to, in the order of
// the references. It returns the data and docker nodes the value came from.
func (e *evaluator) eval(x hcl.Expression, scope map[string]cty.Value) (cty.Value, []*node, error) {
	var deps []*node
	refs := x.Variables()
	slices.SortStableFunc(refs, func(a, b hcl.Traversal) int { return a.SourceRange().Start.Byte - b.SourceRange().Start.Byte })
	for _, t := range refs {
		n := e.lookup(t)
		if n == nil {
			continue // HCL's own message names what is missing
		}
		if err := e.ensure(n, t.SourceRange()); err != nil {
			return cty.NilVal, nil, err
		}
		deps = appendNew(deps, n.deps...)
	}
	v, diags := x.Value(e.context(scope))
	if diags.HasErrors() {
		return cty.NilVal, nil, diagError(diags)
	}
	return v, deps, nil
}

// lookup is the node a traversal refers to, if the file declares it.
func (e *evaluator) lookup(t hcl.Traversal) *node {
	name := func(i int) string {
		if i < len(t) {
			if a, ok := t[i].(hcl.TraverseAttr); ok {
				return a.Name
			}
			if ix, ok := t[i].(hcl.TraverseIndex); ok && ix.Key.Type() == cty.String && ix.Key.IsKnown() && !ix.Key.IsNull() {
				return ix.Key.AsString()
			}
		}
		return ""
	}
	switch root := t.RootName(); root {
	case "var", "local":
		return e.nodes[root+"."+name(1)]
	case "data", "docker":
		return e.nodes[root+"."+name(1)+"."+name(2)]
	}
	return nil
}

// context is the evaluation context: Atlas's functions and types, atlas.env,
// and the values evaluated so far, plus scope (enum identifiers).
func (e *evaluator) context(scope map[string]cty.Value) *hcl.EvalContext {
	vars := maps.Clone(e.types)
	vars["atlas"] = cty.ObjectVal(map[string]cty.Value{"env": cty.StringVal(e.env)})
	flat := map[string]map[string]cty.Value{}
	nested := map[string]map[string]map[string]cty.Value{}
	for _, n := range e.nodes {
		if n.kind == "data" || n.kind == "docker" {
			// A declared type is an object even before any of it is
			// evaluated, so a wrong name is the name HCL reports.
			typ, _, _ := strings.Cut(n.name, ".")
			if nested[n.kind] == nil {
				nested[n.kind] = map[string]map[string]cty.Value{}
			}
			if nested[n.kind][typ] == nil {
				nested[n.kind][typ] = map[string]cty.Value{}
			}
		}
		if n.state != 2 || n.err != nil {
			continue
		}
		switch n.kind {
		case "var", "local":
			if flat[n.kind] == nil {
				flat[n.kind] = map[string]cty.Value{}
			}
			flat[n.kind][n.name] = n.val
		default:
			typ, name, _ := strings.Cut(n.name, ".")
			nested[n.kind][typ][name] = n.val
		}
	}
	// A kind the file declares is an object even when nothing of it is
	// evaluated yet, so a wrong name reads "Unsupported attribute".
	for _, kind := range []string{"var", "local"} {
		if e.has[kind] {
			vars[kind] = cty.ObjectVal(flat[kind])
		}
	}
	for _, kind := range []string{"data", "docker"} {
		if e.has[kind] {
			obj := map[string]cty.Value{}
			for typ, m := range nested[kind] {
				obj[typ] = cty.ObjectVal(m)
			}
			vars[kind] = cty.ObjectVal(obj)
		}
	}
	maps.Copy(vars, scope)
	return &hcl.EvalContext{Variables: vars, Functions: e.funcs}
}

// ensure evaluates n once; use is where the file first refers to it.
func (e *evaluator) ensure(n *node, use hcl.Range) error {
	switch n.state {
	case 2:
		return n.err
	case 1:
		return fmt.Errorf("%s: cyclic reference to %q", use, n.ref())
	}
	n.state = 1
	var v cty.Value
	var err error
	switch n.kind {
	case "var":
		v, err = e.variable(n)
	case "local":
		v, n.deps, err = e.eval(n.attr.Expr, nil)
	case "data":
		v, n.deps, err = e.data(n, use)
	case "docker":
		v, n.deps, err = e.docker(n)
	}
	if n.kind == "data" || n.kind == "docker" {
		n.deps = appendNew(n.deps, n)
	}
	n.val, n.err, n.state = v, err, 2
	return err
}

func appendNew(dst []*node, ns ...*node) []*node {
	for _, n := range ns {
		if !slices.Contains(dst, n) {
			dst = append(dst, n)
		}
	}
	return dst
}

// sortedAttrs are a body's attributes in file order (HCL keeps them in a map).
func sortedAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	attrs := slices.Collect(maps.Values(b.Attributes))
	slices.SortFunc(attrs, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	return attrs
}

// ErrUnsupported is wrapped by the error for an Atlas construct that
// schemactl reads but cannot carry out (a data source it does not
// implement, say), reported only when the selected env uses it.
var ErrUnsupported = errors.New("not supported by schemactl")

// diagError turns HCL diagnostics into one line naming file, line and column.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Errorf("%s: %s", d.Subject, msg)
		}
		return errors.New(msg)
	}
	return diags
}
