// Package diffplan turns the difference between the replayed migration
// directory and the desired Ent state into new Atlas-format migration files.
package diffplan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
)

// Plan returns the files that migrate current to desired, every schema of
// them, named <version>_<name>.sql after the existing files; none when in
// sync. Each file applies in one transaction (but those of concurrent index
// changes, see below): when a change uses an enum value added in the same
// diff (PostgreSQL refuses that inside the adding transaction), the enum
// additions go first, in a file of their own.
// Objects outside public are qualified, a new schema is created first, and
// views, which Atlas's open-source planner does not plan, are dropped
// before the other statements and created after them (pgdb.PlanViews);
// so are functions, triggers and extensions (pgdb.PlanExtras): extensions
// created first, functions after the tables, triggers after the views.
// A foreign key over columns that change type is dropped before the
// column changes and added after them (fkretype.go).
// The policy p leaves change kinds out (returned as skipped, planned or
// not) and makes index changes concurrent, in files of their own that run
// outside a transaction (see byTxMode); its renames open the first file,
// and the rest is planned from the renamed schema (rename.go).
func Plan(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, current, desired *schema.Realm, name string, existing []migrate.File, now time.Time, p Policy) ([]migdir.NewFile, []Skipped, error) {
	plans, skipped, err := plan(ctx, drv, dev, current, desired, name, false, p)
	if err != nil {
		return nil, nil, err
	}
	version := migdir.NextVersion(existing, now)
	var files []migdir.NewFile
	for _, p := range plans {
		p.Version = version
		fs, err := migrate.DefaultFormatter.Format(p)
		if err != nil {
			return nil, nil, fmt.Errorf("diffplan: format: %w", err)
		}
		for _, f := range fs {
			files = append(files, migdir.NewFile{Name: f.Name(), Data: f.Bytes()})
		}
		version = migdir.NextVersion([]migrate.File{migrate.NewLocalFile(version+".sql", nil)}, now)
	}
	return files, skipped, nil
}

