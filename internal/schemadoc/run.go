package schemadoc

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/entsrc"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/states"
)

// AgainstMigrations names what the models are compared with by default.
const AgainstMigrations = "the database the migrations build"

// AuditOptions say what to audit the Ent schemas against: the database the
// migration directory builds, or, when Target is set, a live database.
type AuditOptions struct {
	Sources []desired.Source // the desired state: Ent schema packages (e.g. ent/schema) and SQL sources, composed
	Env     *states.Env      // the dev databases

	Dir   *migdir.Dir    // the migration directory
	Files []migrate.File // Dir's files, as the caller read them

	Target          *pgdb.Conn // the live database, or nil
	Schema          string     // the target's schema, e.g. public
	RevisionsSchema string     // where the target's revisions table lives, left out when it is Schema
	TargetName      string     // how the report names the target, password redacted: "the database at postgres://…"
	Exclude         []string   // atlas.hcl's exclude patterns, left out of the target (Env leaves them out of the rest)
}

// Audited is an audit: the document and the comparison it shows.
type Audited struct {
	Doc    []byte
	Result *compare.Result
}

// RunAudit compares the Ent schemas with the database the migrations build
// (as the gate does, so the two always agree) or with the live target, and
// renders the audit.
func RunAudit(ctx context.Context, o AuditOptions) (*Audited, error) {
	if o.Target != nil {
		return auditLive(ctx, o)
	}
	st, err := o.Env.Load(ctx, o.Sources, o.Files)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	loc, err := entsrc.New(st.Loaded.Dirs(), st.Graph)
	if err != nil {
		return nil, err
	}
	res, err := compare.Realms(ctx, st.Conn.Driver, o.Env.Dev, st.Current, st.Desired, compare.EntVsMigrations.Composed(st.Loaded.DeclaresExtras()),
		compare.WithDeclarations(loc, st.Loaded), compare.MentionsIn(o.Dir, o.Files))
	if err != nil {
		return nil, fmt.Errorf("schemadoc: %w", err)
	}
	doc := Audit(Input{Graph: st.Graph, Desired: st.Desired, Result: res, Against: AgainstMigrations})
	return &Audited{Doc: doc, Result: res}, nil
}

func auditLive(ctx context.Context, o AuditOptions) (*Audited, error) {
	want, loaded, err := o.Env.Desired(ctx, o.Sources...)
	if err != nil {
		return nil, err
	}
	graph := loaded.Graph
	live, err := o.Target.InspectTarget(ctx, o.Schema, o.RevisionsSchema, want)
	if err != nil {
		return nil, fmt.Errorf("schemadoc: inspect %s: %w", o.TargetName, err)
	}
	o.Env.WithoutBaseline(live)
	if err := exclude.Schemas(live, o.Exclude); err != nil {
		return nil, fmt.Errorf("schemadoc: %w", err)
	}
	loc, err := entsrc.New(loaded.Dirs(), graph)
	if err != nil {
		return nil, err
	}
	res, err := compare.Realms(ctx, o.Target.Driver, o.Env.Dev, live, want, compare.EntVsDatabase.Composed(loaded.DeclaresExtras()), compare.WithDeclarations(loc, loaded), nil)
	if err != nil {
		return nil, fmt.Errorf("schemadoc: %w", err)
	}
	doc := Audit(Input{Graph: graph, Desired: want, Result: res, Against: o.TargetName})
	return &Audited{Doc: doc, Result: res}, nil
}
