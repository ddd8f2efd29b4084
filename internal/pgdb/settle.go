package pgdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
)

// Dev lends a clean dev database to use for the span of the call (one of
// states.Env's, never a live database): where a diff settles expressions
// that PostgreSQL prints differently on each side (see settle).
type Dev func(ctx context.Context, use func(*Conn) error) error

// An expression PostgreSQL prints (pg_get_expr, pg_get_viewdef) is not a
// fixed point: read back after being executed, the printed text can come
// back in another form. `status IN ('a', 'b')` on a varchar column prints
// as
//
//	((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))
//
// and that text, which `migrate diff` (and Atlas, and Ent's own diff)
// writes into a migration, prints once replayed as
//
//	((status)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text]))
//
// which is printed unchanged from then on. So the Ent schemas (executed
// once) and the migrations (executed from the text of the first) disagree
// in text, forever, while meaning the same. CHECK constraints, partial
// index predicates and view definitions all do this; column defaults do
// too, but Atlas's differ compares those by value on the database.
//
// settle takes the changes Atlas finds in those three and lets PostgreSQL
// judge them: each side's expression is executed on a dev database, in the
// context of that side's tables (column types decide the printed form),
// and printed again until the text stops changing; a change whose two
// fixed points Atlas's own differ finds equal is dropped. Executing a
// printed expression gives the expression it was printed from, so equal
// fixed points mean equal expressions; a real change keeps different
// fixed points. Whatever cannot be executed there (a type, function or
// extension the dev database lacks) is left as a change: a finding too
// many, never one too few.

// maxRounds bounds the re-printing: two rounds reach the fixed point of
// every expression seen; more than this means something else is wrong.
const maxRounds = 5

// vehicle is the name of what carries an expression while it is printed:
// a constraint on a table of the side's own, an index on it, a temporary
// view. Rolled back each time.
const vehicle = "schemactl_settle"

// side is one side of a diff: its schemas, and what of it must be printed
// again.
type side struct {
	schemas []*schema.Schema
	tables  []*schema.Table // created bare (columns and their types), in order
	views   []*schema.View  // created with their definitions, what they read first
	seen    map[any]bool    // tables and views already listed

	checks map[*schema.Check]*schema.Table
	preds  map[*schema.Index]*schema.Table
	defs   []*schema.View

	fixed map[any]string // *schema.Check, *schema.Index, *schema.View -> fixed point
}

func newSide(schemas []*schema.Schema) *side {
	return &side{schemas: schemas, seen: map[any]bool{}, checks: map[*schema.Check]*schema.Table{},
		preds: map[*schema.Index]*schema.Table{}, fixed: map[any]string{}}
}

func (s *side) table(ns, name string) *schema.Table {
	for _, sc := range s.schemas {
		if sc.Name == ns {
			if t, ok := sc.Table(name); ok {
				return t
			}
		}
	}
	return nil
}

func (s *side) addTable(t *schema.Table) {
	if !s.seen[t] {
		s.seen[t] = true
		s.tables = append(s.tables, t)
	}
}

// addReads lists what view v reads, views before those reading them; all
// tables of the side when v was not inspected (its reads are unknown).
func (s *side) addReads(v *schema.View) {
	if len(v.Deps) == 0 && ReadsOf(v) == nil {
		for _, sc := range s.schemas {
			for _, t := range sc.Tables {
				s.addTable(t)
			}
		}
		return
	}
	for _, d := range v.Deps {
		switch d := d.(type) {
		case *schema.Table:
			s.addTable(d)
		case *schema.View:
			if !s.seen[d] {
				s.seen[d] = true
				s.addReads(d)
				s.views = append(s.views, d)
			}
		}
	}
}

func (s *side) empty() bool { return len(s.checks) == 0 && len(s.preds) == 0 && len(s.defs) == 0 }

func schemaName(s *schema.Schema) string {
	if s == nil || s.Name == "" {
		return Schema
	}
	return s.Name
}

