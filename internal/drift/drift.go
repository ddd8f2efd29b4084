// Package drift finds where a live database departs from the migrations it
// recorded as applied: objects added, changed or dropped by hand. It
// reports in the gate's categories, with codes DR1xx mirroring ENT1xx.
package drift

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/lint/consistency"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replay"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// MigrationsVsDatabase words the findings: the migrations declare, the
// database is checked.
var MigrationsVsDatabase = consistency.Sides{
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
	Pool            *devdb.Pool // where to replay the applied files
}

// Run compares the target with the replay of the files it recorded as
// applied.
func Run(ctx context.Context, o Options) (*report.Report, error) {
	store := revisions.New(o.Target.DB, o.RevisionsSchema)
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	files, err := o.Dir.Files()
	if err != nil {
		return nil, err
	}
	applied := appliedFiles(files, revs)
	var exclude []string
	if o.RevisionsSchema == o.Schema {
		exclude = []string{revisions.Table}
	}
	live, err := o.Target.Driver.InspectSchema(ctx, o.Schema, &schema.InspectOptions{Exclude: exclude})
	if err != nil {
		return nil, fmt.Errorf("drift: inspect the target: %w", err)
	}
	db, err := o.Pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Release(context.WithoutCancel(ctx))
	dev, err := pgdb.ConnectDev(ctx, db.URL)
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	want, err := replay.Files(ctx, dev, applied)
	if err != nil {
		return nil, fmt.Errorf("drift: replay the applied migrations: %w", err)
	}
	live.Name = want.Name // compare contents, not the schemas' names
	changes, err := dev.Driver.SchemaDiff(live, want)
	if err != nil {
		return nil, fmt.Errorf("drift: diff: %w", err)
	}
	r := report.New()
	r.Summary.Files, r.Summary.Tables = len(applied), len(want.Tables)
	for _, o := range want.Objects {
		if _, ok := o.(*schema.EnumType); ok {
			r.Summary.EnumTypes++
		}
	}
	r.Add(consistency.Compare(changes, MigrationsVsDatabase, noSource{}, consistency.MentionsIn(o.Dir, applied))...)
	if len(revs) == 0 {
		r.Notes = append(r.Notes, "the database records no applied migration: everything in it is reported as drift")
	}
	r.Sort()
	return r, nil
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
