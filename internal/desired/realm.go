package desired

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/entload"
)

// ErrEnumConflict means two fields name one native enum type but declare
// different values.
var ErrEnumConflict = errors.New("enum type declared with different values")

// EnumType is a native enum type an enum field names with its PostgreSQL
// SchemaType, e.g.
// field.Enum("status").SchemaType(map[string]string{"postgres": "userstatus"}).
// Ent itself maps enums to varchar and never creates such a type: the
// project's migrations do, and so schemactl does for the desired state,
// once however many columns share it.
type EnumType struct {
	Schema, Name string // as PostgreSQL resolves the SchemaType; Schema "" is the default
	Values       []string
	Field        string // the first field declaring it, e.g. "User.status"
}

// NativeEnum reports whether an enum field's PostgreSQL SchemaType names
// a native enum type, and which: only a type name that PostgreSQL does not
// know already does. VARCHAR(17), text, char(3), character varying, uuid,
// citext or int[] stay the type they say: a type with a modifier or array
// bounds, a pg_catalog type, a type of a common extension. The name is
// read as PostgreSQL's parser reads it, after Ent lower-cases the whole
// SchemaType (as its migrate does before using it).
func NativeEnum(schemaType string) (schema, name string, ok bool) {
	tree, err := pg_query.Parse("SELECT NULL::" + strings.ToLower(schemaType))
	if err != nil || len(tree.Stmts) != 1 {
		return "", "", false
	}
	sel := tree.Stmts[0].GetStmt().GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return "", "", false
	}
	cast := sel.TargetList[0].GetResTarget().GetVal().GetTypeCast()
	if cast == nil || cast.TypeName == nil {
		return "", "", false
	}
	tn := cast.TypeName
	if len(tn.Typmods) > 0 || len(tn.ArrayBounds) > 0 || tn.Setof || tn.PctType {
		return "", "", false
	}
	var names []string
	for _, n := range tn.Names {
		s := n.GetString_()
		if s == nil {
			return "", "", false
		}
		names = append(names, s.Sval)
	}
	switch len(names) {
	case 1:
		name = names[0]
	case 2:
		schema, name = names[0], names[1]
	default:
		return "", "", false
	}
	switch {
	case schema == "pg_catalog", schema == "information_schema":
		return "", "", false
	case schema == "" && builtin(name):
		return "", "", false
	case schema == "public":
		schema = ""
	}
	return schema, name, true
}

// builtin reports whether an unqualified type name is PostgreSQL's own
// (pg_catalog's, found first on any search_path) or a common extension's.
func builtin(name string) bool {
	return builtinTypes[name] || extensionTypes[name] || strings.HasPrefix(name, "pg_") ||
		(strings.HasPrefix(name, "_") && builtin(name[1:])) // an array type
}

// enumTypes collects the native enum types the packages' enum fields name.
// Two fields naming one type with different values are an error naming
// both.
func enumTypes(ps []*Package) ([]*EnumType, error) {
	var out []*EnumType
	byName := map[string]*EnumType{}
	for _, p := range ps {
		for _, e := range p.Enums {
			schema, name, ok := NativeEnum(e.SchemaType)
			if !ok {
				continue
			}
			field := fieldName(e)
			key := qualified(schema, name)
			t, ok := byName[key]
			switch {
			case !ok:
				t = &EnumType{Schema: schema, Name: name, Values: slices.Clone(e.Values), Field: field}
				byName[key] = t
				out = append(out, t)
			case !slices.Equal(t.Values, e.Values):
				return nil, fmt.Errorf("desired: %w: %q is declared by %s as (%s) and by %s as (%s)", ErrEnumConflict, key,
					t.Field, strings.Join(t.Values, ", "), field, strings.Join(e.Values, ", "))
			}
		}
	}
	return out, nil
}

// fieldName names the Ent field behind an enum column, e.g.
// "Subscription.status", else table.column.
func fieldName(e entload.Enum) string {
	switch {
	case e.Type != "" && e.Field != "":
		return e.Type + "." + e.Field
	case e.Type != "":
		return e.Type + "." + e.Column
	}
	return e.Table + "." + e.Column
}

// builtinTypes are the type names of pg_catalog (PostgreSQL 15, without
// the row types of the catalogs, which start with pg_, nor arrays), and
// the serial pseudo-types CREATE TABLE accepts. SQL's own spellings
// (integer, character varying, double precision, timestamp with time
// zone…) parse to pg_catalog names already.
var builtinTypes = set("aclitem", "any", "anyarray", "anycompatible", "anycompatiblearray", "anycompatiblemultirange",
	"anycompatiblenonarray", "anycompatiblerange", "anyelement", "anyenum", "anymultirange", "anynonarray", "anyrange",
	"bit", "bool", "box", "bpchar", "bytea", "char", "cid", "cidr", "circle", "cstring", "date", "datemultirange",
	"daterange", "event_trigger", "fdw_handler", "float4", "float8", "gtsvector", "index_am_handler", "inet", "int2",
	"int2vector", "int4", "int4multirange", "int4range", "int8", "int8multirange", "int8range", "internal", "interval",
	"json", "jsonb", "jsonpath", "language_handler", "line", "lseg", "macaddr", "macaddr8", "money", "name",
	"nummultirange", "numeric", "numrange", "oid", "oidvector", "path", "point", "polygon", "record", "refcursor",
	"regclass", "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc",
	"regprocedure", "regrole", "regtype", "table_am_handler", "text", "tid", "time", "timestamp", "timestamptz",
	"timetz", "trigger", "tsm_handler", "tsmultirange", "tsquery", "tsrange", "tstzmultirange", "tstzrange",
	"tsvector", "txid_snapshot", "unknown", "uuid", "varbit", "varchar", "void", "xid", "xid8", "xml",
	"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial")

// extensionTypes are the types of common extensions (contrib, PostGIS,
// pgvector): a SchemaType naming one is that type, not an enum.
var extensionTypes = set("citext", "hstore", "ltree", "lquery", "ltxtquery", "cube", "earth", "seg", "isbn", "isbn13",
	"ismn", "ismn13", "issn", "issn13", "ean13", "upc", "geometry", "geography", "box2d", "box3d", "box2df", "gidx",
	"raster", "vector", "halfvec", "sparsevec")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