// plan plans the changes from one realm to another, one plan per file (see
// Plan). Enum changes ALTER TYPE cannot make are type swaps (planEnums);
// a reverse plan (a down migration) swaps a type whose added values it
// uses too, as it runs in one transaction. The policy's skips apply both
// ways (a down does not undo what the up left out), its concurrent
// indexes only forward: a down runs in one transaction.
func plan(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, from, to *schema.Realm, name string, reverse bool, pol Policy) (plans []*migrate.Plan, skipped []Skipped, err error) {
	what := "planning"
	if reverse {
		what = "planning the down migration"
	}
	t := progress.Start(ctx, what, 0)
	defer t.End()
	// The renames first: everything else, the enum swaps included, is
	// planned from the renamed copy.
	orig := from
	from, rn := pol.renamed(from, reverse)
	rn.all = pol.keepNames
	changes, err := pgdb.DiffRealms(ctx, drv, dev, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("diffplan: diff: %w", err)
	}
	changes = rn.keepNames(changes)
	if reverse {
		changes, _ = pol.reversed().Filter(changes, to)
		if pgdb.ExtrasOf(from).Undeclared {
			// The desired state declares no functions, triggers or
			// extensions: the plan leaves the directory's alone, and so
			// does the way back.
			_, changes = pgdb.SplitExtras(changes)
		}
		castRetyped(changes)
	} else {
		changes, skipped = pol.Filter(changes, to)
		if err := checkRequired(changes); err != nil {
			return nil, nil, err
		}
		pol.concurrently(changes)
	}
	// Before safeDDL, which would add them again NOT VALID within their
	// ALTER TABLEs, and before the enum conversions take retyped columns
	// out of the change set.
	keys := retypedKeys(changes, from)
	if len(changes) == 0 && len(rn.stmts) == 0 {
		return nil, skipped, nil
	}
	views, changes := pgdb.SplitViews(changes)
	extras, changes := pgdb.SplitExtras(changes)
	ep, changes, err := planEnums(ctx, drv, changes, from, to, reverse)
	if err != nil {
		return nil, nil, err
	}
	// Before the conversions leave the change set: they retype columns a
	// view may read.
	vp := pgdb.PlanViews(views, slices.Concat(changes, ep.retyped), from, to)
	xp := pgdb.PlanExtras(extras, changes, from)
	conversions := convertToEnums(changes, !reverse && pol.EnumGuard)
	safe, swaps := &later{}, []*migrate.Change(nil)
	if !reverse {
		if safe, err = pol.safeDDL(ctx, drv, changes, from, to); err != nil {
			return nil, nil, err
		}
		if swaps, err = pol.swapIndexes(ctx, drv, changes, from, to); err != nil {
			return nil, nil, err
		}
	}
	dropKeys, addKeys, err := keys.plan(ctx, drv, safe, !reverse, !reverse && pol.NotValid, from, to)
	if err != nil {
		return nil, nil, err
	}
	changes = slices.DeleteFunc(changes, func(c schema.Change) bool {
		mt, ok := c.(*schema.ModifyTable)
		return ok && len(mt.Changes) == 0
	})
	groups, err := split(ctx, drv, changes, slices.Concat(conversions, ep.statements(), safe.add), from, to)
	if err != nil {
		return nil, nil, err
	}
	for i, g := range groups {
		n := name
		if len(groups) > 1 && i == 0 {
			n = suffixed(name, "enum_values")
		}
		p, err := pgdb.Plan(ctx, drv, n, g, from, to)
		if err != nil {
			return nil, nil, fmt.Errorf("diffplan: plan: %w", err)
		}
		if i == len(groups)-1 {
			p.Changes = slices.Concat(ep.guards, xp.First, vp.Drop, dropKeys, ep.head, p.Changes, conversions, ep.moves, ep.tail, addKeys, xp.Funcs, vp.Create, xp.Last, safe.add)
		}
		if i == 0 { // the renames open the first file: the rest names the new names
			p.Changes = append(rn.stmts, p.Changes...)
		}
		plans = append(plans, byTxMode(p)...)
	}
	plans = withSwaps(plans, swaps, name)
	if v := safe.validatePlan(name); v != nil {
		plans = append(plans, v)
	}
	if !reverse {
		markDrops(plans, ProbableRenames(from, to, Policy{Skip: pol.Skip}))
		if err := pol.withLockTimeout(plans, from, to, orig); err != nil {
			return nil, nil, err
		}
	}
	return plans, skipped, nil
}

// split separates enum value additions from the rest when the rest uses one
// of the added values (a default, a predicate or a CHECK); stmts are
// statements planned apart from changes.
func split(ctx context.Context, drv migrate.Driver, changes []schema.Change, stmts []*migrate.Change, realms ...*schema.Realm) ([][]schema.Change, error) {
	used, err := valuesUsed(ctx, drv, changes, stmts, realms...)
	if err != nil || !used {
		return [][]schema.Change{changes}, err
	}
	var enumChanges, rest []schema.Change
	for _, c := range changes {
		if _, ok := c.(*schema.ModifyObject); ok {
			enumChanges = append(enumChanges, c)
		} else {
			rest = append(rest, c)
		}
	}
	return [][]schema.Change{enumChanges, rest}, nil
}

// valuesUsed reports whether a statement Atlas plans for changes (but for
// their enum type changes), or one of stmts, uses a value that changes
// adds to an existing enum type.
func valuesUsed(ctx context.Context, drv migrate.Driver, changes []schema.Change, stmts []*migrate.Change, realms ...*schema.Realm) (bool, error) {
	added := addedValues(changes)
	if len(added) == 0 {
		return false, nil
	}
	rest := slices.DeleteFunc(slices.Clone(changes), func(c schema.Change) bool {
		_, ok := c.(*schema.ModifyObject)
		return ok
	})
	plan, err := pgdb.Plan(ctx, drv, "", rest, realms...)
	if err != nil {
		return false, fmt.Errorf("diffplan: plan: %w", err)
	}
	for _, c := range slices.Concat(plan.Changes, stmts) {
		if slices.ContainsFunc(added, func(v string) bool { return strings.Contains(c.Cmd, literal(v)) }) {
			return true, nil
		}
	}
	return false, nil
}

