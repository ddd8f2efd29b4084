package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable evaluates a variable block as Atlas's setInputVals does: the
// type is required; --var wins over the default (a --var given more than
// once is a list); a single value given for a list type becomes a list of
// one; the value is converted to the type. The default may call functions
// and use atlas.env, but refers to no variable or local, as in Atlas.
func (e *evaluator) variable(n *node) (cty.Value, error) {
	b := n.block
	name := n.name
	for _, a := range sortedAttrs(b.Body) {
		switch a.Name {
		case "type", "default", "description":
		default:
			return cty.NilVal, fmt.Errorf("%s: variable %q: unsupported argument %q (want type, default, description)", a.SrcRange, name, a.Name)
		}
	}
	ta := b.Body.Attributes["type"]
	if ta == nil {
		return cty.NilVal, fmt.Errorf("%s: variable %q has no type (string, number, bool, list(string), …)", n.rng, name)
	}
	tv, diags := ta.Expr.Value(&hcl.EvalContext{Variables: e.types, Functions: e.tfuncs})
	if diags.HasErrors() {
		return cty.NilVal, diagError(diags)
	}
	if !tv.Type().IsCapsuleType() {
		return cty.NilVal, fmt.Errorf("%s: variable %q: invalid type: want string, number, bool, list(T), set(T), map(T), tuple([…]) or object({…})", ta.SrcRange, name)
	}
	typ, ok := tv.EncapsulatedValue().(*cty.Type)
	if !ok {
		return cty.NilVal, fmt.Errorf("%s: variable %q: invalid type", ta.SrcRange, name)
	}
	var (
		v    cty.Value
		from string // for a message
	)
	switch in, ok := e.input[name]; {
	case ok && len(in) == 1:
		v, from = cty.StringVal(in[0]), fmt.Sprintf("%s: variable %q: --var %s=%s", n.rng, name, name, in[0])
	case ok:
		vs := make([]cty.Value, len(in))
		for i, s := range in {
			vs[i] = cty.StringVal(s)
		}
		v, from = cty.ListVal(vs), fmt.Sprintf("%s: variable %q: --var %s=%s", n.rng, name, name, strings.Join(in, ","))
	case b.Body.Attributes["default"] != nil:
		d := b.Body.Attributes["default"]
		ctx := e.context(nil)
		delete(ctx.Variables, "var")
		delete(ctx.Variables, "local")
		delete(ctx.Variables, "data")
		delete(ctx.Variables, "docker")
		var diags hcl.Diagnostics
		if v, diags = d.Expr.Value(ctx); diags.HasErrors() {
			return cty.NilVal, diagError(diags)
		}
		from = fmt.Sprintf("%s: variable %q default", d.SrcRange, name)
	default:
		return cty.NilVal, fmt.Errorf("%s: variable %q has no default and no --var %s=... was given", n.rng, name, name)
	}
	if typ.IsListType() && v.Type().Equals(typ.ElementType()) {
		v = cty.ListVal([]cty.Value{v})
	}
	cv, err := convert.Convert(v, *typ)
	if err != nil {
		return cty.NilVal, fmt.Errorf("%s: want %s: %w", from, typ.FriendlyNameForConstraint(), err)
	}
	return cv, nil
}
