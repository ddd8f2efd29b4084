package desired

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// Kind says what a Source is.
type Kind int

// The kinds of desired-state source, as Atlas names them.
const (
	// Ent is ent://PATH: an Ent schema package.
	Ent Kind = iota
	// File is file://PATH: a SQL file, or a directory of .sql files,
	// executed on the dev database as the desired state.
	File
	// External is atlas.hcl's data "external_schema": a program whose
	// standard output is the desired state, as SQL.
	External
	// Composite is atlas.hcl's data "composite_schema": members (Ent, File
	// or External) composed in order into one desired state.
	Composite
)

// Source is one desired-state source: a --to URL, or an env's src.
type Source struct {
	Kind Kind
	// URL is the source as the user wrote it (ent://ent/schema,
	// file://schema.sql, external_schema://NAME, composite_schema://NAME):
	// what messages name.
	URL string
	// Path is an Ent package's directory, or a File's file or directory.
	Path string
	// Name is a data block's label (External, Composite).
	Name string
	// Program is an External's program and arguments; Dir, where it runs
	// ("" for the current directory).
	Program []string
	Dir     string
	// Schema is the PostgreSQL schema a composite member is loaded into
	// (its `schema "NAME"` block): a SQL member runs with search_path set
	// to it, created first if needed. "" and "public" are the default.
	Schema string
	// Members are a Composite's sources, in order.
	Members []Source
	// At is where atlas.hcl declares the source, e.g.
	// `atlas.hcl:3,1-30: data "external_schema" "triggers"`; "" for a flag.
	At string
}

// ErrScheme means a URL that is no desired-state source schemactl reads.
var ErrScheme = errors.New("want ent://PATH (an Ent schema package) or file://PATH (a SQL file or directory)")

// ParseURL reads an ent:// or file:// URL. The data sources of atlas.hcl
// (external_schema://, composite_schema://) are the config's to resolve.
func ParseURL(raw string) (Source, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "ent" && u.Scheme != "file") {
		return Source{}, ErrScheme
	}
	if u.RawQuery != "" {
		if u.Scheme == "ent" {
			// Atlas's ent:// takes ?globalid=1; here the sql/globalid feature
			// is read from the project's go:generate line, as Ent's generator
			// runs it. An ignored parameter would be a silent lie.
			return Source{}, errors.New("ent:// takes no parameters (the sql/globalid feature is read from the project's go:generate line or entc.go)")
		}
		return Source{}, errors.New("file:// takes no parameters here")
	}
	p := u.Host + u.Path
	if p == "" {
		if u.Scheme == "ent" {
			return Source{}, errors.New("no schema package path")
		}
		return Source{}, errors.New("no file path")
	}
	kind := Ent
	if u.Scheme == "file" {
		kind = File
		if strings.HasSuffix(p, ".hcl") {
			return Source{}, errors.New("an Atlas HCL schema is not read: declare the schema in SQL (file://schema.sql)")
		}
	}
	return Source{Kind: kind, URL: raw, Path: p}, nil
}

// Title names sources for a document or a message: "ent/schema", or
// "ent/schema, file://schema.sql".
func Title(sources []Source) string {
	out := make([]string, len(sources))
	for i, s := range sources {
		out[i] = s.title()
	}
	return strings.Join(out, ", ")
}

func (s Source) title() string {
	if s.Kind == Ent {
		return filepath.ToSlash(s.Path)
	}
	return s.URL
}

// EntSources are dirs as ent:// sources.
func EntSources(dirs ...string) []Source {
	out := make([]Source, len(dirs))
	for i, d := range dirs {
		out[i] = Source{Kind: Ent, URL: "ent://" + filepath.ToSlash(d), Path: d}
	}
	return out
}

// member is a source to compose, in order, with the schema it loads into.
type member struct {
	Source
	parent *Source // the composite it belongs to, if any
}

// flatten lists the members sources compose, in order: a composite's
// members in its place.
func flatten(sources []Source) ([]member, error) {
	var out []member
	for i := range sources {
		s := &sources[i]
		if s.Kind != Composite {
			out = append(out, member{Source: *s})
			continue
		}
		if len(s.Members) == 0 {
			return nil, fmt.Errorf("desired: %s: composite_schema %q has no schema blocks", s.where(), s.Name)
		}
		for _, m := range s.Members {
			if m.Kind == Composite {
				return nil, fmt.Errorf("desired: %s: composite_schema %q: member %s is a composite_schema itself: list its members instead", s.where(), s.Name, m.URL)
			}
			if m.Kind == Ent && m.Schema != "" && m.Schema != "public" {
				return nil, fmt.Errorf("desired: %s: composite_schema %q: schema %q member %s: an Ent package is loaded into \"public\" (place its tables in another schema with entsql.Schema)", s.where(), s.Name, m.Schema, m.URL)
			}
			out = append(out, member{Source: m, parent: s})
		}
	}
	return out, nil
}

