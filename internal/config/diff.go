package config

import (
	"fmt"
	"maps"
	"slices"

	"ariga.io/atlas/sql/schema"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Diff is Atlas's diff block: the kinds of change a plan leaves out, and
// whether index changes are planned CONCURRENTLY (PostgreSQL).
type Diff struct {
	// Skip holds the skip block's attributes set to true: Atlas's names,
	// add_schema, drop_schema, …, drop_column (see SkipChanges).
	Skip map[string]bool
	// ConcurrentIndex is concurrent_index { add drop } (Atlas also reads
	// create for add).
	ConcurrentIndex struct{ Add, Drop bool }
	set             bool // the env has a diff block
}

// skipChanges maps the skip block's attributes to Atlas's change types, in
// the order of Atlas's SkipChanges.
var skipChanges = []skipChange{
	{"add_schema", &schema.AddSchema{}}, {"drop_schema", &schema.DropSchema{}}, {"modify_schema", &schema.ModifySchema{}},
	{"add_table", &schema.AddTable{}}, {"drop_table", &schema.DropTable{}}, {"modify_table", &schema.ModifyTable{}}, {"rename_table", &schema.RenameTable{}},
	{"add_column", &schema.AddColumn{}}, {"drop_column", &schema.DropColumn{}}, {"modify_column", &schema.ModifyColumn{}},
	{"add_index", &schema.AddIndex{}}, {"drop_index", &schema.DropIndex{}}, {"modify_index", &schema.ModifyIndex{}},
	{"add_foreign_key", &schema.AddForeignKey{}}, {"drop_foreign_key", &schema.DropForeignKey{}}, {"modify_foreign_key", &schema.ModifyForeignKey{}},
	{"rename_constraint", &schema.RenameConstraint{}},
}

type skipChange struct {
	name   string
	change schema.Change
}

// SkipChanges are the change types to pass to schema.DiffSkipChanges.
func (d Diff) SkipChanges() []schema.Change {
	var cs []schema.Change
	for _, s := range skipChanges {
		if d.Skip[s.name] {
			cs = append(cs, s.change)
		}
	}
	return cs
}

// diff evaluates a diff block. Attributes Atlas passes on to other
// drivers are tolerated and not read.
func (e *evaluator) diff(b *hclsyntax.Block, d *Diff) error {
	for _, blk := range b.Body.Blocks {
		switch blk.Type {
		case "skip":
			if d.Skip == nil {
				d.Skip = map[string]bool{}
			}
			for _, a := range sortedAttrs(blk.Body) {
				if !slices.ContainsFunc(skipChanges, func(s skipChange) bool { return s.name == a.Name }) {
					continue // Atlas hands other names to the driver
				}
				v, err := e.boolAttr(a, "diff skip")
				if err != nil {
					return err
				}
				d.Skip[a.Name] = v
			}
		case "concurrent_index":
			for _, a := range sortedAttrs(blk.Body) {
				v, err := e.boolAttr(a, "diff concurrent_index")
				if err != nil {
					return err
				}
				switch a.Name {
				case "add", "create":
					d.ConcurrentIndex.Add = d.ConcurrentIndex.Add || v
				case "drop":
					d.ConcurrentIndex.Drop = v
				}
			}
		}
	}
	return nil
}

func (e *evaluator) boolAttr(a *hclsyntax.Attribute, what string) (bool, error) {
	v, _, err := e.eval(a.Expr, nil)
	if err != nil {
		return false, err
	}
	if v.IsNull() || v.Type() != cty.Bool {
		return false, fmt.Errorf("%s: %s %s must be true or false", a.SrcRange, what, a.Name)
	}
	return v.True(), nil
}

// extend lays an env's diff block over the top-level one, as Atlas's
// Diff.Extend: an env without a diff block takes the top-level one, and
// one without a skip block takes the top-level skip.
func (d Diff) extend(env Diff) Diff {
	if !env.set {
		out := d
		out.Skip = maps.Clone(d.Skip)
		return out
	}
	out := env
	out.set = false
	if env.Skip == nil {
		out.Skip = maps.Clone(d.Skip)
	}
	return out
}
