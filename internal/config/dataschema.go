package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The data sources that declare a desired state: Atlas's
//
//	data "external_schema" "NAME" {
//	  program     = ["sh", "schema.sh"]
//	  working_dir = "db"            # optional
//	}
//	data "composite_schema" "NAME" {
//	  schema "public" { url = "ent://ent/schema" }
//	  schema "public" { url = "file://schema.sql" }
//	}
//
// data.external_schema.NAME.url evaluates to external_schema://NAME and
// data.composite_schema.NAME.url to composite_schema://NAME; an env's src
// (or a composite's member) names them so. The blocks are decoded when a
// URL is looked up (Schema), so that an error in a block no env uses does
// not stop the command, as in Atlas.

// Data source types.
const (
	ExternalSchemaType  = "external_schema"
	CompositeSchemaType = "composite_schema"
)

// DataSchema is a data "external_schema" or "composite_schema" block.
type DataSchema struct {
	Type, Name string
	// Program and WorkingDir are an external_schema's; WorkingDir is as
	// written (relative to the project file's directory).
	Program    []string
	WorkingDir string
	// Members are a composite_schema's schema blocks, in order.
	Members []Member
	// At is where the block starts, e.g. `atlas.hcl:3,1-35`.
	At string
}

// Member is one schema block of a composite_schema.
type Member struct {
	Schema, URL string
	At          string
}

// URL is what data.TYPE.NAME.url evaluates to.
func URL(typ, name string) string { return typ + "://" + name }

// dataBlocks are the data blocks of the file, for Schema.
type dataBlocks struct {
	blocks []*hcl.Block
	ctx    *hcl.EvalContext
}

// dataValue is the data variable of expressions: data.TYPE.NAME.url for
// each external_schema and composite_schema block.
func dataValue(blocks hcl.Blocks) cty.Value {
	byType := map[string]map[string]cty.Value{}
	for _, b := range blocks {
		if b.Type != "data" || len(b.Labels) != 2 {
			continue
		}
		typ, name := b.Labels[0], b.Labels[1]
		if typ != ExternalSchemaType && typ != CompositeSchemaType {
			continue
		}
		if byType[typ] == nil {
			byType[typ] = map[string]cty.Value{}
		}
		byType[typ][name] = cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal(URL(typ, name))})
	}
	obj := map[string]cty.Value{}
	for typ, names := range byType {
		obj[typ] = cty.ObjectVal(names)
	}
	return cty.ObjectVal(obj)
}

// Schema returns the data block a desired-state URL names
// (external_schema://NAME, composite_schema://NAME); ok is false for any
// other URL. A block that does not decode is an error naming its line.
func (f *File) Schema(url string) (*DataSchema, bool, error) {
	for _, b := range f.data.blocks {
		if len(b.Labels) != 2 || URL(b.Labels[0], b.Labels[1]) != url {
			continue
		}
		switch b.Labels[0] {
		case ExternalSchemaType:
			d, err := decodeExternal(b, f.data.ctx)
			return d, true, err
		case CompositeSchemaType:
			d, err := decodeComposite(b, f.data.ctx)
			return d, true, err
		}
	}
	return nil, false, nil
}

func decodeExternal(b *hcl.Block, ctx *hcl.EvalContext) (*DataSchema, error) {
	d := &DataSchema{Type: b.Labels[0], Name: b.Labels[1], At: b.DefRange.String()}
	c, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "program", Required: true}, {Name: "working_dir"}}})
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	if err := listAttr(c.Attributes["program"], ctx, &d.Program); err != nil {
		return nil, err
	}
	if len(d.Program) == 0 {
		return nil, fmt.Errorf("%s: data %q %q: program cannot be empty", c.Attributes["program"].Range, d.Type, d.Name)
	}
	if err := stringAttr(c.Attributes["working_dir"], ctx, &d.WorkingDir); err != nil {
		return nil, err
	}
	return d, nil
}

func decodeComposite(b *hcl.Block, ctx *hcl.EvalContext) (*DataSchema, error) {
	d := &DataSchema{Type: b.Labels[0], Name: b.Labels[1], At: b.DefRange.String()}
	c, diags := b.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "schema", LabelNames: []string{"name"}}}})
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	for _, s := range c.Blocks {
		m, diags := s.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "url", Required: true}}})
		if diags.HasErrors() {
			return nil, diagError(diags)
		}
		member := Member{Schema: s.Labels[0], At: m.Attributes["url"].Range.String()}
		if err := stringAttr(m.Attributes["url"], ctx, &member.URL); err != nil {
			return nil, err
		}
		d.Members = append(d.Members, member)
	}
	if len(d.Members) == 0 {
		return nil, fmt.Errorf("%s: data %q %q: no schema block", b.DefRange, d.Type, d.Name)
	}
	return d, nil
}
