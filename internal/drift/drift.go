// Package drift finds where a live database departs from the migrations it
// recorded as applied: objects added, changed or dropped by hand. It
// reports in the gate's categories, with codes DR1xx mirroring ENT1xx.
package drift

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/entsrc"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/revisions"
	"github.com/ledgerforge/schemactl/internal/states"
)

// MigrationsVsDatabase words the findings: the migrations declare, the
// database is checked.
var MigrationsVsDatabase = compare.Sides{
	Want: "the migrations", Have: "the database",
	Declares: "the applied migrations create it", Lacks: "the database does not have it",
	Undeclared:    "no applied migration creates it",
	RemedyMissing: "it was dropped by hand: restore it, or write a migration that drops it",
	RemedyExtra:   "it was added by hand: drop it, or write a migration that creates it (then `schemactl migrate apply --baseline` is not needed)",
	RemedyDiffers: "it was changed by hand: revert the change, or write a migration that makes it",
	CodePrefix:    "DR",
}

// Options say what to compare.
type Options struct {
	Target          *pgdb.Conn
	Schema          string // the target's schema, e.g. public
	RevisionsSchema string
	Dir             *migdir.Dir
	Files           []migrate.File // Dir's files, as the caller read them
	Env             *states.Env    // where to replay the applied files
	// Sources, when set, are the desired state to compare with too: Ent
	// schema packages and SQL sources.
	Sources []desired.Source
	// Exclude are atlas.hcl's exclude patterns, left out of the target as
	// Atlas's inspection leaves them out (Env leaves them out of the rest).
	Exclude []string
}

// Run compares the target with the replay of the files it recorded as
// applied.
func Run(ctx context.Context, o Options) (*report.Report, error) {
	store := revisions.New(o.Target.DB, o.RevisionsSchema)
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	files := o.Files
	applied := appliedFiles(files, revs)
	want, err := o.Env.Replay(ctx, applied)
	if err != nil {
		return nil, fmt.Errorf("drift: replay the applied migrations: %w", err)
	}
	live, err := o.Target.InspectTarget(ctx, o.Schema, o.RevisionsSchema, want)
	if err != nil {
		return nil, fmt.Errorf("drift: inspect the target: %w", err)
	}
	// The dev database baseline's objects are the environment's, on every
	// side: not the project's to report.
	o.Env.WithoutBaseline(live)
	if err := exclude.Schemas(live, o.Exclude); err != nil {
		return nil, fmt.Errorf("drift: %w", err)
	}
	changes, err := pgdb.DiffRealms(ctx, o.Target.Driver, o.Env.Dev, live, want)
	if err != nil {
		return nil, fmt.Errorf("drift: diff: %w", err)
	}
	r := report.New()
	r.Summary.Files, r.Summary.Tables = len(applied), len(pgdb.Tables(want))
	r.Summary.Views, r.Summary.EnumTypes = len(pgdb.Views(want)), len(pgdb.Enums(want))
	fromMigrations := compare.Changes(changes, MigrationsVsDatabase, noSource{}, compare.MentionsIn(o.Dir, applied)).Findings
	r.Add(fromMigrations...)
	switch {
	case len(o.Sources) == 0:
	case len(applied) < len(files):
		r.Notes = append(r.Notes, fmt.Sprintf("not compared with %s: %d migration file(s) are pending", desired.Title(o.Sources), len(files)-len(applied)))
	default:
		fs, models, err := fromEnt(ctx, o, live, want, fromMigrations)
		if err != nil {
			return nil, err
		}
		r.Summary.Models = models
		r.Add(fs...)
	}
	if len(revs) == 0 {
		r.Notes = append(r.Notes, "the database records no applied migration: everything in it is reported as drift")
	}
	r.Sort()
	return r, nil
}

// fromEnt compares the live schemas with the Ent schemas and keeps what the
// comparison with the migrations did not already report. It also returns
// the number of Ent models compared.
func fromEnt(ctx context.Context, o Options, live, migrated *schema.Realm, seen []report.Finding) ([]report.Finding, int, error) {
	want, loaded, err := o.Env.Desired(ctx, o.Sources...)
	if err != nil {
		return nil, 0, err
	}
	g := loaded.Graph
	if !covers(live, want) {
		// Ent places tables in a schema the migrations never created:
		// read the target again, with that schema.
		if live, err = o.Target.InspectTarget(ctx, o.Schema, o.RevisionsSchema, migrated, want); err != nil {
			return nil, 0, fmt.Errorf("drift: inspect the target: %w", err)
		}
		o.Env.WithoutBaseline(live)
	}
	changes, err := pgdb.DiffRealms(ctx, o.Target.Driver, o.Env.Dev, live, want)
	if err != nil {
		return nil, 0, fmt.Errorf("drift: diff with %s: %w", desired.Title(o.Sources), err)
	}
	loc, err := entsrc.New(loaded.Dirs(), g)
	if err != nil {
		return nil, 0, err
	}
	reported := map[string]bool{}
	for _, f := range seen {
		reported[string(f.Category)+f.Object] = true
	}
	var out []report.Finding
	for _, f := range compare.Changes(changes, compare.EntVsDatabase.Composed(loaded.DeclaresExtras()), compare.WithDeclarations(loc, loaded), nil).Findings {
		if !reported[string(f.Category)+f.Object] {
			out = append(out, f)
		}
	}
	return out, len(g.Nodes), nil
}

// covers reports whether live holds every schema of want (when not, the
// target may lack it, or it was not read).
func covers(live, want *schema.Realm) bool {
	for _, s := range want.Schemas {
		if _, ok := live.Schema(s.Name); !ok && s.Name != pgdb.Schema {
			return false
		}
	}
	return true
}

// appliedFiles are the files up to the last one fully applied (or the
// baseline), in order: the state the database should be in.
func appliedFiles(files []migrate.File, revs []*migrate.Revision) []migrate.File {
	last := ""
	for _, r := range revs {
		if r.Applied == r.Total || r.Type.Has(migrate.RevisionTypeBaseline) {
			last = r.Version
		}
	}
	var out []migrate.File
	for _, f := range files {
		if last != "" && f.Version() <= last {
			out = append(out, f)
		}
	}
	return out
}
