package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// SkipKinds are the change kinds Atlas's diff { skip { … } } block names
// (its SkipChanges struct in cmd/atlas), in its order.
var SkipKinds = []string{
	"add_schema", "drop_schema", "modify_schema",
	"add_table", "drop_table", "modify_table", "rename_table",
	"add_column", "drop_column", "modify_column",
	"add_index", "drop_index", "modify_index",
	"add_foreign_key", "drop_foreign_key", "modify_foreign_key",
	"rename_constraint",
}

// Diff is Atlas's diff block, the policy `migrate diff` plans with:
//
//	diff {
//	  skip { drop_column = true }
//	  concurrent_index { add = true  drop = true }
//	}
type Diff struct {
	// Skip holds the change kinds (SkipKinds) set to true; nil when the
	// block has no skip block, so that an env's block takes the top-level
	// one's, as Atlas's Diff.Extend does.
	Skip map[string]bool
	// ConcurrentAdd and ConcurrentDrop are concurrent_index's add (or its
	// alias create, which Atlas also reads) and drop.
	ConcurrentAdd, ConcurrentDrop bool
	// At is where the block is ("atlas.hcl:12,3-7"), for messages; empty
	// when there is none.
	At string
}

// extend is Atlas's Diff.Extend, laying an env's block over the top-level
// one d: an env without a diff block takes d; an env's block without skip
// takes d's skip, but not its concurrent_index.
func (d Diff) extend(env Diff) Diff {
	if env.At == "" {
		return d
	}
	if env.Skip == nil {
		env.Skip = d.Skip
	}
	return env
}

// diff evaluates a diff block. Atlas keeps attributes it does not know for
// the driver, which ignores them; a skip kind or concurrent_index setting
// that is not Atlas's is refused here, since a typo would otherwise plan
// the very change it was meant to skip.
func (e *evaluator) diff(b *hclsyntax.Block, d *Diff) error {
	*d = Diff{At: b.DefRange().String()}
	for _, sb := range b.Body.Blocks {
		if sb.Type != "skip" && sb.Type != "concurrent_index" {
			continue
		}
		known := SkipKinds
		if sb.Type == "concurrent_index" {
			known = []string{"add", "create", "drop"}
		}
		if sb.Type == "skip" && d.Skip == nil {
			d.Skip = map[string]bool{} // an empty skip block still replaces the top-level one
		}
		for _, a := range sortedAttrs(sb.Body) {
			if !slices.Contains(known, a.Name) {
				return fmt.Errorf("%s: diff %s: unknown setting %q (want one of %s)", a.NameRange, sb.Type, a.Name, strings.Join(known, ", "))
			}
			v, _, err := e.eval(a.Expr, nil)
			if err != nil {
				return err
			}
			if v.IsNull() || v.Type() != cty.Bool {
				return fmt.Errorf("%s: diff %s: %s must be true or false", a.SrcRange, sb.Type, a.Name)
			}
			switch {
			case sb.Type == "skip":
				if v.True() {
					d.Skip[a.Name] = true
				}
			case a.Name == "drop":
				d.ConcurrentDrop = v.True()
			default:
				d.ConcurrentAdd = d.ConcurrentAdd || v.True()
			}
		}
	}
	return nil
}
