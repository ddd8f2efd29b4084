package diffplan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// A foreign key or CHECK added NOT VALID (safe.go) is validated by a later
// version, and Atlas's inspection does not tell the two apart: planned
// from the inspected states alone, the down of the validating version
// would leave the constraint validated, and the down of a version that
// dropped one (the check that proved a column NOT NULL) would add it back
// validated, scanning the table under its lock. So the states also record
// which constraints are NOT VALID, and a down makes those of the state it
// goes back to NOT VALID again: they leave the plan, which drops them if
// they are there, and are added again after it, as they were.

// NotValidKey is a constraint by schema, table and name.
type NotValidKey struct{ Schema, Table, Name string }

// Compare orders keys by schema, table and name: statements made from a
// set of keys come in a stable order.
func (k NotValidKey) Compare(o NotValidKey) int {
	return cmp.Or(strings.Compare(k.Schema, o.Schema), strings.Compare(k.Table, o.Table), strings.Compare(k.Name, o.Name))
}

// table is the realm's table the key names, nil when it has none.
func (k NotValidKey) table(r *schema.Realm) *schema.Table {
	t, _ := pgdb.Table(r, k.Schema, k.Table)
	return t
}

// NotValidOf returns the NOT VALID constraints of the schemas names, each
// with its definition as PostgreSQL prints it (NOT VALID included); also
// migrate down's (internal/revert), on the live database.
func NotValidOf(ctx context.Context, c *pgdb.Conn, names []string) (map[NotValidKey]string, error) {
	rows, err := c.DB.QueryContext(ctx, `SELECT n.nspname, t.relname, con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE NOT con.convalidated AND n.nspname = ANY($1)`, names)
	if err != nil {
		return nil, fmt.Errorf("read the NOT VALID constraints: %w", err)
	}
	defer rows.Close()
	out := map[NotValidKey]string{}
	for rows.Next() {
		var k NotValidKey
		var def string
		if err := rows.Scan(&k.Schema, &k.Table, &k.Name, &def); err != nil {
			return nil, err
		}
		out[k] = def
	}
	return out, rows.Err()
}

// KeepNotValid returns the realm a down plans to, to, without the NOT
// VALID constraints of before (to's) that after (the state the down starts
// from) does not hold as they are, and the statements that add those again
// once the plan ran. to itself is left as it is. A definition is what
// follows ADD CONSTRAINT name, NOT VALID included.
func KeepNotValid(to *schema.Realm, before, after map[NotValidKey]string) (*schema.Realm, []*migrate.Change) {
	var again []NotValidKey
	for k, def := range before {
		if after[k] != def {
			again = append(again, k)
		}
	}
	if len(again) == 0 {
		return to, nil
	}
	slices.SortFunc(again, NotValidKey.Compare)
	to = cloneRealm(to)
	var stmts []*migrate.Change
	for _, k := range again {
		t := k.table(to)
		if t == nil {
			continue
		}
		kind := "check"
		t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk *schema.ForeignKey) bool {
			if fk.Symbol == k.Name {
				kind = "foreign key"
				return true
			}
			return false
		})
		t.Attrs = slices.DeleteFunc(t.Attrs, func(a schema.Attr) bool {
			c, ok := a.(*schema.Check)
			return ok && c.Name == k.Name
		})
		stmts = append(stmts, &migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", ident(t.Schema, t.Name), quote(k.Name), before[k]),
			Comment: fmt.Sprintf("add %s %q to table %q NOT VALID, as it was before the version", kind, k.Name, t.Name),
		})
	}
	return to, stmts
}
