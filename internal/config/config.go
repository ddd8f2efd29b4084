// Package config reads atlas.hcl, Atlas's project file, into typed settings.
// It reads the same syntax the Atlas CLI does, so one file serves both tools:
// env blocks with src, dev, url and a migration { dir } block, variable
// blocks, and the getenv() function. Attributes it does not use are ignored,
// as Atlas's own extensions would be.
package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// DefaultPath is where Atlas looks for the project file.
const DefaultPath = "atlas.hcl"

var (
	// ErrUnknownEnv means --env named no env block.
	ErrUnknownEnv = errors.New("unknown env")
	// ErrNotFound means a project file that must exist does not.
	ErrNotFound = errors.New("config file not found")
)

// Env is one env block.
type Env struct {
	Name string
	Src  []string // desired state, e.g. ent://ent/schema: a string or, as in Atlas, a list composed into one
	Dev  string   // dev database URL
	URL  string   // target database URL
	Dir  string   // migration directory URL, e.g. file://migrations
	Lint Lint     // the env's lint block, over the file's top-level one
	// Exclude are the env's exclude patterns, Atlas's globs of the objects
	// every comparison leaves out (see internal/exclude).
	Exclude []string
	// At says where each attribute set above is in the file ("src", "dev",
	// "url", "dir" and "exclude" -> "atlas.hcl:4,5-30"), so that a message
	// about its value points there rather than at a flag.
	At map[string]string
}

// Lint is Atlas's lint block: analyzer blocks with `error = true|false`,
// `latest = N` and `git { base = "REF" }`.
type Lint struct {
	Errors  map[string]bool // analyzer name -> whether its findings are errors
	Latest  int
	GitBase string
}

// File is a parsed project file.
type File struct {
	Path string
	Lint Lint // the top-level lint block
	env  string
	sel  *Env     // the env block --env selected, if any
	have []string // the labels of the env blocks, for messages
	anon int      // env blocks with neither a label nor name = atlas.env
	data dataBlocks
}

// Options say how to load a project file.
type Options struct {
	// Env is the env block to select (--env): atlas.env in expressions.
	// As in Atlas, only the selected block is evaluated, so an error in
	// another env block does not stop this one.
	Env string
	// Vars override variable defaults (--var).
	Vars map[string]string
	// Optional makes a missing file an empty File rather than an error
	// wrapping ErrNotFound: atlas.hcl is optional unless --config or --env
	// asks for it.
	Optional bool
}

// Load parses the project file at path.
func Load(path string, o Options) (*File, error) {
	f := &File{Path: path, env: o.Env}
	src, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && o.Optional:
		return f, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
	case err != nil:
		return nil, fmt.Errorf("config: %w", err)
	}
	file, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	top, _, diags := file.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "env", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "lint"},
		{Type: "data", LabelNames: []string{"type", "name"}},
	}})
	// An env block may have no label when its name attribute is
	// atlas.env (Atlas's dynamic env); the schema above requires one, so
	// the unlabelled blocks are read separately.
	diags = slices.DeleteFunc(diags, func(d *hcl.Diagnostic) bool { return d.Summary == "Missing name for env" })
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	ctx, err := evalContext(top.Blocks, o)
	if err != nil {
		return nil, err
	}
	f.data = dataBlocks{blocks: top.Blocks, ctx: ctx}
	for _, b := range top.Blocks {
		if b.Type == "lint" {
			if err := decodeLint(b.Body, ctx, &f.Lint); err != nil {
				return nil, err
			}
		}
	}
	var first *hcl.Block
	for _, b := range f.candidates(file.Body, top.Blocks) {
		env, err := decodeEnv(o.Env, b, ctx)
		if err != nil {
			return nil, err
		}
		if env.Name != o.Env {
			continue // name = "${atlas.env}-x" names another env, as in Atlas
		}
		if first != nil {
			return nil, fmt.Errorf("%s: env %q is declared twice (also at %s)", b.DefRange, o.Env, first.DefRange)
		}
		first = b
		env.Lint = f.Lint.merge(env.Lint)
		f.sel = env
	}
	return f, nil
}

// candidates are the blocks that may be the env --env names, as Atlas
// selects them: the blocks labelled with it, else the unlabelled blocks
// whose name attribute uses atlas.env (their evaluated name decides). It
// also notes the labels of all env blocks, for messages.
func (f *File) candidates(body hcl.Body, labelled hcl.Blocks) []*hcl.Block {
	var labels, dynamic []*hcl.Block
	for _, b := range labelled {
		if b.Type == "env" && len(b.Labels) == 1 {
			f.have = append(f.have, b.Labels[0])
			if f.env != "" && b.Labels[0] == f.env {
				labels = append(labels, b)
			}
		}
	}
	// The unlabelled env blocks: PartialContent above dropped them.
	unlabelled, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "env"}}})
	for _, b := range unlabelled.Blocks {
		c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "name"}}})
		if name := c.Attributes["name"]; name != nil && usesAtlasEnv(name.Expr) {
			dynamic = append(dynamic, b)
		} else {
			f.anon++
		}
	}
	switch {
	case f.env == "":
		return nil
	case len(labels) > 0: // labelled blocks take precedence, as in Atlas
		return labels
	}
	return dynamic
}

// usesAtlasEnv reports whether an expression refers to atlas.env.
func usesAtlasEnv(x hcl.Expression) bool {
	for _, t := range x.Variables() {
		if len(t) >= 2 && t.RootName() == "atlas" {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == "env" {
				return true
			}
		}
	}
	return false
}

