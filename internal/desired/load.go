// Package desired builds the desired database state from its sources: Ent
// schema packages, each loaded with the project's own Ent
// (internal/entload), which computes its CREATE script, and SQL sources
// (files, and programs whose output is SQL: Atlas's external_schema)
// composed with them, in order, as Atlas's composite_schema composes them.
// The scripts become one, with the schemas, the native enum types and the
// views Ent needs; and the graph schemactl locates findings with is built
// from the load specs with schemactl's Ent.
package desired

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"

	"entgo.io/ent/entc/gen"

	"github.com/ledgerforge/schemactl/internal/entgen"
	"github.com/ledgerforge/schemactl/internal/entload"
)

// ErrDuplicateTable means two schema packages declare one table.
var ErrDuplicateTable = errors.New("declared by two schema packages")

// Options say how to load.
type Options struct {
	// ServerVersion is the dev server's server_version_num (e.g. 150000),
	// which the project's Ent and Atlas plan for.
	ServerVersion int
	// Retry loads a package again whose last load failed, rather than
	// replaying the cached failure.
	Retry bool
}

// Package is one loaded schema package.
type Package struct {
	*entload.Package
	// Graph is the package's Ent graph, built by schemactl's Ent from the
	// load spec: for locating declarations, the ER diagram, the snapshot
	// check. The SQL never comes from it.
	Graph *gen.Graph
	// Generation is how the project generates this package's Ent code
	// (nil when no generate line names it), and LocateErr why it could not
	// be read: the gate checks the generated code it names.
	Generation *entgen.Generation
	LocateErr  error
}

// State is the desired state of its sources, composed: the Ent schema
// packages and the SQL sources (files, external programs) they are
// composed with.
type State struct {
	// Sources are the sources as given (a composite unexpanded).
	Sources  []Source
	Packages []*Package
	// SQL are the SQL sources, in order.
	SQL []*SQLSource
	// Graph holds every package's types, in package order: what the
	// locators, documents and counts read. Without a package, it has no
	// type.
	Graph *gen.Graph
	// DDL creates the whole state on an empty database.
	DDL DDL

	decls []declaration // what the SQL sources declare, read on first use
}

// Dirs are the Ent packages' directories, as given.
func (s *State) Dirs() []string {
	out := make([]string, len(s.Packages))
	for i, p := range s.Packages {
		out[i] = p.Dir
	}
	return out
}

// DeclaresExtras reports whether the state can declare functions, triggers
// and extensions: only a SQL source can; Ent cannot.
func (s *State) DeclaresExtras() bool { return len(s.SQL) > 0 }

// part is a stretch of the composed script: consecutive Ent packages, or
// one SQL source.
type part struct {
	ent []*Package
	sql *SQLSource
}

// Load loads the sources, in order, and composes them into one state: the
// Ent packages with the project's own Ent, the SQL files read, the
// external programs run. A table (or view) declared by two packages is an
// error naming both.
func Load(ctx context.Context, sources []Source, o Options) (*State, error) {
	if len(sources) == 0 {
		return nil, errors.New("desired: no desired-state source")
	}
	members, err := flatten(sources)
	if err != nil {
		return nil, err
	}
	st := &State{Sources: sources}
	owner := map[string]*Package{} // schema.table -> the package declaring it
	var parts []part
	for _, m := range members {
		if m.Kind != Ent {
			src, err := readSQL(ctx, m)
			if err != nil {
				return nil, err
			}
			st.SQL = append(st.SQL, src)
			parts = append(parts, part{sql: src})
			continue
		}
		p, err := loadPackage(ctx, m.Path, o)
		if err != nil {
			return nil, err
		}
		for _, t := range p.Tables {
			if err := claim(owner, p, t.Schema, t.Name, t.Type); err != nil {
				return nil, err
			}
		}
		for _, v := range p.Views {
			if err := claim(owner, p, v.Schema, v.Name, v.Type); err != nil {
				return nil, err
			}
		}
		st.Packages = append(st.Packages, p)
		if n := len(parts); n > 0 && parts[n-1].sql == nil {
			parts[n-1].ent = append(parts[n-1].ent, p)
		} else {
			parts = append(parts, part{ent: []*Package{p}})
		}
	}
	st.Graph = merge(st.Packages)
	ddl, err := compose(parts, st.Packages, len(st.SQL) > 0)
	if err != nil {
		return nil, err
	}
	st.DDL = ddl
	return st, nil
}

