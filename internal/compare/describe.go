package compare

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
)

// TableRef identifies table t.
func TableRef(t *schema.Table) report.ObjectRef {
	return report.ObjectRef{Kind: report.KindTable, Schema: schemaName(t.Schema), Table: t.Name}
}

// Ref identifies an object of table t: a column, index, foreign key or
// check by name, or its primary key (name "").
func Ref(t *schema.Table, kind report.ObjectKind, name string) report.ObjectRef {
	return report.ObjectRef{Kind: kind, Schema: schemaName(t.Schema), Table: t.Name, Name: name}
}

// ViewRef identifies view v.
func ViewRef(v *schema.View) report.ObjectRef {
	return report.ObjectRef{Kind: report.KindView, Schema: schemaName(v.Schema), Name: v.Name}
}

// oneLine is a view definition on one line, as a message quotes it.
func oneLine(def string) string {
	return strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(def), ";")), " ")
}

// EnumRef identifies an enum type.
func EnumRef(e *schema.EnumType) report.ObjectRef {
	return report.ObjectRef{Kind: report.KindEnumType, Schema: schemaName(e.Schema), Name: e.T}
}

func schemaName(s *schema.Schema) string {
	if s == nil {
		return ""
	}
	return s.Name
}

// TypeOf names a column's type as findings do: "enum <type>" for a native
// enum, else PostgreSQL's spelling.
func TypeOf(c *schema.Column) string {
	if c.Type == nil || c.Type.Type == nil {
		return "no type"
	}
	if e, ok := c.Type.Type.(*schema.EnumType); ok {
		return "enum " + e.T
	}
	if s, err := postgres.FormatType(c.Type.Type); err == nil {
		return s
	}
	return c.Type.Raw
}

func nullable(c *schema.Column) string {
	if c.Type != nil && c.Type.Null {
		return "NULL"
	}
	return "NOT NULL"
}

func defaultOf(c *schema.Column) string {
	switch d := c.Default.(type) {
	case *schema.RawExpr:
		return "DEFAULT " + d.X
	case *schema.Literal:
		return "DEFAULT " + d.V
	}
	return "no default"
}

// PartNames lists an index's columns and expressions, in order.
func PartNames(i *schema.Index) []string {
	var names []string
	for _, p := range i.Parts {
		switch {
		case p.C != nil:
			names = append(names, p.C.Name)
		case p.X != nil:
			names = append(names, fmt.Sprint(p.X))
		}
	}
	return names
}

// parts renders an index's shape: columns with order, and its predicate.
func parts(i *schema.Index) string {
	cols := PartNames(i)
	for k, p := range i.Parts {
		if p.Desc && k < len(cols) {
			cols[k] += " DESC"
		}
	}
	s := "(" + strings.Join(cols, ", ") + ")"
	for _, at := range i.Attrs {
		if p, ok := at.(*postgres.IndexPredicate); ok {
			s += " WHERE " + p.P
		}
	}
	return s
}

func (a *analysis) indexMessage(r report.ObjectRef, c *schema.ModifyIndex) string {
	var diffs []string
	if c.Change.Is(schema.ChangeUnique) {
		diffs = append(diffs, fmt.Sprintf("%s in %s, %s in %s", uniq(c.From), a.s.Have, uniq(c.To), a.s.Want))
	}
	if c.Change.Is(schema.ChangeParts) || c.Change.Is(schema.ChangeAttr) {
		diffs = append(diffs, fmt.Sprintf("%s in %s, %s in %s", parts(c.From), a.s.Have, parts(c.To), a.s.Want))
	}
	if len(diffs) == 0 {
		diffs = append(diffs, "its definition")
	}
	return fmt.Sprintf("%s differs: %s", r, strings.Join(diffs, "; "))
}

func uniq(i *schema.Index) string {
	if i.Unique {
		return "unique"
	}
	return "non-unique"
}

func columnNames(cs []*schema.Column) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

func fkShape(f *schema.ForeignKey) string {
	ref := ""
	if f.RefTable != nil {
		ref = pgdb.Qualified(f.RefTable.Schema, f.RefTable.Name)
	}
	return fmt.Sprintf("(%s) REFERENCES %s (%s) ON UPDATE %s ON DELETE %s", strings.Join(columnNames(f.Columns), ", "), ref,
		strings.Join(columnNames(f.RefColumns), ", "), action(f.OnUpdate), action(f.OnDelete))
}

func action(r schema.ReferenceOption) string {
	if r == "" {
		return string(schema.NoAction)
	}
	return string(r)
}

func (a *analysis) enumMessage(from, to *schema.EnumType) string {
	var missing, extra []string
	for _, v := range to.Values {
		if !slices.Contains(from.Values, v) {
			missing = append(missing, v)
		}
	}
	for _, v := range from.Values {
		if !slices.Contains(to.Values, v) {
			extra = append(extra, v)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("value(s) %s in %s are missing from %s", values(missing), a.s.Want, a.s.Have))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("value(s) %s exist in %s but not in %s", values(extra), a.s.Have, a.s.Want))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("values are ordered %s in %s, %s in %s", values(from.Values), a.s.Have, values(to.Values), a.s.Want))
	}
	return fmt.Sprintf("enum type %q differs: %s", to.T, strings.Join(parts, "; "))
}

func values(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + v + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

func attrName(c schema.Change) string {
	switch c := c.(type) {
	case *schema.ModifyAttr:
		return fmt.Sprintf("%T", c.To)
	case *schema.AddAttr:
		return fmt.Sprintf("%T", c.A)
	case *schema.DropAttr:
		return fmt.Sprintf("%T", c.A)
	}
	return "attribute"
}
