// Package revert takes a live database back to an earlier version of its
// migration directory (`migrate down`). The way back is computed, not read
// from hand-written down files: the target is the directory replayed up to
// that version, and the plan is the difference between the live database,
// as inspected, and it. Before anything changes, the rows are checked:
// nothing the plan drops or narrows may hold data, unless forced. The plan
// runs in one transaction, under the advisory lock `migrate apply` takes,
// and removes the reverted files' revisions with it, so that both tools'
// `migrate status` show them pending again.
package revert

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/drift"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
	"github.com/ledgerforge/schemactl/internal/states"
)

// Options say what to revert, where.
type Options struct {
	Target          *pgdb.Conn // holds the advisory lock and reads
	URL             string     // the target, for the transaction's own connection
	Bound           string     // the schema the URL's search_path binds it to, "" for none
	RevisionsSchema string
	Dir             *migdir.Dir
	Files           []migrate.File // Dir's files, as the caller read them
	Env             *states.Env    // the dev database, for the replays and the plan
	Exclude         []string       // atlas.hcl's exclude patterns
	N               int            // revert the last N applied files
	ToVersion       string         // or those after this version
	DryRun          bool
	Force           bool
	LockTimeout     time.Duration
}

// Plan is what a down does, or would do with DryRun.
type Plan struct {
	From        string       `json:"from"` // the version the database is at
	To          string       `json:"to"`   // the version it goes back to, "" for none
	Files       []File       `json:"files"`
	Checks      []Check      `json:"checks"`
	DataChanges []DataChange `json:"data_changes"`
	// NotReverted are statements of the reverted files that change what
	// the down does not revert (grants, policies, sequences...).
	NotReverted []DataChange `json:"not_reverted"`
	Statements  []Statement  `json:"statements"`
	DryRun      bool         `json:"dry_run"`
	Reverted    bool         `json:"reverted"` // committed
}

// Statement is one statement of the way back.
type Statement struct {
	Comment string `json:"comment,omitempty"`
	SQL     string `json:"sql"`
}

// RefusedError is a down refused for what the database holds: drift, rows
// the plan would lose, data changes it cannot undo. Nothing was changed.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string {
	return "migrate down: refused: " + e.Reason + "; nothing was changed"
}

// ErrNothing means no applied file can be reverted.
var ErrNothing = errNothing

// Run computes the down, checks it and, unless DryRun, applies it. The
// returned plan is complete when the error is a RefusedError (the checks
// say why), and nil for other errors.
func Run(ctx context.Context, o Options) (*Plan, error) {
	if problems, err := o.Dir.CheckSum(); err != nil {
		return nil, err
	} else if len(problems) > 0 {
		return nil, fmt.Errorf("migrate down: %s", problems[0])
	}
	unlock, err := apply.Lock(ctx, o.Target, o.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()
	store := revisions.New(o.Target.DB, o.RevisionsSchema)
	sum, err := o.Dir.Migrate().Checksum()
	if err != nil {
		return nil, fmt.Errorf("migrate down: %w", err)
	}
	// An applied file edited since is no record of what the database ran.
	if _, err := apply.CheckHistory(ctx, o.Dir, sum, store); err != nil {
		return nil, err
	}
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	n := o.N
	if n == 0 && o.ToVersion == "" {
		n = 1
	}
	sel, err := choose(o.Files, revs, n, o.ToVersion)
	if err != nil {
		return nil, err
	}
	p, live, target, err := prepare(ctx, o, sel)
	if err != nil {
		return p, err
	}
	if o.DryRun {
		return p, dryRun(ctx, o, p)
	}
	return p, execute(ctx, o, p, sel, live, target)
}

// prepare replays the two states, refuses drift, and plans the way back
// with its checks.
func prepare(ctx context.Context, o Options, sel *selection) (*Plan, *schema.Realm, *schema.Realm, error) {
	p := &Plan{Files: sel.revert, DryRun: o.DryRun, Checks: []Check{}, DataChanges: []DataChange{}, NotReverted: []DataChange{}, Statements: []Statement{}}
	if len(sel.keep) > 0 {
		p.To = sel.keep[len(sel.keep)-1].Version()
	}
	p.From = sel.revert[len(sel.revert)-1].Version
	files, err := sel.current()
	if err != nil {
		return nil, nil, nil, err
	}
	target, err := replay(ctx, o.Env, sel.keep)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("migrate down: replay up to version %s: %w", orNone(p.To), err)
	}
	current, err := replay(ctx, o.Env, files)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("migrate down: replay the applied files: %w", err)
	}
	live, err := o.inspect(ctx, o.Target, nil, target, current)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := noDrift(ctx, o, live, current); err != nil {
		return nil, nil, nil, err
	}
	stmts, err := statementsRan(sel.revert)
	if err != nil {
		return nil, nil, nil, err
	}
	rs := renames(stmts, target, current)
	p.DataChanges, p.NotReverted = scan(o.Dir.Path(), stmts)
	to, after, err := notValid(ctx, o, sel.keep, live, target)
	if err != nil {
		return nil, nil, nil, err
	}
	if p.Checks, err = checks(live, to, rs); err != nil {
		return nil, nil, nil, err
	}
	changes, err := diffplan.Down(ctx, o.Target.Driver, o.Env.Dev, live, to, rs)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("migrate down: %w", err)
	}
	changes = append(changes, after...)
	for _, c := range changes {
		p.Statements = append(p.Statements, Statement{Comment: c.Comment, SQL: c.Cmd})
	}
	return p, live, target, nil
}

