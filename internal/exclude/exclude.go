// Package exclude applies atlas.hcl's `exclude` patterns: the objects a
// project accepts as they are (a leftover table, a column added for another
// tool) vanish from both states before they are compared, planned or
// audited, so they are neither reported nor dropped.
//
// The matching is Atlas's own (ariga.io/atlas/sql/schema.ExcludeRealm and
// ExcludeSchema), so a pattern means here what it means to the Atlas CLI. A
// pattern is up to three dot-separated globs (path.Match syntax; a part
// holding a dot is double-quoted, as in CSV), schema.table.column, each
// optionally narrowed by a type selector:
//
//	legacy_audit              the table (or view, enum type…) legacy_audit
//	users.fax                 users' column (or index, foreign key, check) fax
//	*.fax[type=column]        the column fax of every table
//	audit_*[type=table]       every table whose name starts with audit_
//	mood[type=enum]           the enum type mood
//	users.*[type=index|fk]    every index and foreign key of users
//
// Selectors: schema, table, view, enum (and other named objects by their
// Atlas spec type), function, procedure; and within a table column, index,
// fk, check, trigger. Which part matches a schema depends on the scope, as
// in Atlas: when the work is bound to one schema (a URL with
// ?search_path=public, which is how schemactl works on public), patterns
// are relative to it and start with the table; over a whole realm they
// start with the schema.
package exclude

import (
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/report"
)

// ErrPattern is wrapped by the errors of a pattern Atlas would reject.
var ErrPattern = errors.New("bad exclude pattern")

// Schema removes from s, in place, the objects patterns match, relative to
// s (Atlas's schema scope). s's realm, when it has one, is filtered the
// same way, as Atlas does.
func Schema(s *schema.Schema, patterns []string) error {
	if len(patterns) == 0 || s == nil {
		return nil
	}
	if s.Realm == nil {
		// ExcludeSchema works through the realm: lend it one.
		schema.NewRealm(s)
		defer func() { s.Realm = nil }()
	}
	if _, err := schema.ExcludeSchema(s, patterns); err != nil {
		return fmt.Errorf("exclude: %w: %w", ErrPattern, err)
	}
	return nil
}

// Schemas applies Schema to every schema of r: patterns stay relative to a
// schema (`users.fax`), as atlas.hcl writes them for a schema-scoped URL,
// whichever schemas the project uses.
func Schemas(r *schema.Realm, patterns []string) error {
	if len(patterns) == 0 || r == nil {
		return nil
	}
	for _, s := range r.Schemas {
		if _, err := schema.ExcludeSchema(s, patterns); err != nil {
			return fmt.Errorf("exclude: %w: %w", ErrPattern, err)
		}
	}
	return nil
}

// Realm removes from r, in place, the objects patterns match; each pattern
// starts with the schema (Atlas's realm scope).
func Realm(r *schema.Realm, patterns []string) error {
	if len(patterns) == 0 || r == nil {
		return nil
	}
	if _, err := schema.ExcludeRealm(r, patterns); err != nil {
		return fmt.Errorf("exclude: %w: %w", ErrPattern, err)
	}
	return nil
}

// CheckSchema reports the first pattern that Schema would reject, before
// any work is done: not one line of dot-separated parts, more than two
// parts (TABLE.OBJECT), or a malformed glob. Atlas itself finds these only
// once it matches, and some only when something could match.
func CheckSchema(patterns []string) error { return check(patterns, 2) }

// CheckRealm is CheckSchema for Realm: up to three parts,
// SCHEMA.TABLE.OBJECT.
func CheckRealm(patterns []string) error { return check(patterns, 3) }

// selector is Atlas's type selector, the suffix [type=a|b].
var selector = regexp.MustCompile(`\[type=([a-z|_]+)+\]$`)

func check(patterns []string, most int) error {
	for _, p := range patterns {
		parts, err := split(p)
		if err != nil {
			return fmt.Errorf("%w %q: %w", ErrPattern, p, err)
		}
		if len(parts) > most {
			return fmt.Errorf("%w %q: %d parts, at most %d (%s)", ErrPattern, p, len(parts), most, shape(most))
		}
		for _, part := range parts {
			glob := part
			if m := selector.FindStringSubmatch(part); m != nil {
				glob = strings.TrimSuffix(part, m[0])
			}
			if _, err := filepath.Match(glob, ""); err != nil {
				return fmt.Errorf("%w %q: %q: %w", ErrPattern, p, glob, err)
			}
		}
	}
	return nil
}

func shape(parts int) string {
	if parts == 2 {
		return "TABLE or TABLE.OBJECT, relative to the schema"
	}
	return "SCHEMA, SCHEMA.TABLE or SCHEMA.TABLE.OBJECT"
}

// split parses a pattern as Atlas does: one CSV record with '.' for comma.
func split(p string) ([]string, error) {
	r := csv.NewReader(strings.NewReader(p))
	r.Comma = '.'
	records, err := r.ReadAll()
	switch {
	case err != nil:
		return nil, err
	case len(records) != 1:
		return nil, errors.New("want one line of dot-separated parts")
	case len(records[0]) == 0:
		return nil, errors.New("empty pattern")
	}
	return records[0], nil
}

// Pattern is the pattern that excludes exactly the object ref names,
// relative to its schema (schemactl's scope): "legacy_audit" for a table,
// "users.fax" for a column (its indexes and foreign keys go with it, as
// Atlas does), "mood" for an enum type, and a type selector for the
// objects whose names a column could share: "users.users_fax_idx[type=index]",
// "[type=fk]", "[type=check]". (A table and an enum type cannot share a
// name in PostgreSQL, so a plain name is exact for them.) Names are escaped
// so that only they match. It returns "" for no object (the zero ref) and
// for a primary key, which no pattern names.
func Pattern(ref report.ObjectRef) string {
	switch ref.Kind {
	case report.KindTable:
		return part(ref.Table, "")
	case report.KindEnumType:
		return part(ref.Name, "")
	case report.KindView:
		return part(ref.Name, "view")
	case report.KindColumn:
		return part(ref.Table, "") + "." + part(ref.Name, "")
	case report.KindIndex:
		return part(ref.Table, "") + "." + part(ref.Name, "index")
	case report.KindForeignKey:
		return part(ref.Table, "") + "." + part(ref.Name, "fk")
	case report.KindCheck:
		return part(ref.Table, "") + "." + part(ref.Name, "check")
	}
	return ""
}

// part is a pattern part matching exactly name, with the type selector
// typ unless it is empty: glob metacharacters are escaped, and a part
// holding a dot or a quote is quoted for the CSV split (selector
// included: the quotes must enclose the whole field).
func part(name, typ string) string {
	var b strings.Builder
	for _, r := range name {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	if typ != "" {
		b.WriteString("[type=" + typ + "]")
	}
	s := b.String()
	if strings.ContainsAny(s, `."`+"\r\n") {
		s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// HCL is patterns as an atlas.hcl attribute: exclude = ["users.fax"].
func HCL(patterns ...string) string {
	q := make([]string, len(patterns))
	for i, p := range patterns {
		// HCL strings escape as Go's do, plus template interpolation.
		q[i] = strings.ReplaceAll(strings.ReplaceAll(strconv.Quote(p), "${", "$${"), "%{", "%%{")
	}
	return "exclude = [" + strings.Join(q, ", ") + "]"
}
