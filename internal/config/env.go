package config

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// decodeEnv evaluates the selected env block: the attributes and blocks
// schemactl reads, in file order. Others (format, schemas, include, test…)
// are tolerated and not evaluated.
func (e *evaluator) decodeEnv(name string, b *hclsyntax.Block) (*Env, error) {
	if len(b.Labels) > 1 {
		return nil, fmt.Errorf("%s: env %q has %d labels: an env block has one, its name", b.DefRange(), name, len(b.Labels))
	}
	if a := b.Body.Attributes["for_each"]; a != nil {
		return nil, fmt.Errorf("%s: env %q: for_each (one env per tenant) is %w", a.SrcRange, name, ErrUnsupported)
	}
	env := &Env{Name: name, At: map[string]string{}}
	var lint *Lint
	var diff *Diff
	for _, item := range bodyItems(b.Body) {
		var err error
		switch x := item.(type) {
		case *hclsyntax.Attribute:
			err = e.envAttr(env, x)
		case *hclsyntax.Block:
			switch x.Type {
			case "migration":
				err = e.migration(x, env)
			case "lint":
				lint = &Lint{}
				err = e.lint(x, lint)
			case "diff":
				diff = &Diff{}
				err = e.diff(x, diff)
			case "schema":
				// Atlas's schema { src } is src when the env has no src attribute.
				if a := x.Body.Attributes["src"]; a != nil && b.Body.Attributes["src"] == nil {
					err = e.envAttr(env, a)
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if lint != nil {
		env.Lint = *lint
		env.Lint.set = true
	}
	if diff != nil {
		env.Diff = *diff
	}
	return env, nil
}

// envAttr evaluates one attribute of the env block.
func (e *evaluator) envAttr(env *Env, a *hclsyntax.Attribute) error {
	at := a.SrcRange.String()
	switch a.Name {
	case "src":
		if err := e.stringsAttr(a, &env.Src); err != nil {
			return err
		}
	case "url":
		if err := e.stringAttr(a, nil, &env.URL); err != nil {
			return err
		}
	case "dev":
		v, deps, err := e.eval(a.Expr, nil)
		if err != nil {
			return err
		}
		if err := asString(a, v, &env.Dev); err != nil {
			return err
		}
		// The dev database of a docker block runs its baseline first.
		var from *Docker
		for _, n := range deps {
			if n.kind != "docker" || n.err != nil {
				continue
			}
			d := e.dockers[n.name[len("postgres."):]]
			if d == nil || d.Baseline == "" {
				continue
			}
			if from != nil && from.Baseline != d.Baseline {
				return fmt.Errorf("%s: dev uses docker blocks %q and %q, which have different baselines", at, from.Name, d.Name)
			}
			from = d
		}
		if from != nil {
			env.DevBaseline = from.Baseline
			env.At["dev.baseline"] = from.BaselineAt
		}
	case "exclude":
		if err := e.stringList(a, nil, &env.Exclude); err != nil {
			return err
		}
	default:
		return nil
	}
	env.At[a.Name] = at
	return nil
}

// bodyItems are a body's attributes and blocks in file order.
func bodyItems(b *hclsyntax.Body) []hclsyntax.Node {
	var items []hclsyntax.Node
	for _, a := range sortedAttrs(b) {
		items = append(items, a)
	}
	for _, blk := range b.Blocks {
		items = append(items, blk)
	}
	slices.SortStableFunc(items, func(a, b hclsyntax.Node) int { return a.Range().Start.Byte - b.Range().Start.Byte })
	return items
}

// stringAttr evaluates a string attribute; a missing or null one leaves
// dst alone. scope adds identifiers (Atlas's scoped enums).
func (e *evaluator) stringAttr(a *hclsyntax.Attribute, scope map[string]cty.Value, dst *string) error {
	if a == nil {
		return nil
	}
	v, _, err := e.eval(a.Expr, scope)
	if err != nil {
		return err
	}
	return asString(a, v, dst)
}

func asString(a *hclsyntax.Attribute, v cty.Value, dst *string) error {
	switch {
	case v.IsNull():
	case v.Type() == cty.String:
		*dst = v.AsString()
	default:
		return fmt.Errorf("%s: %s must be a string", a.SrcRange, a.Name)
	}
	return nil
}

// stringList evaluates a list of strings, as Atlas's []string attributes.
func (e *evaluator) stringList(a *hclsyntax.Attribute, scope map[string]cty.Value, dst *[]string) error {
	v, _, err := e.eval(a.Expr, scope)
	if err != nil {
		return err
	}
	if v.IsNull() {
		return nil
	}
	if !v.Type().IsListType() && !v.Type().IsTupleType() && !v.Type().IsSetType() {
		return fmt.Errorf("%s: %s must be a list of strings", a.SrcRange, a.Name)
	}
	out := []string{}
	for _, el := range v.AsValueSlice() {
		if el.IsNull() || el.Type() != cty.String {
			return fmt.Errorf("%s: %s must be a list of strings", a.SrcRange, a.Name)
		}
		out = append(out, el.AsString())
	}
	*dst = append(*dst, out...)
	return nil
}

// stringsAttr evaluates an attribute that is a string or a list of
// strings, as Atlas's env src is.
func (e *evaluator) stringsAttr(a *hclsyntax.Attribute, dst *[]string) error {
	v, _, err := e.eval(a.Expr, nil)
	if err != nil {
		return err
	}
	switch {
	case v.IsNull():
		return nil
	case v.Type() == cty.String:
		*dst = []string{v.AsString()}
		return nil
	case v.Type().IsListType() || v.Type().IsTupleType():
		var out []string
		for _, el := range v.AsValueSlice() {
			if el.IsNull() || el.Type() != cty.String {
				return fmt.Errorf("%s: %s must be a string or a list of strings", a.SrcRange, a.Name)
			}
			out = append(out, el.AsString())
		}
		if len(out) == 0 {
			return fmt.Errorf("%s: %s is an empty list", a.SrcRange, a.Name)
		}
		*dst = out
		return nil
	}
	return fmt.Errorf("%s: %s must be a string or a list of strings", a.SrcRange, a.Name)
}
