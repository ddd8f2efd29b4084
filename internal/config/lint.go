package config

import (
	"fmt"
	"maps"

	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Lint is Atlas's lint block: latest = N, git { base dir }, and analyzer
// blocks such as destructive { error = true }.
type Lint struct {
	Errors  map[string]bool // analyzer name -> whether its findings are errors
	Latest  int             // --latest
	GitBase string          // --git-base
	GitDir  string          // --git-dir
	set     bool            // the env has a lint block
	extra   bool            // analyzer blocks or other attributes: Atlas's Extra
}

// lint evaluates a lint block. Every nested block but git is an analyzer's
// settings; the caller decides which analyzers it knows. Other settings
// (naming rules, say) are tolerated and not read.
func (e *evaluator) lint(b *hclsyntax.Block, l *Lint) error {
	for _, item := range bodyItems(b.Body) {
		switch x := item.(type) {
		case *hclsyntax.Attribute:
			switch x.Name {
			case "latest":
				v, _, err := e.eval(x.Expr, nil)
				if err != nil {
					return err
				}
				if diags := gohcl.DecodeExpression(&hclsyntax.LiteralValueExpr{Val: v, SrcRange: x.Expr.Range()}, nil, &l.Latest); diags.HasErrors() {
					return diagError(diags)
				}
			case "format", "log", "review":
			default:
				l.extra = true
			}
		case *hclsyntax.Block:
			if x.Type == "git" {
				for _, a := range sortedAttrs(x.Body) {
					switch a.Name {
					case "base":
						if err := e.stringAttr(a, nil, &l.GitBase); err != nil {
							return err
						}
					case "dir":
						if err := e.stringAttr(a, nil, &l.GitDir); err != nil {
							return err
						}
					}
				}
				continue
			}
			l.extra = true
			a := x.Body.Attributes["error"]
			if a == nil {
				continue
			}
			v, _, err := e.eval(a.Expr, nil)
			if err != nil {
				return err
			}
			if v.IsNull() || v.Type() != cty.Bool {
				return fmt.Errorf("%s: lint %s: error must be true or false", a.SrcRange, x.Type)
			}
			if l.Errors == nil {
				l.Errors = map[string]bool{}
			}
			l.Errors[x.Type] = v.True()
		}
	}
	return nil
}

// extend lays an env's lint block over the top-level one, as Atlas's
// Lint.Extend: an env without a lint block takes the top-level one; its
// analyzer blocks replace the top-level ones, unless it has none; and it
// takes the top-level git or latest unless it sets latest, or git's dir and
// base both.
func (l Lint) extend(env Lint) Lint {
	if !env.set {
		out := l
		out.Errors = maps.Clone(l.Errors)
		return out
	}
	out := env
	out.set = false
	if !env.extra {
		out.Errors, out.extra = maps.Clone(l.Errors), l.extra
	}
	switch {
	case env.GitDir != "" && env.GitBase != "" || env.Latest != 0:
	case l.GitDir != "" || l.GitBase != "":
		if l.GitDir != "" {
			out.GitDir = l.GitDir
		}
		if l.GitBase != "" {
			out.GitBase = l.GitBase
		}
	case l.Latest != 0:
		out.Latest = l.Latest
	}
	return out
}