// settle drops from changes (a diff from one side to the other; see DiffRealms)
// what PostgreSQL finds equal once both sides' expressions are printed to
// their fixed points. Without a ModifyCheck, a ModifyIndex whose predicate
// text differs or a ModifyView whose definition does, it costs nothing.
func settle(ctx context.Context, d schema.Differ, dev Dev, changes []schema.Change, from, to *side) ([]schema.Change, error) {
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.ModifyTable:
			ft := from.table(schemaName(c.T.Schema), c.T.Name)
			if ft == nil {
				continue
			}
			for _, c1 := range c.Changes {
				switch c1 := c1.(type) {
				case *schema.ModifyCheck:
					from.addTable(ft)
					to.addTable(c.T)
					from.checks[c1.From], to.checks[c1.To] = ft, c.T
				case *schema.ModifyIndex:
					p1, ok1 := predicate(c1.From)
					p2, ok2 := predicate(c1.To)
					if ok1 && ok2 && p1 != p2 {
						from.addTable(ft)
						to.addTable(c.T)
						from.preds[c1.From], to.preds[c1.To] = ft, c.T
					}
				}
			}
		case *schema.ModifyView:
			if len(c.Changes) == 0 {
				from.addReads(c.From)
				to.addReads(c.To)
				from.defs, to.defs = append(from.defs, c.From), append(to.defs, c.To)
			}
		}
	}
	if from.empty() || dev == nil {
		return changes, nil
	}
	err := dev(ctx, func(c *Conn) error {
		return errors.Join(c.fixpoints(ctx, from), c.fixpoints(ctx, to))
	})
	if err != nil {
		return nil, fmt.Errorf("pgdb: compare expressions on the dev database: %w", err)
	}
	out := changes[:0]
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.ModifyTable:
			kept, err := settleTable(d, c, from, to)
			if err != nil {
				return nil, err
			}
			if c.Changes = kept; len(kept) == 0 {
				continue
			}
		case *schema.ModifyView:
			f, ok1 := from.fixed[c.From]
			t, ok2 := to.fixed[c.To]
			if ok1 && ok2 && f == t && len(c.Changes) == 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// settleTable keeps the check and index changes of m that Atlas's differ
// still finds between the two sides' fixed points: both are put, alone,
// on copies of the table, and diffed again.
func settleTable(d schema.Differ, m *schema.ModifyTable, from, to *side) ([]schema.Change, error) {
	var (
		cf      = &schema.Table{Name: m.T.Name, Schema: m.T.Schema}
		ct      = &schema.Table{Name: m.T.Name, Schema: m.T.Schema}
		settled = map[schema.Change]string{}
	)
	for _, c := range m.Changes {
		switch c := c.(type) {
		case *schema.ModifyCheck:
			f, ok1 := from.fixed[c.From]
			t, ok2 := to.fixed[c.To]
			if ok1 && ok2 {
				cf.AddChecks(&schema.Check{Name: c.From.Name, Expr: f, Attrs: c.From.Attrs})
				ct.AddChecks(&schema.Check{Name: c.To.Name, Expr: t, Attrs: c.To.Attrs})
				settled[c] = "check " + c.From.Name
			}
		case *schema.ModifyIndex:
			f, ok1 := from.fixed[c.From]
			t, ok2 := to.fixed[c.To]
			if ok1 && ok2 {
				cf.AddIndexes(withPredicate(c.From, f, cf))
				ct.AddIndexes(withPredicate(c.To, t, ct))
				settled[c] = "index " + c.From.Name
			}
		}
	}
	if len(settled) == 0 {
		return m.Changes, nil
	}
	again, err := d.TableDiff(cf, ct, schema.DiffNormalized())
	if err != nil {
		return nil, fmt.Errorf("pgdb: diff table %q again: %w", m.T.Name, err)
	}
	still := map[string]bool{}
	for _, c := range again {
		switch c := c.(type) {
		case *schema.ModifyCheck:
			still["check "+c.From.Name] = true
		case *schema.ModifyIndex:
			still["index "+c.From.Name] = true
		}
	}
	var kept []schema.Change
	for _, c := range m.Changes {
		if k, ok := settled[c]; ok && !still[k] {
			continue
		}
		kept = append(kept, c)
	}
	return kept, nil
}

func predicate(idx *schema.Index) (string, bool) {
	for _, a := range idx.Attrs {
		if p, ok := a.(*postgres.IndexPredicate); ok {
			return p.P, true
		}
	}
	return "", false
}

// withPredicate copies idx onto t with predicate p.
func withPredicate(idx *schema.Index, p string, t *schema.Table) *schema.Index {
	c := &schema.Index{Name: idx.Name, Unique: idx.Unique, Table: t}
	for _, part := range idx.Parts {
		cp := *part
		c.Parts = append(c.Parts, &cp)
	}
	for _, a := range idx.Attrs {
		if _, ok := a.(*postgres.IndexPredicate); ok {
			a = &postgres.IndexPredicate{P: p}
		}
		c.Attrs = append(c.Attrs, a)
	}
	return c
}

