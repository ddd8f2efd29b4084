package desired

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/report"
)

// declaration is an object a SQL source creates, and where.
type declaration struct {
	kind          report.ObjectKind
	schema, table string // table: the relation a trigger fires on
	name          string
	at            report.Location
}

// Declared places an object a SQL source declares: the file and line of
// the statement that creates it (compare.Declarations). Functions match by
// schema and name (the first overload declared), triggers by table and
// name, views and extensions by name.
func (s *State) Declared(ref report.ObjectRef) (report.Location, bool) {
	if s.decls == nil && len(s.SQL) > 0 {
		s.decls = declarations(s.SQL)
	}
	name := ref.Name
	if ref.Kind == report.KindFunction {
		name, _, _ = strings.Cut(name, "(")
	}
	for _, d := range s.decls {
		if d.kind != ref.Kind || d.name != name {
			continue
		}
		switch {
		case ref.Kind == report.KindExtension:
		case ref.Kind == report.KindTrigger && d.table != ref.Table:
			continue
		case d.schema != ref.Schema && (d.schema != "" || ref.Schema != "public"):
			continue
		}
		return d.at, true
	}
	return report.Location{}, false
}

// declarations reads what each statement of srcs creates with
// PostgreSQL's parser. An unqualified object lives in its member's schema.
func declarations(srcs []*SQLSource) []declaration {
	out := []declaration{} // not nil: read once
	for _, src := range srcs {
		def := src.Schema
		if def == "public" {
			def = ""
		}
		for _, st := range src.Stmts {
			tree, err := pg_query.Parse(st.Text)
			if err != nil || len(tree.Stmts) != 1 {
				continue
			}
			at := report.Location{File: st.File, Line: st.Line}
			n := tree.Stmts[0].GetStmt()
			switch {
			case n.GetCreateFunctionStmt() != nil:
				f := n.GetCreateFunctionStmt()
				schema, name := qualifiedName(f.GetFuncname(), def)
				kind := "FUNCTION"
				if f.GetIsProcedure() {
					kind = "PROCEDURE"
				}
				at.Element = "CREATE " + kind + " " + name
				out = append(out, declaration{kind: report.KindFunction, schema: schema, name: name, at: at})
			case n.GetCreateTrigStmt() != nil:
				t := n.GetCreateTrigStmt()
				rel := t.GetRelation()
				at.Element = "CREATE TRIGGER " + t.GetTrigname()
				out = append(out, declaration{kind: report.KindTrigger, schema: or(rel.GetSchemaname(), def),
					table: rel.GetRelname(), name: t.GetTrigname(), at: at})
			case n.GetViewStmt() != nil:
				v := n.GetViewStmt().GetView()
				at.Element = "CREATE VIEW " + v.GetRelname()
				out = append(out, declaration{kind: report.KindView, schema: or(v.GetSchemaname(), def), name: v.GetRelname(), at: at})
			case n.GetCreateExtensionStmt() != nil:
				e := n.GetCreateExtensionStmt()
				at.Element = "CREATE EXTENSION " + e.GetExtname()
				out = append(out, declaration{kind: report.KindExtension, name: e.GetExtname(), at: at})
			}
		}
	}
	return out
}

// qualifiedName reads a function's possibly qualified name.
func qualifiedName(parts []*pg_query.Node, def string) (string, string) {
	var names []string
	for _, p := range parts {
		names = append(names, p.GetString_().GetSval())
	}
	switch len(names) {
	case 0:
		return def, ""
	case 1:
		return def, names[0]
	}
	return names[len(names)-2], names[len(names)-1]
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
