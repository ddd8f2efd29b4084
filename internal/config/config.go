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
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// DefaultPath is where Atlas looks for the project file.
const DefaultPath = "atlas.hcl"

// ErrUnknownEnv means --env named no env block.
var ErrUnknownEnv = errors.New("unknown env")

// Env is one env block.
type Env struct {
	Name string
	Src  string // desired state, e.g. ent://ent/schema
	Dev  string // dev database URL
	URL  string // target database URL
	Dir  string // migration directory URL, e.g. file://migrations
	Lint Lint   // the env's lint block, over the file's top-level one
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
	envs map[string]*Env
}

// Load parses path. A missing file is not an error: it yields an empty File,
// since atlas.hcl is optional. vars override variable defaults (--var).
func Load(path string, vars map[string]string) (*File, error) {
	f := &File{Path: path, envs: map[string]*Env{}}
	src, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
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
	}})
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	ctx, err := evalContext(top.Blocks, vars)
	if err != nil {
		return nil, err
	}
	for _, b := range top.Blocks {
		if b.Type == "lint" {
			if err := decodeLint(b.Body, ctx, &f.Lint); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range top.Blocks {
		if b.Type != "env" {
			continue
		}
		name := b.Labels[0]
		if _, dup := f.envs[name]; dup {
			return nil, fmt.Errorf("%s: env %q is declared twice", b.DefRange, name)
		}
		env, err := decodeEnv(name, b.Body, ctx)
		if err != nil {
			return nil, err
		}
		env.Lint = f.Lint.merge(env.Lint)
		f.envs[name] = env
	}
	return f, nil
}

// Env returns the env block called name.
func (f *File) Env(name string) (*Env, error) {
	if e, ok := f.envs[name]; ok {
		return e, nil
	}
	names := make([]string, 0, len(f.envs))
	for n := range f.envs {
		names = append(names, n)
	}
	sort.Strings(names)
	have := "it declares no env blocks"
	if len(names) > 0 {
		have = "it declares: " + strings.Join(names, ", ")
	}
	return nil, fmt.Errorf("%w %q in %s (%s)", ErrUnknownEnv, name, f.Path, have)
}

var envSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "src"}, {Name: "dev"}, {Name: "url"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "migration"}, {Type: "lint"}},
}

func decodeEnv(name string, body hcl.Body, ctx *hcl.EvalContext) (*Env, error) {
	c, _, diags := body.PartialContent(envSchema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	e := &Env{Name: name}
	for attr, dst := range map[string]*string{"src": &e.Src, "dev": &e.Dev, "url": &e.URL} {
		if err := stringAttr(c.Attributes[attr], ctx, dst); err != nil {
			return nil, err
		}
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
	}
	return e, nil
}

// stringAttr evaluates a string attribute; src may also be a list, of which
// schemactl uses the first element, as its one desired state.
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
	case (v.Type().IsListType() || v.Type().IsTupleType()) && v.LengthInt() > 0:
		first := v.AsValueSlice()[0]
		if first.Type() != cty.String {
			return fmt.Errorf("%s: %s must be a string or a list of strings", a.Range, a.Name)
		}
		*dst = first.AsString()
	default:
		return fmt.Errorf("%s: %s must be a string", a.Range, a.Name)
	}
	return nil
}

// evalContext gives expressions Atlas's getenv() and var.NAME.
func evalContext(blocks hcl.Blocks, vars map[string]string) (*hcl.EvalContext, error) {
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
		switch v, ok := vars[name]; {
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
		Variables: map[string]cty.Value{"var": cty.ObjectVal(values)},
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
