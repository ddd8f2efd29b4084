package diffplan

import (
	"fmt"
	"strings"
)

// RenameKind is what a rename renames.
type RenameKind int

const (
	RenameColumn RenameKind = iota
	RenameTable
	RenameType  // an enum type
	RenameValue // a value of an enum type
)

var kindNames = map[RenameKind]string{RenameColumn: "column", RenameTable: "table", RenameType: "type", RenameValue: "value"}

func (k RenameKind) String() string { return kindNames[k] }

// Rename is one rename the plan makes instead of a drop and a create: of a
// column, a table, an enum type or an enum value. The old names are those
// of the current state (the migration directory), To is the new name in
// the desired state: a rename never moves an object to another table,
// type or schema.
type Rename struct {
	Kind   RenameKind
	Schema string // "" for public
	Object string // the table (column, table) or enum type (value, type)
	Member string // the column or value; "" for a table or type
	To     string
}

// Old is the name the rename changes.
func (r Rename) Old() string {
	if r.Member != "" {
		return r.Member
	}
	return r.Object
}

// ParseRename reads a --rename value (a schemactl extension):
//
//	[schema.]table.column=new     a column (the kind "column:" may be written)
//	table=new                     a table in public
//	table:[schema.]table=new      a table
//	type:[schema.]type=new        an enum type
//	value:[schema.]type.old=new   a value of an enum type
//
// Without a kind, one name is a table and two or three are a column. A
// name holding '.', '=', ':' or '"' (an enum value such as "v1.0") is
// written in double quotes, a quote in it doubled, as PostgreSQL writes
// identifiers. The new name is one name, never qualified.
func ParseRename(s string) (Rename, error) {
	fail := func(format string, args ...any) (Rename, error) {
		return Rename{}, fmt.Errorf("--rename %q: %s", s, fmt.Sprintf(format, args...))
	}
	const want = "want [schema.]table.column=new, table=new, table:schema.table=new, type:[schema.]type=new or value:[schema.]type.value=new"
	kind, rest, explicit := RenameColumn, s, false
	if k, r, ok := strings.Cut(s, ":"); ok && isWord(k) {
		found := false
		for kk, name := range kindNames {
			if k == name {
				kind, rest, explicit, found = kk, r, true, true
			}
		}
		if !found {
			return fail("unknown kind %q (want column:, table:, type: or value:)", k+":")
		}
	}
	old, rest, err := names(rest)
	if err != nil {
		return fail("%v; %s", err, want)
	}
	if !strings.HasPrefix(rest, "=") {
		return fail("%s", want)
	}
	to, rest, err := names(rest[1:])
	switch {
	case err != nil:
		return fail("%v; %s", err, want)
	case rest != "":
		return fail("unexpected %q after the new name; %s", rest, want)
	case len(to) != 1:
		return fail("the new name %s is qualified: a rename keeps the object in its table, type and schema; quote a name holding '.' (\"a.b\")", strings.Join(to, "."))
	}
	if !explicit && len(old) == 1 {
		kind = RenameTable
	}
	r := Rename{Kind: kind, To: to[0]}
	switch n := len(old); {
	case (kind == RenameTable || kind == RenameType) && n <= 2:
		r.Object = old[n-1]
		if n == 2 {
			r.Schema = old[0]
		}
	case (kind == RenameColumn || kind == RenameValue) && (n == 2 || n == 3):
		r.Object, r.Member = old[n-2], old[n-1]
		if n == 3 {
			r.Schema = old[0]
		}
	default:
		return fail("%d names before '=' for a %s rename; %s", n, kind, want)
	}
	if r.Schema == "public" {
		r.Schema = ""
	}
	if r.Old() == r.To {
		return fail("the new name is the old one")
	}
	return r, nil
}

func isWord(s string) bool {
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// names reads dot-separated names up to an unquoted '=' or the end, and
// returns what follows.
func names(s string) ([]string, string, error) {
	var out []string
	for {
		var name string
		switch {
		case strings.HasPrefix(s, `"`):
			var b strings.Builder
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, "", fmt.Errorf("unterminated quoted name %s", s)
			}
			name, s = b.String(), s[i+1:]
		default:
			i := strings.IndexAny(s, `.="`)
			if i < 0 {
				i = len(s)
			}
			name, s = s[:i], s[i:]
		}
		if name == "" {
			return nil, "", fmt.Errorf("empty name")
		}
		out = append(out, name)
		if !strings.HasPrefix(s, ".") {
			return out, s, nil
		}
		s = s[1:]
	}
}

// String is the rename as --rename takes it.
func (r Rename) String() string {
	var parts []string
	if r.Schema != "" {
		parts = append(parts, r.Schema)
	}
	parts = append(parts, r.Object)
	if r.Member != "" {
		parts = append(parts, r.Member)
	}
	for i, p := range parts {
		parts[i] = flagName(p)
	}
	prefix := ""
	switch {
	case r.Kind == RenameTable && r.Schema != "", r.Kind == RenameType, r.Kind == RenameValue:
		prefix = r.Kind.String() + ":"
	}
	return prefix + strings.Join(parts, ".") + "=" + flagName(r.To)
}

// flagName quotes a name for --rename when it must be.
func flagName(s string) string {
	if s != "" && !strings.ContainsAny(s, `.=:"`) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
