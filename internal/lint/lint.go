// Package lint is the gate: it checks that the migration directory is
// intact, that it replays, that it builds exactly what the Ent schemas
// declare, and that the generated Ent code is fresh. Each family of checks
// lives in its own package; this one runs them and gathers one report.
package lint

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/entc/gen"
	"golang.org/x/sync/errgroup"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/entsrc"
	"github.com/ledgerforge/schemactl/internal/lint/generated"
	"github.com/ledgerforge/schemactl/internal/lint/integrity"
	"github.com/ledgerforge/schemactl/internal/lint/safety"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/schemadoc"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
	"github.com/ledgerforge/schemactl/internal/states"
)

// Options say what to check.
type Options struct {
	// Sources are the desired state: Ent schema packages (e.g. ent/schema)
	// and SQL sources, composed. None means no desired state: the
	// directory is checked alone (integrity, replay, review), as Atlas's
	// migrate lint checks it.
	Sources []desired.Source
	Dir     *migdir.Dir
	Files   []migrate.File // Dir's files, as the caller read them
	Env     *states.Env    // where to replay and normalise

	// Review, when set, also reviews the files a change adds for safety.
	Review *Review
	// Docs, when set, are the committed documents to keep fresh.
	Docs *Docs
	// DiffPolicy is atlas.hcl's diff block: what it has `migrate diff`
	// skip, the consistency check leaves out too (and says so in a note),
	// or the gate would fail on every change the team chose to migrate by
	// hand.
	DiffPolicy diffplan.Policy
}

// Docs are where the ER diagram and the schema audit are committed; a file
// that does not exist is not checked.
type Docs struct{ ERD, Audit string }

// Review selects the added files and how to judge them.
type Review struct {
	Added   []string         // file names the change adds, in directory order
	Config  safety.Config    // severities per analyzer
	History []report.Finding // findings of the history rules, already made
}

// Run runs every check and returns the report. An error means the gate
// could not run (no database, a schema that does not compile); findings are
// never errors. When the Ent schema does not load, the report holds what
// was checked without it (integrity, replay, review), with the error.
func Run(ctx context.Context, o Options) (*report.Report, error) {
	r := report.New()
	files := o.Files
	problems, err := o.Dir.CheckSumOf(files)
	if errors.Is(err, migdir.ErrMalformedSum) {
		r.Add(report.Finding{Code: "SUM106", Category: report.Integrity, Object: filepath.ToSlash(filepath.Join(o.Dir.Path(), migrate.HashFileName)),
			Message: err.Error(), Remedy: "run `schemactl migrate hash`"})
	} else if err != nil {
		return nil, err
	}
	r.Add(integrity.Sum(o.Dir, problems)...)
	fileProblems, err := o.Dir.CheckFiles(files)
	if err != nil {
		return nil, err
	}
	r.Add(integrity.Files(o.Dir, fileProblems)...)

	var (
		before, current *schema.Realm
		want            *schema.Realm
		loaded          *desired.State
		replayed        bool
		replayErr       error
		desiredErr      error
	)
	// The two sides run side by side, and neither stops the other: a schema
	// that does not load must not hide what the directory's checks found.
	var g errgroup.Group
	k := firstAdded(files, o.Review)
	dirOnly := len(o.Sources) == 0
	g.Go(func() error {
		var err error
		if dirOnly {
			// Nothing is compared with the schema after all files: they
			// must replay, but only the one before the review is read.
			before, err = o.Env.Before(ctx, files, k)
		} else {
			before, current, err = o.Env.CurrentSplit(ctx, files, k)
		}
		if err == nil {
			replayed = true
			return nil
		}
		f, err := integrity.Replay(o.Dir, err)
		if f != nil {
			r.Add(*f) // the other goroutine does not touch r
		}
		replayErr = err
		return nil
	})
	var (
		loc     *entsrc.Locator
		stale   []report.Finding
		genNote []string
		sources errgroup.Group
	)
	g.Go(func() (err error) {
		if dirOnly {
			return nil
		}
		defer func() { desiredErr = err }()
		if loaded, err = o.Env.LoadDesired(ctx, o.Sources); err != nil {
			return err
		}
		// Reading the sources needs no database: do it meanwhile.
		sources.Go(func() (err error) {
			loc, err = entsrc.New(loaded.Dirs(), loaded.Graph)
			return err
		})
		sources.Go(func() error {
			for _, p := range loaded.Packages {
				if p.LocateErr != nil {
					return p.LocateErr
				}
				f, note, err := generated.Check(p.Dir, p.Generation, p.Graph)
				if err != nil {
					return err
				}
				if f != nil {
					stale = append(stale, *f)
				}
				if note != "" {
					genNote = append(genNote, note)
				}
			}
			return nil
		})
		want, err = o.Env.Normalised(ctx, loaded)
		return err
	})
	_ = g.Wait()
	if replayErr != nil {
		return nil, replayErr
	}
	if dirOnly {
		r.Summary.Files, r.Summary.DirectoryOnly = len(files), true
		o.addReview(ctx, r, files, before)
		r.Sort()
		return r, nil
	}
	if desiredErr != nil {
		_ = sources.Wait()
		// The directory's own findings stand; the error says why the rest
		// was not checked.
		r.Notes = append(r.Notes, fmt.Sprintf("consistency with %s not checked: it did not load", desired.Title(o.Sources)))
		r.Summary.Files = len(files)
		o.addReview(ctx, r, files, before)
		r.Sort()
		return r, desiredErr
	}
	if err := sources.Wait(); err != nil {
		return nil, err
	}
	graph := loaded.Graph
	r.Summary.Models, r.Summary.Tables, r.Summary.EnumTypes, r.Summary.Files = len(graph.Nodes), len(pgdb.Tables(want)), len(pgdb.Enums(want)), len(files)
	r.Summary.Views = len(pgdb.Views(want))
	if loaded.DeclaresExtras() {
		x := pgdb.ExtrasOf(want)
		r.Summary.Functions, r.Summary.Triggers, r.Summary.Extensions = len(x.Funcs), len(x.Triggers), len(x.Extensions)
	}

	if replayed {
		t := progress.Start(ctx, "comparing the migrations with "+desired.Title(o.Sources), 0)
		defer t.End() // and at once when done
		changes, err := pgdb.DiffRealms(ctx, o.Env.Differ(ctx), o.Env.Dev, current, want)
		if err != nil {
			return nil, fmt.Errorf("lint: compare: diff %s with %s: %w", compare.EntVsMigrations.Have, compare.EntVsMigrations.Want, err)
		}
		changes, skipped := o.DiffPolicy.Filter(changes, want)
		if len(skipped) > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("not compared, as atlas.hcl's diff policy skips them: %s", diffplan.List(skipped)))
		}
		cons := compare.Classify(changes, current, want, compare.EntVsMigrations.Composed(loaded.DeclaresExtras()), compare.WithDeclarations(loc, loaded), compare.MentionsIn(o.Dir, files))
		r.Add(cons.Findings...)
		r.Notes = append(r.Notes, cons.Notes...)
		if o.Docs != nil {
			fs, err := staleDocs(*o.Docs, desired.Title(o.Sources), graph, want, cons)
			if err != nil {
				return nil, err
			}
			r.Add(fs...)
		}
		t.End()
	} else {
		r.Notes = append(r.Notes, fmt.Sprintf("consistency with %s not checked: the directory does not replay", desired.Title(o.Sources)))
	}

	o.addReview(ctx, r, files, before)
	r.Add(stale...)
	r.Notes = append(r.Notes, genNote...)
	r.Sort()
	return r, nil
}

