package diffplan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/lint/safety"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Safe DDL for tables that already exist (a ModifyTable: a table created in
// the same change is empty, and keeps Atlas's plain DDL). Each step is
// switched by the policy (atlas.hcl's diff { safe { … } }):
//   - NotValid: a foreign key or CHECK is added NOT VALID, which checks new
//     rows only and holds its lock for an instant, and validated in a later
//     file, <name>_validate, in another transaction: VALIDATE CONSTRAINT
//     scans the table under a SHARE UPDATE EXCLUSIVE lock, which blocks
//     neither reads nor writes (in the adding transaction it would scan
//     under the adding lock, which the review's SC301 reports).
//   - NotNull: SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock,
//     unless a validated CHECK (col IS NOT NULL) proves it (PostgreSQL 12
//     and later). So the check is added NOT VALID, validated in the later
//     file, and there the column is set NOT NULL and the check dropped.
//   - LockTimeout: a file that takes a lock stopping reads or writes on an
//     existing table (the review's SC306 rule, safety.Locks) starts with
//     SET LOCAL lock_timeout: a migration that waits for its lock gives up
//     rather than queue every query on the table behind it.
//   - EnumGuard: a column converted to an enum type is first checked for
//     values the type does not have, which fail the cast (see convertToEnums).

// later holds what safeDDL takes out of a change set: statements for the
// end of the main file, and the file that validates them.
type later struct {
	add      []*migrate.Change // NOT VALID constraints, at the end of the main file
	validate []*migrate.Change // VALIDATE CONSTRAINT, in <name>_validate
	notNull  []*migrate.Change // SET NOT NULL and DROP CONSTRAINT, after every VALIDATE
}

// safeDDL takes out of changes (forward, filtered) the foreign keys, CHECKs
// and SET NOT NULLs of existing tables that the policy adds NOT VALID, and
// returns their statements. It rewrites the ModifyTable changes it keeps,
// as Filter does, but never the realms' tables or columns.
func (p Policy) safeDDL(ctx context.Context, drv migrate.Driver, changes []schema.Change, realms ...*schema.Realm) (*later, error) {
	l := &later{}
	if !p.NotValid && !p.NotNull {
		return l, nil
	}
	for _, c := range changes {
		m, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		var adds []schema.Change
		var kept []schema.Change
		for _, tc := range m.Changes {
			switch tc := tc.(type) {
			case *schema.AddForeignKey:
				if p.NotValid && tc.F.Symbol != "" {
					adds = append(adds, tc)
					continue
				}
			case *schema.ModifyForeignKey:
				// Atlas drops and adds it again, which validates it again.
				if p.NotValid && tc.To.Symbol != "" {
					kept = append(kept, &schema.DropForeignKey{F: tc.From})
					adds = append(adds, &schema.AddForeignKey{F: tc.To})
					continue
				}
			case *schema.AddCheck:
				if p.NotValid && tc.C.Name != "" {
					adds = append(adds, tc)
					continue
				}
			case *schema.ModifyCheck:
				if p.NotValid && tc.To.Name != "" {
					kept = append(kept, &schema.DropCheck{C: tc.From})
					adds = append(adds, &schema.AddCheck{C: tc.To})
					continue
				}
			case *schema.ModifyColumn:
				if p.NotNull && tc.Change.Is(schema.ChangeNull) && tc.From.Type.Null && !tc.To.Type.Null {
					l.setNotNull(m.T, tc.To.Name)
					// Atlas plans the rest of the column's change. A copy:
					// the realm's column stays as it is.
					tc.Change &^= schema.ChangeNull
					nullable := *tc.To
					typ := *tc.To.Type
					typ.Null = true
					nullable.Type = &typ
					tc.To = &nullable
					if tc.Change == schema.NoChange {
						continue
					}
				}
			}
			kept = append(kept, tc)
		}
		m.Changes = kept
		// By name: the files read the same whatever order the diff gave.
		slices.SortStableFunc(adds, func(a, b schema.Change) int { return strings.Compare(constraintOf(a), constraintOf(b)) })
		for _, a := range adds {
			if err := l.notValid(ctx, drv, m.T, a, realms); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// constraintOf names the constraint an AddForeignKey or AddCheck adds.
func constraintOf(c schema.Change) string {
	switch c := c.(type) {
	case *schema.AddForeignKey:
		return c.F.Symbol
	case *schema.AddCheck:
		return c.C.Name
	}
	return ""
}

// notValid plans one constraint of an existing table as Atlas would, NOT
// VALID, and its validation.
func (l *later) notValid(ctx context.Context, drv migrate.Driver, t *schema.Table, add schema.Change, realms []*schema.Realm) error {
	p, err := pgdb.Plan(ctx, drv, "", []schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{add}}}, realms...)
	if err != nil {
		return fmt.Errorf("diffplan: plan: %w", err)
	}
	if len(p.Changes) != 1 {
		return fmt.Errorf("diffplan: plan: %d statements for one constraint of table %q", len(p.Changes), t.Name)
	}
	kind, name := "foreign key", constraintOf(add)
	if _, ok := add.(*schema.AddCheck); ok {
		kind = "check"
	}
	table := ident(t.Schema, t.Name)
	l.add = append(l.add, &migrate.Change{
		Cmd:     p.Changes[0].Cmd + " NOT VALID",
		Comment: fmt.Sprintf("Add %s %q to table: %q for new rows (validated in a later file)", kind, name, t.Name),
		Source:  add,
	})
	l.validate = append(l.validate, &migrate.Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", table, quote(name)),
		Comment: fmt.Sprintf("Validate %s %q of table: %q", kind, name, t.Name),
	})
	return nil
}