// fixpoints prints again, to their fixed points, what s lists, in one
// transaction that is rolled back: s's schemas and enum types, its tables
// bare (each column with its type: the types decide the printed form), the
// views they need, and then each expression on a vehicle. What fails to
// execute is left without a fixed point.
func (c *Conn) fixpoints(ctx context.Context, s *side) error {
	if s.empty() {
		return nil
	}
	tx, err := c.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	x := &scratch{tx: tx}
	for _, sc := range s.schemas {
		if schemaName(sc) != Schema {
			x.try(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident(sc.Name))
		}
		for _, o := range sc.Objects {
			if e, ok := o.(*schema.EnumType); ok {
				x.try(ctx, fmt.Sprintf("CREATE TYPE %s AS ENUM (%s)", enumName(e), literals(e.Values)))
			}
		}
	}
	made := map[*schema.Table]bool{}
	for _, t := range s.tables {
		if stmt, ok := bareTable(t); ok {
			made[t] = x.try(ctx, stmt)
		}
	}
	for _, v := range s.views {
		x.try(ctx, fmt.Sprintf("CREATE VIEW %s AS %s", qualify(v.Schema, v.Name), trimDef(v.Def)))
	}
	for ck, t := range s.checks {
		if !made[t] {
			continue
		}
		x.fixpoint(ctx, s, ck, ck.Expr,
			fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%%s) NOT VALID", qualify(t.Schema, t.Name), ident(vehicle)),
			`SELECT pg_get_expr(conbin, conrelid) FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
			qualify(t.Schema, t.Name), vehicle)
	}
	for idx, t := range s.preds {
		if !made[t] {
			continue
		}
		p, _ := predicate(idx)
		x.fixpoint(ctx, s, idx, p,
			fmt.Sprintf("CREATE INDEX %s ON %s ((1)) WHERE %%s", ident(vehicle), qualify(t.Schema, t.Name)),
			`SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = $1::regclass`,
			qualify(t.Schema, vehicle))
	}
	for _, v := range s.defs {
		x.fixpoint(ctx, s, v, trimDef(v.Def),
			"CREATE TEMPORARY VIEW "+ident(vehicle)+" AS %s",
			`SELECT pg_get_viewdef($1::regclass)`,
			"pg_temp."+ident(vehicle))
	}
	return x.err
}

// scratch runs statements in a transaction, each under a savepoint, so that
// one that fails leaves the rest usable.
type scratch struct {
	tx  *sql.Tx
	err error // the first error that is not the statement's own: the transaction is gone
}

func (x *scratch) try(ctx context.Context, stmt string, then ...func() error) bool {
	if x.err != nil {
		return false
	}
	if _, err := x.tx.ExecContext(ctx, "SAVEPOINT s"); err != nil {
		x.err = err
		return false
	}
	_, err := x.tx.ExecContext(ctx, stmt)
	for _, f := range then {
		if err == nil {
			err = f()
		}
	}
	if err != nil {
		if _, err := x.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT s"); err != nil {
			x.err = err
		}
		return false
	}
	if _, err := x.tx.ExecContext(ctx, "RELEASE SAVEPOINT s"); err != nil {
		x.err = err
		return false
	}
	return true
}

// fixpoint executes expr with create (a format with one %s) and reads it
// back with read, until the text stops changing; the vehicle goes each
// time. The fixed point is recorded in s.fixed[key].
func (x *scratch) fixpoint(ctx context.Context, s *side, key any, expr, create, read string, args ...any) {
	for range maxRounds {
		var next string
		ok := x.try(ctx, fmt.Sprintf(create, expr), func() error {
			if err := x.tx.QueryRowContext(ctx, read, args...).Scan(&next); err != nil {
				return err
			}
			_, err := x.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT s") // the vehicle goes
			return err
		})
		if !ok {
			return
		}
		if next = trimDef(next); next == expr {
			s.fixed[key] = expr
			return
		}
		expr = next
	}
}

// bareTable creates t with its columns and their types only; false when a
// type cannot be written.
func bareTable(t *schema.Table) (string, bool) {
	cols := make([]string, 0, len(t.Columns))
	for _, c := range t.Columns {
		typ, err := columnType(c)
		if err != nil || typ == "" {
			return "", false
		}
		cols = append(cols, ident(c.Name)+" "+typ)
	}
	return fmt.Sprintf("CREATE TABLE %s (%s)", qualify(t.Schema, t.Name), strings.Join(cols, ", ")), true
}

func columnType(c *schema.Column) (string, error) {
	if c.Type == nil || c.Type.Type == nil {
		return "", errors.New("no type")
	}
	if e, ok := c.Type.Type.(*schema.EnumType); ok {
		return enumName(e), nil
	}
	return postgres.FormatType(c.Type.Type)
}

func enumName(e *schema.EnumType) string {
	if e.Schema == nil {
		return ident(e.T)
	}
	return qualify(e.Schema, e.T)
}

func qualify(s *schema.Schema, name string) string {
	return pgx.Identifier{schemaName(s), name}.Sanitize()
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func literals(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return strings.Join(out, ", ")
}

// trimDef drops what surrounds a printed view definition (pg_get_viewdef
// ends it with a semicolon).
func trimDef(s string) string { return strings.Trim(s, " \r\n\t;") }