// staleDocs compares the committed documents with what `schemactl schema
// erd` and `schema audit` would write now.
func staleDocs(d Docs, title string, g *gen.Graph, want *schema.Realm, cons *compare.Result) ([]report.Finding, error) {
	var out []report.Finding
	for _, doc := range []struct {
		path, code, command string
		render              func() []byte
	}{
		{d.ERD, schemadoc.ERDCode, "schemactl schema erd", func() []byte { return schemadoc.ERD(want, title) }},
		{d.Audit, schemadoc.AuditCode, "schemactl schema audit", func() []byte {
			return schemadoc.Audit(schemadoc.Input{Graph: g, Desired: want, Result: cons, Against: schemadoc.AgainstMigrations})
		}},
	} {
		f, err := schemadoc.Stale(doc.path, doc.render, doc.code, doc.command)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, *f)
		}
	}
	return out, nil
}

// History is the files that precede the first added one: the part of the
// directory a review takes as given, and the part worth caching.
func History(files []migrate.File, rv *Review) []migrate.File {
	return files[:firstAdded(files, rv)]
}

// firstAdded is how many files precede the first added one: the history the
// reviewed files run against. Without a review, all files are history.
func firstAdded(files []migrate.File, rv *Review) int {
	if rv == nil {
		return len(files)
	}
	for i, f := range files {
		if slices.Contains(rv.Added, f.Name()) {
			return i
		}
	}
	return len(files)
}

// addReview adds the review of the added files, when one was asked for,
// and its totals.
func (o Options) addReview(ctx context.Context, r *report.Report, files []migrate.File, before *schema.Realm) {
	if o.Review == nil {
		return
	}
	t := progress.Start(ctx, "reviewing the added files", 0)
	defer t.End()
	r.Add(o.Review.History...)
	fs, stats, notes := review(o.Dir, files, o.Review, before)
	r.Add(fs...)
	r.Notes = append(r.Notes, notes...)
	r.Summary.Review = stats
	r.CountReview()
}

// review parses the added files with PostgreSQL's parser and runs the
// safety analyzers against the schema the earlier files built (public: the
// analyzers look tables up by unqualified name).
func review(dir *migdir.Dir, files []migrate.File, rv *Review, before *schema.Realm) ([]report.Finding, *report.Review, []string) {
	var (
		parsed []*sqlparse.File
		notes  []string
	)
	stats := &report.Review{Files: len(rv.Added)}
	for _, f := range files {
		if !slices.Contains(rv.Added, f.Name()) {
			continue
		}
		// Only what runs is reviewed: a goose or dbmate file's up section.
		p, err := sqlparse.Parse(f.Name(), dirformat.Up(f))
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s not reviewed: %v", f.Name(), err))
			continue
		}
		p.NoTx = p.NoTx || dirformat.NoTransaction(f)
		parsed = append(parsed, p)
	}
	var public *schema.Schema
	if before == nil {
		notes = append(notes, "added files reviewed without the earlier schema: the directory does not replay")
	} else {
		public = pgdb.Public(before)
	}
	stats.Statements = safety.Statements(parsed)
	return safety.Analyze(safety.Input{Dir: dir.Path(), Files: parsed, Before: public, Config: rv.Config}), stats, notes
}