// Env returns the env block called name, which must be the one Load
// selected.
func (f *File) Env(name string) (*Env, error) {
	if f.sel != nil && name == f.env {
		return f.sel, nil
	}
	names := slices.Clone(f.have)
	sort.Strings(names)
	names = slices.Compact(names)
	have := "it declares no env blocks"
	if len(names) > 0 {
		have = "it declares: " + strings.Join(names, ", ")
	}
	if f.anon > 0 {
		have += fmt.Sprintf("; %d env block(s) without a label, which need name = atlas.env to be used", f.anon)
	}
	return nil, fmt.Errorf("%w %q in %s (%s)", ErrUnknownEnv, name, f.Path, have)
}

var envSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "name"}, {Name: "src"}, {Name: "dev"}, {Name: "url"}, {Name: "exclude"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "migration"}, {Type: "lint"}},
}

// decodeEnv reads the env block selected as name. An unlabelled block's
// name attribute (name = atlas.env) gives its name.
func decodeEnv(name string, b *hcl.Block, ctx *hcl.EvalContext) (*Env, error) {
	c, _, diags := b.Body.PartialContent(envSchema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	e := &Env{Name: name, At: map[string]string{}}
	if len(b.Labels) == 0 {
		if err := stringAttr(c.Attributes["name"], ctx, &e.Name); err != nil {
			return nil, err
		}
	}
	if err := stringsAttr(c.Attributes["src"], ctx, &e.Src); err != nil {
		return nil, err
	}
	if a := c.Attributes["src"]; a != nil {
		e.At["src"] = a.Range.String()
	}
	for attr, dst := range map[string]*string{"dev": &e.Dev, "url": &e.URL} {
		if err := stringAttr(c.Attributes[attr], ctx, dst); err != nil {
			return nil, err
		}
		if a := c.Attributes[attr]; a != nil {
			e.At[attr] = a.Range.String()
		}
	}
	if a := c.Attributes["exclude"]; a != nil {
		if err := listAttr(a, ctx, &e.Exclude); err != nil {
			return nil, err
		}
		e.At["exclude"] = a.Range.String()
	}
	for _, b := range c.Blocks {
		if b.Type == "lint" {
			if err := decodeLint(b.Body, ctx, &e.Lint); err != nil {
				return nil, err
			}
			continue
		}
		m, _, diags := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "dir"}}})
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		if err := stringAttr(m.Attributes["dir"], ctx, &e.Dir); err != nil {
			return nil, err
		}
		if a := m.Attributes["dir"]; a != nil {
			e.At["dir"] = a.Range.String()
		}
	}
	return e, nil
}

// stringAttr evaluates a string attribute.
func stringAttr(a *hcl.Attribute, ctx *hcl.EvalContext, dst *string) error {
	if a == nil {
		return nil
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return diagError(diags)
	}
	switch {
	case v.IsNull():
		return nil
	case v.Type() == cty.String:
		*dst = v.AsString()
	default:
		return fmt.Errorf("%s: %s must be a string", a.Range, a.Name)
	}
	return nil
}

// listAttr evaluates a list of strings, as Atlas's []string attributes.
func listAttr(a *hcl.Attribute, ctx *hcl.EvalContext, dst *[]string) error {
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return diagError(diags)
	}
	if v.IsNull() {
		return nil
	}
	if !v.Type().IsListType() && !v.Type().IsTupleType() && !v.Type().IsSetType() {
		return fmt.Errorf("%s: %s must be a list of strings", a.Range, a.Name)
	}
	for _, el := range v.AsValueSlice() {
		if el.IsNull() || el.Type() != cty.String {
			return fmt.Errorf("%s: %s must be a list of strings", a.Range, a.Name)
		}
		*dst = append(*dst, el.AsString())
	}
	return nil
}

// stringsAttr evaluates an attribute that is a string or a list of
// strings, as Atlas's env src is.
func stringsAttr(a *hcl.Attribute, ctx *hcl.EvalContext, dst *[]string) error {
	if a == nil {
		return nil
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return diagError(diags)
	}
	switch {
	case v.IsNull():
		return nil
	case v.Type() == cty.String:
		*dst = []string{v.AsString()}
		return nil
	case v.Type().IsListType() || v.Type().IsTupleType():
		var out []string
		for _, e := range v.AsValueSlice() {
			if e.Type() != cty.String || e.IsNull() {
				return fmt.Errorf("%s: %s must be a string or a list of strings", a.Range, a.Name)
			}
			out = append(out, e.AsString())
		}
		if len(out) == 0 {
			return fmt.Errorf("%s: %s is an empty list", a.Range, a.Name)
		}
		*dst = out
		return nil
	}
	return fmt.Errorf("%s: %s must be a string or a list of strings", a.Range, a.Name)
}

// evalContext gives expressions Atlas's getenv(), var.NAME and atlas.env
// (the selected env's name, "" when none is).
func evalContext(blocks hcl.Blocks, o Options) (*hcl.EvalContext, error) {
	values := map[string]cty.Value{}
	for _, b := range blocks {
		if b.Type != "variable" {
			continue
		}
		c, _, diags := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}}})
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		name := b.Labels[0]
		switch v, ok := o.Vars[name]; {
		case ok:
			values[name] = cty.StringVal(v)
		case c.Attributes["default"] != nil:
			v, diags := c.Attributes["default"].Expr.Value(nil)
			if diags.HasErrors() {
				return nil, diagError(diags)
			}
			values[name] = v
		default:
			return nil, fmt.Errorf("%s: variable %q has no default and no --var %s=... was given", b.DefRange, name, name)
		}
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   cty.ObjectVal(values),
			"atlas": cty.ObjectVal(map[string]cty.Value{"env": cty.StringVal(o.Env)}),
			"data":  dataValue(blocks),
		},
		Functions: map[string]function.Function{"getenv": getenv},
	}, nil
}

var getenv = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "key", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(os.Getenv(args[0].AsString())), nil
	},
})

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