// where names the source for a message: its atlas.hcl position, else its URL.
func (s *Source) where() string {
	if s.At != "" {
		return s.At
	}
	return s.URL
}

// SQLSource is a SQL member of the desired state, read: the statements it
// runs on the dev database, in order.
type SQLSource struct {
	Source
	Stmts []sqlscript.Stmt // each with the file it comes from and its line there
}

// readSQL reads a File member, or runs an External one.
func readSQL(ctx context.Context, m member) (*SQLSource, error) {
	switch m.Kind {
	case File:
		return readFile(m)
	case External:
		return runProgram(ctx, m)
	}
	return nil, fmt.Errorf("desired: %s: not a SQL source", m.URL)
}

func readFile(m member) (*SQLSource, error) {
	name := m.URL
	switch {
	case m.At != "" && strings.Contains(m.At, m.URL):
		name = m.At
	case m.At != "":
		name = m.At + ": " + m.URL
	case m.parent != nil:
		name = fmt.Sprintf("%s: composite_schema %q member %s", m.parent.where(), m.parent.Name, m.URL)
	}
	fi, err := os.Stat(m.Path)
	if err != nil {
		return nil, fmt.Errorf("desired: %s: %w", name, unwrapPath(err))
	}
	src := &SQLSource{Source: m.Source}
	if !fi.IsDir() {
		b, err := os.ReadFile(m.Path)
		if err != nil {
			return nil, fmt.Errorf("desired: %s: %w", name, unwrapPath(err))
		}
		if err := src.add(filepath.ToSlash(m.Path), b); err != nil {
			return nil, fmt.Errorf("desired: %s: %w", name, err)
		}
		return src, nil
	}
	if _, err := os.Stat(filepath.Join(m.Path, migrate.HashFileName)); err == nil {
		return nil, fmt.Errorf("desired: %s: %s holds atlas.sum, so it is a migration directory, not a schema: name a SQL file or a directory of schema files (--dir takes migrations)", name, m.Path)
	}
	entries, err := os.ReadDir(m.Path)
	if err != nil {
		return nil, fmt.Errorf("desired: %s: %w", name, unwrapPath(err))
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".sql") {
			files = append(files, e.Name())
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("desired: %s: %s holds no .sql file", name, m.Path)
	}
	slices.Sort(files) // as Atlas reads a schema directory: by name
	for _, f := range files {
		p := filepath.Join(m.Path, f)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("desired: %s: %w", name, unwrapPath(err))
		}
		if err := src.add(filepath.ToSlash(p), b); err != nil {
			return nil, fmt.Errorf("desired: %s: %w", name, err)
		}
	}
	return src, nil
}

// add splits b, the contents of file, into statements as Atlas does.
func (s *SQLSource) add(file string, b []byte) error {
	stmts, err := migrate.NewLocalFile(filepath.Base(file), b).StmtDecls()
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for _, st := range stmts {
		s.Stmts = append(s.Stmts, sqlscript.Stmt{Text: st.Text, Line: migdir.StmtLine(b, st.Pos), File: file})
	}
	return nil
}

// unwrapPath drops the *PathError's operation: "open x: no such file"
// reads as "x: no such file or directory".
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// runProgram runs an external_schema's program and reads its standard
// output as the SQL of the desired state. A failing program is one line:
// its exit status and the first line it wrote to standard error.
func runProgram(ctx context.Context, m member) (*SQLSource, error) {
	name := fmt.Sprintf("external_schema %q", m.Name)
	if m.At != "" {
		name = m.At // it names the block
	} else if m.parent != nil {
		name = m.parent.where() + ": " + name
	}
	if len(m.Program) == 0 || m.Program[0] == "" {
		return nil, fmt.Errorf("desired: %s: program is empty", name)
	}
	cmd := exec.CommandContext(ctx, m.Program[0], m.Program[1:]...)
	cmd.Dir = m.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		line := firstLine(stderr.String())
		if line == "" {
			line = "no output on standard error"
		}
		return nil, fmt.Errorf("desired: %s: program %s exited with status %d: %s", name, argv(m.Program), exit.ExitCode(), line)
	case err != nil:
		return nil, fmt.Errorf("desired: %s: program %s: %w", name, argv(m.Program), err)
	}
	src := &SQLSource{Source: m.Source}
	if err := src.add(fmt.Sprintf("external_schema.%s", m.Name), stdout.Bytes()); err != nil {
		return nil, fmt.Errorf("desired: %s: its output: %w", name, err)
	}
	return src, nil
}

// argv renders a program as atlas.hcl lists it: ["sh", "gen.sh"].
func argv(p []string) string {
	q := make([]string, len(p))
	for i, a := range p {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
