package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// ExternalSchema is a data "external_schema" block: a program whose
// standard output is the SQL of the desired schema. Its url evaluates to
// external_schema://NAME; the loader of that URL runs the program.
type ExternalSchema struct {
	Name       string
	Program    []string // the command and its arguments
	WorkingDir string   // as written; Atlas runs the program there (default: the current directory)
	At         string   // where the block is, for messages
}

// CompositeSchema is a data "composite_schema" block: schemas composed in
// order, each from the URL of another source (ent://, an external_schema's
// url, file://…). Its url evaluates to composite_schema://NAME.
type CompositeSchema struct {
	Name    string
	Schemas []CompositePart
	At      string
}

// CompositePart is one schema "NAME" { url = ... } block of a composite.
type CompositePart struct {
	Schema string
	URL    string
	At     string // where its url is
}

// Schemes of the URLs the data sources above evaluate to.
const (
	ExternalScheme  = "external_schema://"
	CompositeScheme = "composite_schema://"
)

// unsupportedData are Atlas's data sources schemactl knows by name but does
// not implement, with what they do, for the message.
var unsupportedData = map[string]string{
	"remote_dir":         "reads a migration directory from Atlas Cloud",
	"remote_schema":      "reads a schema from Atlas Cloud",
	"template_dir":       "renders a templated migration directory",
	"sql":                "queries a database",
	"external":           "runs a program for a value",
	"runtimevar":         "reads a runtime variable",
	"hcl_schema":         "reads an Atlas HCL schema",
	"aws_rds_token":      "makes an AWS RDS token",
	"gcp_cloudsql_token": "makes a GCP Cloud SQL token",
}

// data evaluates a data source block, when the selected env reaches it.
func (e *evaluator) data(n *node, use hcl.Range) (cty.Value, []*node, error) {
	typ, name, _ := strings.Cut(n.name, ".")
	b := n.block
	switch typ {
	case "external_schema":
		x := ExternalSchema{Name: name, At: n.rng.String()}
		for _, a := range sortedAttrs(b.Body) {
			switch a.Name {
			case "program":
				if err := e.stringList(a, nil, &x.Program); err != nil {
					return cty.NilVal, nil, err
				}
				if len(x.Program) == 0 {
					return cty.NilVal, nil, fmt.Errorf("%s: data \"external_schema\" %q: program is an empty list", a.SrcRange, name)
				}
			case "working_dir":
				if err := e.stringAttr(a, nil, &x.WorkingDir); err != nil {
					return cty.NilVal, nil, err
				}
			}
		}
		if x.Program == nil {
			return cty.NilVal, nil, fmt.Errorf("%s: data \"external_schema\" %q has no program", n.rng, name)
		}
		e.externals[name] = x
		return urlObject(ExternalScheme + name), nil, nil
	case "composite_schema":
		c := CompositeSchema{Name: name, At: n.rng.String()}
		var deps []*node
		for _, s := range b.Body.Blocks {
			if s.Type != "schema" {
				continue
			}
			if len(s.Labels) != 1 {
				return cty.NilVal, nil, fmt.Errorf("%s: data \"composite_schema\" %q: a schema block has one label, the schema's name", s.DefRange(), name)
			}
			p := CompositePart{Schema: s.Labels[0]}
			a := s.Body.Attributes["url"]
			if a == nil {
				return cty.NilVal, nil, fmt.Errorf("%s: data \"composite_schema\" %q: schema %q has no url", s.DefRange(), name, p.Schema)
			}
			v, d, err := e.eval(a.Expr, nil)
			if err != nil {
				return cty.NilVal, nil, err
			}
			if v.IsNull() || v.Type() != cty.String {
				return cty.NilVal, nil, fmt.Errorf("%s: data \"composite_schema\" %q: schema %q: url must be a string", a.SrcRange, name, p.Schema)
			}
			p.URL, p.At = v.AsString(), a.SrcRange.String()
			c.Schemas = append(c.Schemas, p)
			deps = appendNew(deps, d...)
		}
		if len(c.Schemas) == 0 {
			return cty.NilVal, nil, fmt.Errorf("%s: data \"composite_schema\" %q has no schema blocks", n.rng, name)
		}
		e.composites[name] = c
		return urlObject(CompositeScheme + name), deps, nil
	}
	what := fmt.Sprintf("data source %q", typ)
	if does := unsupportedData[typ]; does != "" {
		what += " (" + does + ")"
	}
	return cty.NilVal, nil, fmt.Errorf("%s: data.%s, declared at %s: %s is %w", use, n.name, n.rng, what, ErrUnsupported)
}

func urlObject(u string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal(u)})
}
