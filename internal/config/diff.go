package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
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

// extend is Atlas's Diff.Extend: an env without a diff block takes the
// top-level one; an env's block without skip takes the top-level skip, but
// not its concurrent_index.
func (d Diff) extend(global Diff) Diff {
	if d.At == "" {
		return global
	}
	if d.Skip == nil {
		d.Skip = global.Skip
	}
	return d
}

// decodeDiff reads a diff block. Atlas keeps attributes it does not know
// for the driver, which ignores them; a skip kind or concurrent_index
// setting that is not Atlas's is refused here, since a typo would
// otherwise plan the very change it was meant to skip.
func decodeDiff(b *hcl.Block, ctx *hcl.EvalContext) (Diff, error) {
	d := Diff{At: b.DefRange.String()}
	c, _, diags := b.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "skip"}, {Type: "concurrent_index"}}})
	if diags.HasErrors() {
		return d, diagError(diags)
	}
	for _, sb := range c.Blocks {
		attrs, diags := sb.Body.JustAttributes()
		if diags.HasErrors() {
			return d, diagError(diags)
		}
		known := SkipKinds
		if sb.Type == "concurrent_index" {
			known = []string{"add", "create", "drop"}
		}
		for name, a := range attrs {
			if !slices.Contains(known, name) {
				return d, fmt.Errorf("%s: diff %s: unknown setting %q (want one of %s)", a.NameRange, sb.Type, name, strings.Join(known, ", "))
			}
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				return d, diagError(diags)
			}
			if v.IsNull() || v.Type() != cty.Bool {
				return d, fmt.Errorf("%s: diff %s: %s must be true or false", a.Range, sb.Type, name)
			}
			switch {
			case sb.Type == "skip":
				if d.Skip == nil {
					d.Skip = map[string]bool{}
				}
				if v.True() {
					d.Skip[name] = true
				}
			case name == "drop":
				d.ConcurrentDrop = v.True()
			default:
				d.ConcurrentAdd = d.ConcurrentAdd || v.True()
			}
		}
		if sb.Type == "skip" && d.Skip == nil {
			d.Skip = map[string]bool{} // an empty skip block still replaces the top-level one
		}
	}
	return d, nil
}
