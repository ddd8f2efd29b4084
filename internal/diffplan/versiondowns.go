package diffplan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// versionDowns returns the down migration of each version of a change
// split into several (ups, oldest first): the reverse of that version
// alone. golang-migrate's `down 1` runs one version's down; had the last
// version's down taken the whole change back, as it once did, `down 1`
// would leave the other versions recorded as applied, and `up 1` would
// then fail. With a down per version, reverting any number of versions,
// newest first, leaves the schema the earlier versions make, and the ups
// apply again.
//
// The states between the versions exist only once the versions ran, so
// they are made on a dev database: the directory's state (current), or
// the part of it the versions touch (scope), is created there, each
// version is applied as Atlas applies it, and the database is inspected
// before the first and after each. A version's down
// is the plan from the state after it back to the state before (plan,
// reverse): a version that adds enum values gets the type swap that takes
// them out, one that creates an index CONCURRENTLY a plain DROP INDEX (a
// down runs in one transaction: golang-migrate sends it as one query). All
// the states come from the one database, so that what a version does not
// touch prints alike on both sides of its down. Constraints NOT VALID
// before a version stay so after its down (KeepNotValid).
func versionDowns(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, current, desired *schema.Realm, ups []*migrate.Plan, name string, pol Policy) ([]string, error) {
	if dev == nil {
		return nil, errors.New("diffplan: down: a change split into versions needs a dev database to plan each version's down")
	}
	t := progress.Start(ctx, "planning the down migration of each version", len(ups))
	defer t.End()
	names := schemaNames(current, desired)
	part, all := scope(current, ups)
	states, notValid, err := statesOf(ctx, drv, dev, part, ups, names, t)
	var outside *outsideError
	if !all && errors.As(err, &outside) && ctx.Err() == nil {
		// The versions reach past the part of current scope kept.
		states, notValid, err = statesOf(ctx, drv, dev, creatable(current, nil), ups, names, t)
	}
	if err != nil {
		return nil, fmt.Errorf("diffplan: down of each version, on the dev database: %w", err)
	}
	renames := renameStmts(pol, current)
	downs := make([]string, len(ups))
	for i, up := range ups {
		p := pol
		if !slices.ContainsFunc(up.Changes, func(c *migrate.Change) bool { return renames[c.Cmd] }) {
			// The renames are one version's (the first file's): the
			// states on either side of any other version have the same
			// names.
			p.Renames = nil
		}
		// An index renamed by a version (the end of an index swap) is
		// renamed back, not dropped and built again.
		p.keepNames = true
		to, again := KeepNotValid(states[i], notValid[i], notValid[i+1])
		plans, _, err := plan(ctx, drv, nil, states[i+1], to, name, true, p)
		if err != nil {
			return nil, fmt.Errorf("diffplan: down of version %d (%s): %w", i+1, up.Name, err)
		}
		for _, d := range append(plans, &migrate.Plan{Changes: again}) {
			downs[i] += body(d)
		}
	}
	return downs, nil
}

// statesOf creates r on a dev database, applies ups one at a time, and
// returns the schemas names as inspected before the first and after each,
// and their NOT VALID constraints. An error creating r or applying a
// version is an *outsideError.
func statesOf(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, r *schema.Realm, ups []*migrate.Plan, names []string, t progress.Task) ([]*schema.Realm, []map[NotValidKey]string, error) {
	states := make([]*schema.Realm, 0, len(ups)+1)
	notValid := make([]map[NotValidKey]string, 0, len(ups)+1)
	err := dev(ctx, func(c *pgdb.Conn) error {
		if err := create(ctx, drv, c, r); err != nil {
			return &outsideError{fmt.Errorf("create the directory's schema: %w", err)}
		}
		for i := 0; ; i++ {
			st, err := c.InspectScope(ctx, pgdb.Scope{Schemas: names})
			if err != nil {
				return err
			}
			nv, err := NotValidOf(ctx, c, names)
			if err != nil {
				return err
			}
			states, notValid = append(states, st), append(notValid, nv)
			if i == len(ups) {
				return nil
			}
			t.Step(i+1, ups[i].Name)
			if err := run(ctx, c.DB, ups[i]); err != nil {
				return &outsideError{fmt.Errorf("apply version %d of %d (%s): %w", i+1, len(ups), ups[i].Name, err)}
			}
		}
	})
	return states, notValid, err
}

// outsideError is a statement that failed on the dev database: with part
// of the directory's schema there (scope), one the versions need may be
// missing.
type outsideError struct{ error }

func (e *outsideError) Unwrap() error { return e.error }

// schemaNames are the schemas of both realms, by name: the states are
// inspected in those alone (not in a schema of the dev database's
// baseline, say).
func schemaNames(realms ...*schema.Realm) []string {
	var names []string
	for _, r := range realms {
		for _, s := range r.Schemas {
			if !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
	}
	return names
}

// create makes r on the clean dev database c: the plan from empty schemas
// (those of r the database already has, public at least) to r, with
// every change planned as Atlas plans it, function bodies unchecked.
func create(ctx context.Context, drv migrate.Driver, c *pgdb.Conn, r *schema.Realm) error {
	rows, err := c.DB.QueryContext(ctx, `SELECT nspname FROM pg_namespace`)
	if err != nil {
		return err
	}
	var have []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have = append(have, n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	empty := schema.NewRealm()
	for _, s := range r.Schemas {
		if slices.Contains(have, s.Name) {
			empty.AddSchemas(schema.New(s.Name))
		}
	}
	plans, _, err := plan(ctx, drv, nil, empty, r, "", false, Policy{})
	if err != nil {
		return err
	}
	for _, p := range plans {
		if !noTransaction(p) {
			// A function's body may read a table scope left out.
			p.Changes = append([]*migrate.Change{{Cmd: "SET LOCAL check_function_bodies = off"}}, p.Changes...)
		}
		if err := run(ctx, c.DB, p); err != nil {
			return err
		}
	}
	return nil
}

// run applies a version as Atlas applies it: in one transaction, or
// statement by statement under `-- atlas:txmode none`.
func run(ctx context.Context, db *sql.DB, p *migrate.Plan) error {
	stmts := make([]sqlscript.Stmt, len(p.Changes))
	for i, c := range p.Changes {
		stmts[i] = sqlscript.Stmt{Text: c.Cmd, Line: i + 1, File: p.Name}
	}
	return sqlscript.Exec(ctx, db, stmts, !noTransaction(p))
}

// renameStmts are the statements of the policy's renames, as plan writes
// them into the version they open.
func renameStmts(pol Policy, current *schema.Realm) map[string]bool {
	out := map[string]bool{}
	if len(pol.Renames) == 0 {
		return out
	}
	_, rn := pol.renamed(current, false)
	for _, s := range rn.stmts {
		out[s.Cmd] = true
	}
	return out
}
