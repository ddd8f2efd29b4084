package diffplan

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Policy is atlas.hcl's diff block: the change kinds a plan leaves out and
// how changes of existing tables are made safe. The zero value plans
// everything as Atlas does, in transactions; the CLI's default turns every
// safe step on (config.Diff.Safe).
type Policy struct {
	// Skip holds Atlas's skip kinds (config.SkipKinds: drop_column, …)
	// that are left out.
	Skip map[string]bool
	// ConcurrentAdd and ConcurrentDrop write CREATE INDEX CONCURRENTLY and
	// DROP INDEX CONCURRENTLY for an index of an existing table, as Atlas's
	// concurrent_index { add drop } does. An index of a table created in
	// the same change is created plainly, as Atlas plans it: nothing reads
	// the table yet.
	ConcurrentAdd, ConcurrentDrop bool
	// Renames are planned as renames (RENAME COLUMN, RENAME TO, RENAME
	// VALUE) instead of a drop and a create: diff's --rename, or a yes at
	// its prompt, not an atlas.hcl setting. See rename.go.
	Renames []Rename
	// NotValid, NotNull, EnumGuard and LockTimeout make the other changes
	// of existing tables safe (safe.go): foreign keys and CHECKs added NOT
	// VALID and validated in a later file, SET NOT NULL through a validated
	// CHECK, a guard before a conversion to an enum type, and SET LOCAL
	// lock_timeout = LockTimeout ("" for none) at the head of a file that
	// locks an existing table.
	NotValid, NotNull, EnumGuard bool
	LockTimeout                  string
	// keepNames plans an index, foreign key or CHECK dropped and added
	// again under another name, on any table, as a rename (keepNames of
	// rename_keep.go): the down of one version of a split change, where
	// only a rename (the end of an index swap) does that.
	keepNames bool
}

// Skipped is one change the policy left out.
type Skipped struct {
	Kind   string // the skip kind that left it out, e.g. drop_column
	Object string // e.g. column "users"."nickname"
}

func (s Skipped) String() string { return s.Kind + ": " + s.Object }

