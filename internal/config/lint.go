package config

import (
	"fmt"
	"maps"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// decodeLint reads a lint block. Every nested block but git is an
// analyzer's settings; the caller decides which analyzers it knows. Other
// attributes are ignored, as Atlas's own options (naming rules, say) are.
func decodeLint(body hcl.Body, ctx *hcl.EvalContext, l *Lint) error {
	content, _, diags := body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "latest"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "git"}},
	})
	if diags.HasErrors() {
		return diagError(diags)
	}
	if a := content.Attributes["latest"]; a != nil {
		if diags := gohcl.DecodeExpression(a.Expr, ctx, &l.Latest); diags.HasErrors() {
			return diagError(diags)
		}
	}
	for _, g := range content.Blocks {
		gc, _, diags := g.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "base"}}})
		if diags.HasErrors() {
			return diagError(diags)
		}
		if err := stringAttr(gc.Attributes["base"], ctx, &l.GitBase); err != nil {
			return err
		}
	}
	// Every other block is an analyzer's settings, e.g. destructive { error = true }.
	syn, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	for _, b := range syn.Blocks {
		if b.Type == "git" {
			continue
		}
		a := b.Body.Attributes["error"]
		if a == nil {
			continue
		}
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			return diagError(diags)
		}
		if v.Type() != cty.Bool || v.IsNull() {
			return fmt.Errorf("%s: lint %s: error must be true or false", a.SrcRange, b.Type)
		}
		if l.Errors == nil {
			l.Errors = map[string]bool{}
		}
		l.Errors[b.Type] = v.True()
	}
	return nil
}

// merge lays an env's lint block over the top-level one.
func (l Lint) merge(env Lint) Lint {
	out := Lint{Latest: l.Latest, GitBase: l.GitBase, Errors: maps.Clone(l.Errors)}
	if env.Latest != 0 {
		out.Latest = env.Latest
	}
	if env.GitBase != "" {
		out.GitBase = env.GitBase
	}
	for k, v := range env.Errors {
		if out.Errors == nil {
			out.Errors = map[string]bool{}
		}
		out.Errors[k] = v
	}
	return out
}