// convertToEnums takes out of the change set every column that becomes an
// enum and returns the statements that convert it. PostgreSQL casts text to
// an enum only when told to (USING), and cannot cast the old default either,
// so the default is dropped and set again around the type change, in one
// ALTER TABLE (convertColumn). With guard, each conversion of a column (not
// an array) follows its guard: a DO block that fails, naming the table, the
// column, how many rows and which values, when a row holds a value the
// type does not have. The cast would fail too, but with `invalid input
// value for enum t: "x"`, one value and no table, and only after the
// conversion has begun.
func convertToEnums(changes []schema.Change, guard bool) []*migrate.Change {
	var stmts []*migrate.Change
	takeRetyped(changes, func(mt *schema.ModifyTable, mc *schema.ModifyColumn) bool {
		to, ok := becomesEnum(mc)
		if !ok {
			return false
		}
		if e, ok := mc.To.Type.Type.(*schema.EnumType); ok && guard {
			stmts = append(stmts, castGuard{Table: mt.T, Column: mc.To.Name, Schema: schemaName(e.Schema), Type: e.T, Values: e.Values}.Change())
		}
		stmts = append(stmts, &migrate.Change{
			Cmd: convertColumn(mt.T, mc.To.Name, to.Schema, to.T, false, mc.From.Default != nil, mc.To.Default),
			// The comment is a "--" line: %q keeps a newline in a name
			// from ending it.
			Comment: fmt.Sprintf("convert column %q of table %q to enum type %q", mc.To.Name, mt.T.Name, to.T),
		})
		return true
	})
	return stmts
}

// becomesEnum reports whether a column change turns a column that is no
// enum into one, and its new type.
func becomesEnum(mc *schema.ModifyColumn) (*schema.EnumType, bool) {
	to, ok := mc.To.Type.Type.(*schema.EnumType)
	_, wasEnum := mc.From.Type.Type.(*schema.EnumType)
	return to, ok && !wasEnum && mc.Change.Is(schema.ChangeType)
}

// takeRetyped calls convert for each column type change of changes. One
// it converts (true) leaves the change set, but for anything else that
// changed on the column, which is still Atlas's to plan. A copy of the
// column: the realm's stays as it is, for the plan the other way (a down
// migration).
func takeRetyped(changes []schema.Change, convert func(*schema.ModifyTable, *schema.ModifyColumn) bool) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		mt.Changes = slices.DeleteFunc(mt.Changes, func(tc schema.Change) bool {
			mc, ok := tc.(*schema.ModifyColumn)
			if !ok || !mc.Change.Is(schema.ChangeType) || !convert(mt, mc) {
				return false
			}
			mc.Change &^= schema.ChangeType | schema.ChangeDefault
			unchanged := *mc.To
			unchanged.Type, unchanged.Default = mc.From.Type, mc.From.Default
			mc.To = &unchanged
			return mc.Change == schema.NoChange
		})
	}
}

// ident quotes an object's name as a migration writes it: qualified
// outside public.
func ident(s *schema.Schema, name string) string {
	if s != nil && s.Name != "" && s.Name != pgdb.Schema {
		return pgx.Identifier{s.Name, name}.Sanitize()
	}
	return quote(name)
}

func defaultSQL(e schema.Expr) string {
	switch d := e.(type) {
	case *schema.RawExpr:
		return d.X
	case *schema.Literal:
		return d.V
	}
	return ""
}
