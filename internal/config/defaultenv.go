package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// DefaultEnvBlock is the top-level block of schemactl's extension that
// names the env a command uses when no --env is given:
//
//	schemactl {
//	  default_env = "local"
//	}
//
// The Atlas CLI requires --env and ignores the block: its project file
// (cmdapi.Project) has no field for it, and schemahcl drops top-level
// blocks a target struct does not name. The file then means the same to
// both tools whenever --env is given.
const DefaultEnvBlock = "schemactl"

// defaultEnv reads the schemactl block: the env it names and where
// ("atlas.hcl:31,3-24"), or "" without one. The name must be a literal
// string: it selects which env is evaluated, so it cannot depend on
// anything evaluated.
func defaultEnv(body *hclsyntax.Body) (name, at string, err error) {
	var seen *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type != DefaultEnvBlock {
			continue
		}
		if seen != nil {
			return "", "", fmt.Errorf("%s: the %s block is declared twice (also at %s)", b.DefRange(), DefaultEnvBlock, seen.DefRange())
		}
		seen = b
		if len(b.Labels) > 0 {
			return "", "", fmt.Errorf("%s: the %s block takes no label", b.DefRange(), DefaultEnvBlock)
		}
		a := b.Body.Attributes["default_env"]
		if a == nil {
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String || v.AsString() == "" {
			return "", "", fmt.Errorf("%s: %s default_env: want the name of an env block, as a quoted string", a.SrcRange, DefaultEnvBlock)
		}
		name, at = v.AsString(), a.SrcRange.String()
	}
	return name, at, nil
}
