package desired

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// DDL is the script that creates the desired state on an empty database.
type DDL []sqlscript.Stmt

// script composes the packages' scripts into one: the PostgreSQL schemas
// the tables live in (other than the default one), the native enum types,
// each package's tables as its own Ent planned them, then the views.
func script(ps []*Package) (DDL, error) {
	enums, err := enumTypes(ps)
	if err != nil {
		return nil, err
	}
	var schemas []string
	addSchema := func(s string) {
		if s != "" && !slices.Contains(schemas, s) {
			schemas = append(schemas, s)
		}
	}
	for _, p := range ps {
		for _, t := range p.Tables {
			addSchema(t.Schema)
		}
		for _, v := range p.Views {
			addSchema(v.Schema)
		}
	}
	for _, e := range enums {
		addSchema(e.Schema)
	}
	slices.Sort(schemas)
	var texts []string
	for _, s := range schemas {
		texts = append(texts, "CREATE SCHEMA "+ident(s))
	}
	for _, e := range enums {
		values := make([]string, len(e.Values))
		for i, v := range e.Values {
			values[i] = literal(v)
		}
		texts = append(texts, fmt.Sprintf("CREATE TYPE %s AS ENUM (%s)", name(e.Schema, e.Name), strings.Join(values, ", ")))
	}
	for _, p := range ps {
		texts = append(texts, p.Script...)
	}
	// Atlas's open-source planner leaves views out; Ent's `ent schema`
	// writes them after the tables too.
	for _, p := range ps {
		for _, v := range p.Views {
			texts = append(texts, fmt.Sprintf("CREATE VIEW %s AS %s", name(v.Schema, v.Name), v.Def))
			if v.Comment != "" {
				texts = append(texts, fmt.Sprintf("COMMENT ON VIEW %s IS %s", name(v.Schema, v.Name), literal(v.Comment)))
			}
		}
	}
	ddl := make(DDL, len(texts))
	for i, t := range texts {
		ddl[i] = sqlscript.Stmt{Text: t, Line: i + 1}
	}
	return ddl, nil
}

// ident quotes an identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// name is an object's name, qualified outside the default schema.
func name(schema, obj string) string {
	if schema == "" {
		return ident(obj)
	}
	return ident(schema) + "." + ident(obj)
}

// literal quotes a string constant.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Key identifies the normalised schema: the same script always builds the
// same database.
func (d DDL) Key() string {
	h := sha256.New()
	for _, s := range d {
		fmt.Fprintf(h, "%d:%s;", len(s.Text), s.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Exec runs the script on the clean dev database conn; inspecting that
// database back gives the desired schema in PostgreSQL's own terms (CHECK
// and predicate text, default casts, implicit index names), comparable with
// a replayed directory.
func (d DDL) Exec(ctx context.Context, conn *pgdb.Conn) error {
	if err := sqlscript.Exec(ctx, conn.DB, d, true); err != nil {
		return fmt.Errorf("desired: the Ent schema does not apply on PostgreSQL: %w", err)
	}
	return nil
}