// replay is the schema after files, on the dev database (or from the
// replay cache), without atlas.hcl's excluded objects.
func replay(ctx context.Context, env *states.Env, files []migrate.File) (*schema.Realm, error) {
	r, _, err := env.CurrentSplit(ctx, files, len(files))
	return r, err
}

// inspect reads the live database as the replays see it: conn is the
// target, or the target inside the down's transaction (pgdb.InTx), which
// reads only tables when they are given (verify.go).
func (o Options) inspect(ctx context.Context, conn *pgdb.Conn, tables []pgdb.TableName, refs ...*schema.Realm) (*schema.Realm, error) {
	var live *schema.Realm
	var err error
	switch {
	case conn == o.Target:
		live, err = conn.InspectLive(ctx, o.Bound, o.RevisionsSchema, refs...)
	case tables != nil:
		live, err = conn.InspectTargetTables(ctx, o.Bound, o.RevisionsSchema, tables, refs...)
	default:
		live, err = conn.InspectTarget(ctx, o.Bound, o.RevisionsSchema, refs...)
	}
	if err != nil {
		return nil, fmt.Errorf("migrate down: inspect the target: %w", err)
	}
	o.Env.WithoutBaseline(live)
	if err := exclude.Schemas(live, o.Exclude); err != nil {
		return nil, fmt.Errorf("migrate down: %w", err)
	}
	return live, nil
}

// noDrift refuses a database that is not what its revisions say: the way
// back is computed from the directory, and would undo the hand-made
// changes too, or fail half way.
func noDrift(ctx context.Context, o Options, live, current *schema.Realm) error {
	changes, err := pgdb.DiffRealms(ctx, o.Target.Driver, o.Env.Dev, live, current)
	if err != nil {
		return fmt.Errorf("migrate down: diff: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	fs := compare.Changes(changes, drift.MigrationsVsDatabase, nil, nil).Findings
	var say []string
	for _, f := range fs[:min(3, len(fs))] {
		say = append(say, f.Message) // it names the object
	}
	if len(fs) > 3 {
		say = append(say, fmt.Sprintf("and %d more", len(fs)-3))
	}
	return &RefusedError{Reason: fmt.Sprintf("the database differs from what its revisions record (%s); see `schemactl schema drift`", strings.Join(say, "; "))}
}

// refusal is the error for failed checks, data changes and statements the
// down does not revert, nil when the down may go on.
func refusal(p *Plan, force bool) error {
	var why []string
	for _, c := range p.Checks {
		if c.Failed() && (!force || !c.Forcible) {
			why = append(why, c.String())
		}
	}
	if !force {
		for _, d := range p.DataChanges {
			why = append(why, d.String()+"; --force reverts the schema and leaves the rows as they are")
		}
		for _, d := range p.NotReverted {
			why = append(why, NotRevertedText(d)+"; --force reverts the rest and leaves it")
		}
	}
	switch len(why) {
	case 0:
		return nil
	case 1:
		return &RefusedError{Reason: why[0]}
	}
	return &RefusedError{Reason: fmt.Sprintf("%s (and %d more, listed above)", why[0], len(why)-1)}
}

// IsRefused reports whether err is a refusal for what the database holds.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}