// List names skipped changes on one line, for a message or a note.
func List(skipped []Skipped) string {
	parts := make([]string, len(skipped))
	for i, s := range skipped {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; ")
}

// Filter leaves out of changes (a diff to desired, see pgdb.DiffRealms)
// the kinds p skips, as Atlas's differ does with DiffSkipChanges: by the
// change's type, at the top level and within a table's changes (a table
// left with none is left out). DiffRealms gives a schema only the current
// side has as the drops of what it holds; those are the drop_schema kind.
// Filter changes the ModifyTable changes it keeps.
func (p Policy) Filter(changes []schema.Change, desired *schema.Realm) (kept []schema.Change, skipped []Skipped) {
	if len(p.Skip) == 0 {
		return changes, nil
	}
	for _, c := range changes {
		kind, object := describe(c)
		if s := droppedSchema(c, desired); s != "" {
			kind, object = "drop_schema", fmt.Sprintf("schema %q", s)
			if p.Skip[kind] && !slices.Contains(skipped, Skipped{kind, object}) {
				skipped = append(skipped, Skipped{kind, object})
			}
		}
		if p.Skip[kind] {
			if kind != "drop_schema" {
				skipped = append(skipped, Skipped{kind, object})
			}
			continue
		}
		if m, ok := c.(*schema.ModifyTable); ok {
			m.Changes = slices.DeleteFunc(m.Changes, func(tc schema.Change) bool {
				kind, object := describeIn(m.T, tc)
				if p.Skip[kind] {
					skipped = append(skipped, Skipped{kind, object})
				}
				return p.Skip[kind]
			})
			if len(m.Changes) == 0 {
				continue
			}
		}
		kept = append(kept, c)
	}
	return kept, skipped
}

// droppedSchema names the schema whose removal a change stands for: the
// drop of an object whose schema desired does not have.
func droppedSchema(c schema.Change, desired *schema.Realm) string {
	var s *schema.Schema
	switch c := c.(type) {
	case *schema.DropSchema:
		return c.S.Name
	case *schema.DropTable:
		s = c.T.Schema
	case *schema.DropView:
		s = c.V.Schema
	case *schema.DropObject:
		if e, ok := c.O.(*schema.EnumType); ok {
			s = e.Schema
		}
	}
	if s == nil {
		return ""
	}
	if _, ok := desired.Schema(s.Name); ok {
		return ""
	}
	return s.Name
}

// describe gives a top-level change's skip kind and object; no kind for a
// change Atlas cannot skip (views, enum types).
func describe(c schema.Change) (string, string) {
	switch c := c.(type) {
	case *schema.AddSchema:
		return "add_schema", fmt.Sprintf("schema %q", c.S.Name)
	case *schema.ModifySchema:
		return "modify_schema", fmt.Sprintf("schema %q", c.S.Name)
	case *schema.AddTable:
		return "add_table", tableRef(c.T).String()
	case *schema.DropTable:
		return "drop_table", tableRef(c.T).String()
	case *schema.ModifyTable:
		return "modify_table", tableRef(c.T).String()
	case *schema.RenameTable:
		return "rename_table", fmt.Sprintf("%s (to %q)", tableRef(c.From), c.To.Name)
	}
	return "", ""
}

// describeIn gives the skip kind and object of a change within table t.
func describeIn(t *schema.Table, c schema.Change) (string, string) {
	ref := func(k report.ObjectKind, name string) string {
		r := tableRef(t)
		r.Kind, r.Name = k, name
		return r.String()
	}
	switch c := c.(type) {
	case *schema.AddColumn:
		return "add_column", ref(report.KindColumn, c.C.Name)
	case *schema.DropColumn:
		return "drop_column", ref(report.KindColumn, c.C.Name)
	case *schema.ModifyColumn:
		return "modify_column", ref(report.KindColumn, c.To.Name)
	case *schema.AddIndex:
		return "add_index", ref(report.KindIndex, c.I.Name)
	case *schema.DropIndex:
		return "drop_index", ref(report.KindIndex, c.I.Name)
	case *schema.ModifyIndex:
		return "modify_index", ref(report.KindIndex, c.To.Name)
	case *schema.AddForeignKey:
		return "add_foreign_key", ref(report.KindForeignKey, c.F.Symbol)
	case *schema.DropForeignKey:
		return "drop_foreign_key", ref(report.KindForeignKey, c.F.Symbol)
	case *schema.ModifyForeignKey:
		return "modify_foreign_key", ref(report.KindForeignKey, c.To.Symbol)
	case *schema.RenameConstraint:
		return "rename_constraint", fmt.Sprintf("constraint %q on %s (to %q)", constraintName(c.From), tableRef(t), constraintName(c.To))
	}
	return "", ""
}

func constraintName(o schema.Object) string {
	switch o := o.(type) {
	case *schema.Index:
		return o.Name
	case *schema.ForeignKey:
		return o.Symbol
	case *schema.Check:
		return o.Name
	}
	return fmt.Sprintf("%T", o)
}

func tableRef(t *schema.Table) report.ObjectRef {
	r := report.ObjectRef{Kind: report.KindTable, Table: t.Name}
	if t.Schema != nil {
		r.Schema = t.Schema.Name
	}
	return r
}

// concurrently marks the index changes of existing tables CONCURRENTLY,
// as Atlas's PostgreSQL differ does for concurrent_index (AnnotateChanges):
// only AddIndex and DropIndex within a ModifyTable, so neither a new
// table's indexes nor a rebuilt index (ModifyIndex) are concurrent.
func (p Policy) concurrently(changes []schema.Change) {
	if !p.ConcurrentAdd && !p.ConcurrentDrop {
		return
	}
	for _, c := range changes {
		m, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range m.Changes {
			switch tc := tc.(type) {
			case *schema.AddIndex:
				if p.ConcurrentAdd {
					tc.Extra = append(tc.Extra, &postgres.Concurrently{})
				}
			case *schema.DropIndex:
				if p.ConcurrentDrop {
					tc.Extra = append(tc.Extra, &postgres.Concurrently{})
				}
			}
		}
	}
}

// txNone is the directive of a file whose statements cannot run in a
// transaction: Atlas applies it statement by statement.
const txNone = "-- atlas:txmode none"

// byTxMode splits a plan whose statements include CONCURRENTLY index
// changes, which PostgreSQL refuses inside a transaction, so that every
// file applies as Atlas applies it: the concurrent drops first, in a file
// of their own with `-- atlas:txmode none` (a column they index may be
// dropped next), then the rest in one transaction, then the concurrent
// creations (they may index a column the rest adds), again without a
// transaction. Atlas's own CLI writes the statements in the planner's
// order into one file, which its default apply then fails on (DROP INDEX
// CONCURRENTLY cannot run inside a transaction block). A plan of index
// changes alone is one file without a transaction.
func byTxMode(p *migrate.Plan) []*migrate.Plan {
	var pre, main, post []*migrate.Change
	for _, c := range p.Changes {
		switch {
		case strings.HasPrefix(c.Cmd, "DROP INDEX CONCURRENTLY "):
			pre = append(pre, c)
		case strings.HasPrefix(c.Cmd, "CREATE INDEX CONCURRENTLY "), strings.HasPrefix(c.Cmd, "CREATE UNIQUE INDEX CONCURRENTLY "):
			post = append(post, c)
		default:
			main = append(main, c)
		}
	}
	switch {
	case len(pre)+len(post) == 0:
		return []*migrate.Plan{p}
	case len(main) == 0:
		p.Transactional = false
		p.Directives = append(p.Directives, txNone)
		return []*migrate.Plan{p}
	}
	var out []*migrate.Plan
	if len(pre) > 0 {
		out = append(out, &migrate.Plan{Name: suffixed(p.Name, "drop_indexes"), Changes: pre, Directives: []string{txNone}})
	}
	p.Changes = main
	out = append(out, p)
	if len(post) > 0 {
		out = append(out, &migrate.Plan{Name: suffixed(p.Name, "create_indexes"), Changes: post, Directives: []string{txNone}})
	}
	return out
}

// reversed is the policy of a down migration: a kind of change the up
// leaves out is one the down must not undo, so a skipped drop is a skipped
// add on the way back, and the other way round.
func (p Policy) reversed() Policy {
	q := p
	q.Skip = map[string]bool{}
	for k, v := range p.Skip {
		switch {
		case strings.HasPrefix(k, "add_"):
			k = "drop_" + strings.TrimPrefix(k, "add_")
		case strings.HasPrefix(k, "drop_"):
			k = "add_" + strings.TrimPrefix(k, "drop_")
		}
		q.Skip[k] = v
	}
	return q
}

// suffixed is a file name for one part of a split change: NAME_part, or
// part alone for a nameless diff.
func suffixed(name, part string) string { return strings.TrimPrefix(name+"_"+part, "_") }