// setNotNull plans column c of existing table t NOT NULL through a CHECK.
func (l *later) setNotNull(t *schema.Table, c string) {
	table, col := ident(t.Schema, t.Name), quote(c)
	check := pgx.Identifier{notNullName(t.Name, c)}.Sanitize()
	l.add = append(l.add, &migrate.Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", table, check, col),
		Comment: fmt.Sprintf("Check column %q of table: %q for NULLs in new rows (set NOT NULL in a later file)", c, t.Name),
	})
	l.validate = append(l.validate, &migrate.Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", table, check),
		Comment: fmt.Sprintf("Validate the NOT NULL check of column %q of table: %q", c, t.Name),
	})
	l.notNull = append(l.notNull,
		&migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table, col),
			Comment: fmt.Sprintf("Set column %q of table: %q NOT NULL (the validated check spares the scan)", c, t.Name),
		},
		&migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", table, check),
			Comment: fmt.Sprintf("Drop the NOT NULL check of column %q of table: %q", c, t.Name),
		})
}

// notNullName names the check that proves column c of table t NOT NULL:
// <t>_<c>_not_null, shortened with a hash of the whole name past
// PostgreSQL's 63 bytes (which would otherwise cut it, and two long
// columns would share one name).
func notNullName(t, c string) string {
	return fitName(t+"_"+c, "not_null", t+"_"+c+"_not_null")
}

// fitName is base_tag, or when that passes PostgreSQL's 63 bytes, base
// cut at a character's start and followed by _<hash of hashed>_tag, so
// that two long names cut alike still differ.
func fitName(base, tag, hashed string) string {
	const max = 63
	if name := base + "_" + tag; len(name) <= max {
		return name
	}
	sum := sha256.Sum256([]byte(hashed))
	suffix := "_" + hex.EncodeToString(sum[:4]) + "_" + tag
	n := max - len(suffix)
	for n > 0 && !isRuneStart(base[n]) {
		n--
	}
	return base[:n] + suffix
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// validatePlan is the file after the change's others: every VALIDATE
// first, so that no lock a SET NOT NULL takes is held while another table
// is scanned, then the SET NOT NULLs and the drops of their checks. Nil
// when there is nothing to validate.
func (l *later) validatePlan(name string) *migrate.Plan {
	if len(l.validate) == 0 {
		return nil
	}
	return &migrate.Plan{Name: suffixed(name, "validate"), Transactional: true, Changes: slices.Concat(l.validate, l.notNull)}
}

// withLockTimeout starts every transactional plan that locks an existing
// table against reads or writes with SET LOCAL lock_timeout, which ends
// with the file's transaction. A file that runs outside a transaction holds
// only CONCURRENTLY index changes, which block neither, and whose wait for
// older transactions a lock_timeout would cut short, leaving an invalid
// index behind.
func (p Policy) withLockTimeout(plans []*migrate.Plan, from, to, orig *schema.Realm) error {
	if p.LockTimeout == "" {
		return nil
	}
	cat := realmCatalog{from, to}
	for _, pl := range plans {
		if noTransaction(pl) {
			continue
		}
		blocks, err := locksExisting(pl, cat, from, orig)
		if err != nil {
			return err
		}
		if blocks {
			set := &migrate.Change{
				Cmd:     "SET LOCAL lock_timeout = " + literal(p.LockTimeout),
				Comment: "Wait at most " + p.LockTimeout + " for a table lock: queries queue behind a waiting migration",
			}
			pl.Changes = append([]*migrate.Change{set}, pl.Changes...)
		}
	}
	return nil
}

// locksExisting reports whether a statement of the plan takes a lock that
// blocks reads or writes on a table of from (the review's SC306 rule), or
// of orig, the realm before the renames: a rename names the table by the
// name it had.
func locksExisting(pl *migrate.Plan, cat safety.Catalog, from, orig *schema.Realm) (bool, error) {
	for _, c := range pl.Changes {
		tree, err := pg_query.Parse(c.Cmd)
		if err != nil {
			return false, fmt.Errorf("diffplan: parse %q: %w", c.Cmd, err)
		}
		for _, s := range tree.Stmts {
			for _, l := range safety.Locks(s.Stmt, cat) {
				if l.Mode.Blocks() != "" && (hasTable(from, l.Table) || hasTable(orig, l.Table)) {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

func hasTable(r *schema.Realm, name string) bool {
	for _, s := range r.Schemas {
		if _, ok := s.Table(name); ok {
			return true
		}
	}
	return false
}

// realmCatalog answers safety.Locks from the realms: an index's table, a
// foreign key's referenced table, as the plan leaves or finds them.
type realmCatalog []*schema.Realm

func (rc realmCatalog) IndexTable(index string) string {
	for _, r := range rc {
		for _, s := range r.Schemas {
			for _, t := range s.Tables {
				if _, ok := t.Index(index); ok {
					return t.Name
				}
			}
		}
	}
	return ""
}

func (rc realmCatalog) References(table, constraint string) string {
	for _, r := range rc {
		for _, s := range r.Schemas {
			if t, ok := s.Table(table); ok {
				if fk, ok := t.ForeignKey(constraint); ok && fk.RefTable != nil {
					return fk.RefTable.Name
				}
			}
		}
	}
	return ""
}
