// Package entload loads an Ent schema package with the Ent version its own
// module requires, all the way to SQL.
//
// schemactl links Ent v0.14; a project may pin v0.12 or v0.13, whose
// loader, field types and migrate code differ (uint16 is smallint up to
// v0.13 and integer from v0.14). So nothing of the project's schema goes
// through schemactl's Ent on the way to SQL: a small driver program
// (driver/main.go, embedded) is written into a scratch package directory
// inside the project's module, built there with the project's go.mod and
// the Go toolchain the project declares, and run. It loads the schema with
// the project's entc/load, converts it with the project's Ent migrate code
// and plans the CREATE statements with the project's Atlas, as Ent's own
// migrate would, and prints them as JSON with the load spec.
//
// A load, success or failure, is cached under a hash of its inputs, so an
// unchanged project never pays for the go commands again, and a broken one
// fails in milliseconds.
package entload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"entgo.io/ent/entc/load"

	"github.com/ledgerforge/schemactl/internal/progress"
)

// Options say how to load.
type Options struct {
	// ServerVersion is the dev server's server_version_num, e.g. 150000:
	// Ent's migrate and Atlas's planner plan for that version.
	ServerVersion int
	// Retry ignores a cached failure and loads again; a cached success is
	// still used (it depends on nothing but the inputs hashed).
	Retry bool
	// GlobalIDTarget, when set, is the directory the project generates its
	// Ent code into with the sql/globalid feature on: each table's identity
	// then starts at the range recorded in its internal/globalid.go, as
	// Ent's generator computes it.
	GlobalIDTarget string
}

// Package is one loaded Ent schema package.
type Package struct {
	Dir       string // the directory as given
	PkgPath   string // its import path
	Toolchain string // the GOTOOLCHAIN it was built with
	Ent       string // the Ent version the project links
	Atlas     string // the Atlas version the project links
	Cached    bool   // replayed from the cache
	// Schemas is the load spec, Pos included, for building a gen.Graph.
	Schemas []*load.Schema
	// Tables lists the tables Script creates, in order.
	Tables []Table
	// Script creates the tables (with their indexes, foreign keys and
	// checks) on an empty database, as Ent's migrate plans them with the
	// project's Atlas: tables of the default schema unqualified, others
	// qualified; no CREATE SCHEMA and no enum types.
	Script []string
	// Views are the Ent views with a definition.
	Views []View
	// Enums are the enum columns, with the SchemaType their field names.
	Enums []Enum
}

// Table is a table the script creates.
type Table struct {
	Schema string `json:"schema,omitempty"` // "" is the default schema (public)
	Name   string `json:"name"`
	Type   string `json:"type,omitempty"` // the Ent type; "" for a join table
}

// View is an Ent view (entsql.ViewAs or ViewFor), which Atlas's open-source
// planner leaves out of the script.
type View struct {
	Schema  string `json:"schema,omitempty"`
	Name    string `json:"name"`
	Def     string `json:"def"`
	Comment string `json:"comment,omitempty"`
	Type    string `json:"type,omitempty"`
}

// Enum is an enum column: Ent stores it as the PostgreSQL SchemaType its
// field names, else as varchar.
type Enum struct {
	Schema     string   `json:"schema,omitempty"`
	Table      string   `json:"table"`
	Column     string   `json:"column"`
	Type       string   `json:"type,omitempty"`  // the Ent type
	Field      string   `json:"field,omitempty"` // the Ent field
	Values     []string `json:"values"`
	SchemaType string   `json:"schema_type,omitempty"`
}

// output is what the driver prints (driver/main.go's Output).
type output struct {
	Version int               `json:"version"`
	Error   string            `json:"error,omitempty"`
	Ent     string            `json:"ent,omitempty"`
	Atlas   string            `json:"atlas,omitempty"`
	PkgPath string            `json:"pkg,omitempty"`
	Schemas []json.RawMessage `json:"schemas,omitempty"`
	Pos     []string          `json:"pos,omitempty"`
	Tables  []Table           `json:"tables,omitempty"`
	Script  []string          `json:"script,omitempty"`
	Views   []View            `json:"views,omitempty"`
	Enums   []Enum            `json:"enums,omitempty"`
}

// protocol is the driver's output version (driver/main.go).
const protocol = 1

// Error is a load that failed: the schema package, its module or the
// driver did not build or run. Msg is the first real error, on one line.
type Error struct {
	Dir     string // the directory as given
	Package string // the import path, when known
	Msg     string
	Cached  bool // replayed from the cache
}

func (e *Error) Error() string {
	pkg := ""
	if e.Package != "" {
		pkg = " (" + e.Package + ")"
	}
	return fmt.Sprintf("entload: ent schema %s%s: %s", e.Dir, pkg, e.Msg)
}

// ErrNotDir means the schema path is not a directory.
var ErrNotDir = errors.New("not a directory")

// Load loads the Ent schema package in dir with the project's own Ent.
func Load(ctx context.Context, dir string, o Options) (*Package, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("entload: %w", err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("entload: ent schema package %s: %w", dir, ErrNotDir)
	}
	m, err := findModule(abs)
	if err != nil {
		return nil, &Error{Dir: dir, Msg: err.Error()}
	}
	sweep(m.root)
	tc, err := m.toolchain()
	if err != nil {
		return nil, &Error{Dir: dir, Package: m.pkgPath(abs), Msg: err.Error()}
	}
	l := &loader{dir: dir, abs: abs, mod: m, toolchain: tc, version: o.ServerVersion, globalID: o.GlobalIDTarget}
	t := progress.Start(ctx, "loading the Ent schema "+dir, 0)
	defer t.End()
	key, keyErr := l.key() // hashes the package and the local ones it imports
	if keyErr == nil {
		if out, ok := readResult(key); ok && (out.Error == "" || !o.Retry) {
			return l.result(out, true)
		}
	}
	// A miss builds the loader: seconds with a warm Go build cache, a
	// minute or more with a cold one. Say so.
	t.Step(0, "(compiling its loader: go build)")
	out := l.run(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err() // an interrupted load says nothing about the project
	}
	if keyErr == nil {
		writeResult(key, out)
	}
	return l.result(out, false)
}

// result turns the driver's output into a Package, or its error into an
// *Error.
func (l *loader) result(out *output, cached bool) (*Package, error) {
	if out.Error != "" {
		pkg := out.PkgPath
		if pkg == "" {
			pkg = l.mod.pkgPath(l.abs)
		}
		return nil, &Error{Dir: l.dir, Package: pkg, Msg: out.Error, Cached: cached}
	}
	p := &Package{Dir: l.dir, PkgPath: out.PkgPath, Toolchain: l.toolchain, Ent: out.Ent, Atlas: out.Atlas, Cached: cached,
		Tables: out.Tables, Script: out.Script, Views: out.Views, Enums: out.Enums}
	for i, raw := range out.Schemas {
		s, err := load.UnmarshalSchema(raw)
		if err != nil {
			return nil, &Error{Dir: l.dir, Package: out.PkgPath, Msg: fmt.Sprintf("read the schema the driver printed: %v", err)}
		}
		if i < len(out.Pos) {
			s.Pos = out.Pos[i]
		}
		p.Schemas = append(p.Schemas, s)
	}
	return p, nil
}