// loadPackage loads the Ent schema package in dir.
func loadPackage(ctx context.Context, dir string, o Options) (*Package, error) {
	generation, locateErr := entgen.Locate(dir)
	globalID, err := globalIDTarget(generation)
	if err != nil {
		return nil, err
	}
	lp, err := entload.Load(ctx, dir, entload.Options{ServerVersion: o.ServerVersion, Retry: o.Retry, GlobalIDTarget: globalID})
	if err != nil {
		return nil, err
	}
	g, err := newGraph(lp, globalID)
	if err != nil {
		return nil, err
	}
	return &Package{Package: lp, Graph: g, Generation: generation, LocateErr: locateErr}, nil
}

// claim records that p declares the table (or view) schema.name.
func claim(owner map[string]*Package, p *Package, schema, name, typ string) error {
	key := qualified(schema, name)
	if q, ok := owner[key]; ok {
		return fmt.Errorf("desired: table %q is %w: %s (%s) and %s (%s)", key, ErrDuplicateTable,
			q.Dir, declaredBy(q, schema, name), p.Dir, typeOr(typ))
	}
	owner[key] = p
	return nil
}

// declaredBy names the Ent type behind a table of p.
func declaredBy(p *Package, schema, name string) string {
	for _, t := range p.Tables {
		if t.Schema == schema && t.Name == name {
			return typeOr(t.Type)
		}
	}
	for _, v := range p.Views {
		if v.Schema == schema && v.Name == name {
			return typeOr(v.Type)
		}
	}
	return "?"
}

func typeOr(typ string) string {
	if typ == "" {
		return "a join table"
	}
	return "type " + typ
}

func qualified(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

// globalIDTarget is where the project generates the Ent code when its
// generate line (or entc.go), g, turns on the sql/globalid feature, "" when
// it does not: the feature gives every table an identity range, read from
// the generated internal/globalid.go.
func globalIDTarget(g *entgen.Generation) (string, error) {
	if g == nil || !g.GlobalID || g.Target == "" {
		return "", nil // not found: generated code is the gate's to report
	}
	abs, err := filepath.Abs(g.Target)
	if err != nil {
		return "", fmt.Errorf("desired: %w", err)
	}
	return abs, nil
}

// newGraph builds the package's graph with schemactl's Ent, as
// entc.LoadGraph would from the same spec (with the sql/globalid feature
// when globalID names the generated code).
func newGraph(p *entload.Package, globalID string) (*gen.Graph, error) {
	abs, err := filepath.Abs(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	cfg := &gen.Config{Schema: p.PkgPath, Package: path.Dir(p.PkgPath), Target: filepath.Dir(abs)}
	if globalID != "" {
		cfg.Target, cfg.Features = globalID, []gen.Feature{gen.FeatureGlobalID}
	}
	g, err := gen.NewGraph(cfg, p.Schemas...)
	if err != nil {
		return nil, fmt.Errorf("desired: ent schema %s: %w", p.Dir, err)
	}
	return g, nil
}

// merge is one graph of every package's types, for the readers that only
// walk the nodes.
func merge(ps []*Package) *gen.Graph {
	switch len(ps) {
	case 0:
		return &gen.Graph{Config: &gen.Config{}}
	case 1:
		return ps[0].Graph
	}
	g := &gen.Graph{Config: ps[0].Graph.Config}
	for _, p := range ps {
		g.Nodes = append(g.Nodes, p.Graph.Nodes...)
		g.Schemas = append(g.Schemas, p.Graph.Schemas...)
	}
	return g
}
