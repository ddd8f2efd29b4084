package desired

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// DDL is the script that creates the desired state on an empty database.
type DDL []sqlscript.Stmt

// compose is the script of the parts, in order. A stretch of Ent packages
// gives the PostgreSQL schemas its tables live in (other than the default
// one), the native enum types, each package's tables as its own Ent
// planned them, then the views; a schema or enum type an earlier stretch
// created is not created again. A SQL source gives its statements, run
// with search_path set to its composite member's schema when that is not
// public. With SQL sources, schemas are created IF NOT EXISTS: a SQL
// file may create one that Ent uses too.
func compose(parts []part, all []*Package, withSQL bool) (DDL, error) {
	if _, err := enumTypes(all); err != nil {
		return nil, err // two packages disagreeing on a type
	}
	var (
		ddl  DDL
		made = map[string]bool{}
	)
	for _, p := range parts {
		if p.sql != nil {
			ddl = append(ddl, sqlStmts(p.sql)...)
			continue
		}
		texts, err := script(p.ent, made, withSQL)
		if err != nil {
			return nil, err
		}
		for _, t := range texts {
			ddl = append(ddl, sqlscript.Stmt{Text: t, Line: len(ddl) + 1})
		}
	}
	return ddl, nil
}

// sqlStmts are a SQL source's statements, in its member's schema.
func sqlStmts(src *SQLSource) []sqlscript.Stmt {
	if src.Schema == "" || src.Schema == "public" {
		return src.Stmts
	}
	out := []sqlscript.Stmt{
		{Text: "CREATE SCHEMA IF NOT EXISTS " + ident(src.Schema), File: src.URL},
		{Text: "SET search_path TO " + ident(src.Schema), File: src.URL},
	}
	out = append(out, src.Stmts...)
	return append(out, sqlscript.Stmt{Text: "RESET search_path", File: src.URL})
}

// script is the script of consecutive Ent packages; made records the
// schemas and enum types created so far.
func script(ps []*Package, made map[string]bool, ifNotExists bool) ([]string, error) {
	enums, err := enumTypes(ps)
	if err != nil {
		return nil, err
	}
	var schemas []string
	addSchema := func(s string) {
		if s != "" && !slices.Contains(schemas, s) && !made["schema "+s] {
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
		made["schema "+s] = true
		if ifNotExists {
			texts = append(texts, "CREATE SCHEMA IF NOT EXISTS "+ident(s))
		} else {
			texts = append(texts, "CREATE SCHEMA "+ident(s))
		}
	}
	for _, e := range enums {
		key := "type " + qualified(e.Schema, e.Name)
		if made[key] {
			continue
		}
		made[key] = true
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
	return texts, nil
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
// a replayed directory. A failing statement of a SQL source is named by
// its file and line.
func (d DDL) Exec(ctx context.Context, conn *pgdb.Conn) error {
	err := sqlscript.Exec(ctx, conn.DB, d, true)
	var se *sqlscript.StmtError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.File != "":
		return fmt.Errorf("desired: the desired state does not apply on the dev database: %w", err)
	}
	return fmt.Errorf("desired: the Ent schema does not apply on PostgreSQL: %w", err)
}
