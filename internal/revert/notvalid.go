package revert

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Atlas's inspection does not tell a NOT VALID constraint from a validated
// one, so a plan from the inspected states alone would leave validated a
// foreign key the target version holds NOT VALID (the down of diff's own
// `_validate` files), and add back validated, scanning the table under its
// lock, the NOT VALID check of the NOT NULL pattern. The target's NOT VALID
// constraints are read from the files it is made of, the live ones from
// the database; the plan goes to the target without those it must add
// again NOT VALID (diffplan.KeepNotValid), and validates those the target
// holds validated.

// notValid returns the realm to plan to and the statements that follow
// the plan.
func notValid(ctx context.Context, o Options, keep []migrate.File, live, target *schema.Realm) (*schema.Realm, []*migrate.Change, error) {
	want, err := notValidIn(keep)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, s := range live.Schemas {
		n := s.Name
		if n == pgdb.Schema && o.Bound != "" {
			n = o.Bound
		}
		names = append(names, n)
	}
	have := map[diffplan.NotValidKey]string{}
	if len(names) > 0 {
		read, err := diffplan.NotValidOf(ctx, o.Target, names)
		if err != nil {
			return nil, nil, fmt.Errorf("migrate down: %w", err)
		}
		for k, def := range read {
			if k.Schema == o.Bound && o.Bound != "" {
				k.Schema = pgdb.Schema
			}
			have[k] = def
		}
	}
	again := map[diffplan.NotValidKey]string{}
	for k, def := range want {
		if _, ok := have[k]; !ok {
			again[k] = def
		}
	}
	to, stmts := diffplan.KeepNotValid(target, again, have)
	// Those the plan leaves as they are: one it drops to retype its
	// columns is added back NOT VALID.
	var still []diffplan.NotValidKey
	for k := range want {
		if _, ok := have[k]; ok {
			still = append(still, k)
		}
	}
	to = diffplan.MarkNotValid(to, still)
	// In a stable order: the plan is printed, and compared between runs.
	for _, k := range slices.SortedFunc(maps.Keys(have), diffplan.NotValidKey.Compare) {
		if _, ok := want[k]; !ok && hasConstraint(target, k) {
			stmts = append(stmts, &migrate.Change{
				Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", tableSQL(k.Schema, k.Table), pgx.Identifier{k.Name}.Sanitize()),
				Comment: fmt.Sprintf("validate constraint %q of table %q, as the target version holds it", k.Name, k.Table),
			})
		}
	}
	return to, stmts, nil
}

// notValidIn follows the constraints the files add NOT VALID, validate
// and drop, and returns those still NOT VALID after them, each with its
// definition as the file wrote it. Only files that say NOT VALID can add
// one, so most files are never parsed.
func notValidIn(files []migrate.File) (map[diffplan.NotValidKey]string, error) {
	out := map[diffplan.NotValidKey]string{}
	for _, f := range files {
		low := bytes.ToLower(f.Bytes())
		if !bytes.Contains(low, []byte("not valid")) && (len(out) == 0 || !bytes.Contains(low, []byte("validate")) && !bytes.Contains(low, []byte("drop"))) {
			continue
		}
		stmts, err := parse(f, -1)
		if err != nil {
			return nil, err
		}
		for _, s := range stmts {
			for _, n := range s.nodes {
				if err := follow(out, n, s.version); err != nil {
					return nil, fmt.Errorf("revert: %s:%d: %w", s.file, s.line, err)
				}
			}
		}
	}
	return out, nil
}

// follow applies one statement to the NOT VALID constraints.
func follow(nv map[diffplan.NotValidKey]string, n *pg_query.Node, version int32) error {
	if d := n.GetDropStmt(); d != nil && d.RemoveType == pg_query.ObjectType_OBJECT_TABLE {
		for _, o := range d.Objects {
			sch, name := qualified(nodeNames(o))
			for k := range nv {
				if k.Schema == orPublic(sch) && k.Table == name {
					delete(nv, k)
				}
			}
		}
		return nil
	}
	a := n.GetAlterTableStmt()
	if a == nil || a.Objtype != pg_query.ObjectType_OBJECT_TABLE {
		return nil
	}
	table := a.GetRelation()
	key := func(name string) diffplan.NotValidKey {
		return diffplan.NotValidKey{Schema: orPublic(schemaName(table.GetSchemaname())), Table: table.GetRelname(), Name: name}
	}
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		switch {
		case cmd == nil:
		case cmd.Subtype == pg_query.AlterTableType_AT_AddConstraint && cmd.GetDef().GetConstraint().GetSkipValidation():
			con := cmd.GetDef().GetConstraint()
			def, err := constraintDef(table, c, version)
			if err != nil {
				return err
			}
			nv[key(con.Conname)] = def
		case cmd.Subtype == pg_query.AlterTableType_AT_ValidateConstraint, cmd.Subtype == pg_query.AlterTableType_AT_DropConstraint:
			delete(nv, key(cmd.Name))
		}
	}
	return nil
}

// constraintDef is the definition an ADD CONSTRAINT command adds: what
// follows ADD CONSTRAINT name, as PostgreSQL's parser prints it back
// (version is the parse tree's).
func constraintDef(table *pg_query.RangeVar, cmd *pg_query.Node, version int32) (string, error) {
	one := &pg_query.ParseResult{Version: version, Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_AlterTableStmt{
		AlterTableStmt: &pg_query.AlterTableStmt{Relation: table, Cmds: []*pg_query.Node{cmd}, Objtype: pg_query.ObjectType_OBJECT_TABLE},
	}}}}}
	sql, err := pg_query.Deparse(one)
	if err != nil {
		return "", err
	}
	_, rest, ok := strings.Cut(sql, " ADD CONSTRAINT ")
	if !ok {
		return "", fmt.Errorf("deparse %q: no ADD CONSTRAINT", sql)
	}
	if strings.HasPrefix(rest, `"`) { // a quoted name: up to its closing quote
		i := 1
		for i < len(rest) && (rest[i] != '"' || i+1 < len(rest) && rest[i+1] == '"') {
			if rest[i] == '"' {
				i++
			}
			i++
		}
		return strings.TrimSpace(rest[i+1:]), nil
	}
	_, def, _ := strings.Cut(rest, " ")
	return def, nil
}

// hasConstraint reports whether the realm's table k holds a foreign key or
// CHECK named k.Name.
func hasConstraint(r *schema.Realm, k diffplan.NotValidKey) bool {
	t, ok := pgdb.Table(r, k.Schema, k.Table)
	if !ok {
		return false
	}
	if _, ok := t.ForeignKey(k.Name); ok {
		return true
	}
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok && c.Name == k.Name {
			return true
		}
	}
	return false
}

func orPublic(s string) string {
	if s == "" {
		return pgdb.Schema
	}
	return s
}
