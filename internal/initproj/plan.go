package initproj

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ledgerforge/schemactl/internal/atomicfile"
	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// Options are init's inputs: its flags.
type Options struct {
	Config  string              // the project file (--config), relative to the module root
	Vars    map[string][]string // --var, for reading existing env blocks
	Schemas []string            // --schema: schema package directories (or ent:// URLs)
	Dir     string              // --dir: a directory or file://DIR[?format=F]
	DevURL  string              // --dev-url
	Base    string              // --git-base: the branch pull requests merge into
	CI      string              // --ci: "" or "github"
	Force   bool                // replace files instead of refusing or extending them
	Version string              // schemactl's module version, for the workflow's go install ("" unknown)
}

// Plan is what init found and will write.
type Plan struct {
	Layout   *Layout
	Settings Settings // what the envs init adds say (empty when it adds none)
	// From says where Settings came from: "" when detected (or flagged),
	// else the existing env block they were read from.
	From    string
	Schemas []Schema      // the schema packages chosen (detected or --schema)
	Dir     *MigrationDir // the migration directory chosen; nil when Settings came from an env
	NewDir  bool          // Dir does not exist: init creates it
	Branch  Branch
	Dev     Dev
	// The project file: Existing is nil for a new (or --force replaced)
	// one; Added lists the blocks written into it (all of them for a new
	// file), nothing when it already has what init writes.
	Config   string
	Existing *Existing
	Replaced bool // --force replaced an existing file
	Added    []string
	Workflow *WorkflowPlan // --ci github
	Notes    []string      // what the user should know: kept blocks lacking something, guesses
	Outputs  []Output      // what Write writes, in order
}

// WorkflowPlan is the CI workflow's part of a plan.
type WorkflowPlan struct {
	Path     string // relative to the module root
	Same     bool   // the file exists with this content: nothing to write
	Replaced bool   // --force replaces a different file
	Workflow Workflow
}

// Build detects the project in the current directory (a Go module's
// root) and plans init's files. It writes nothing. An ambiguous layout or
// a file in the way is an error naming the flag that settles it.
func Build(o Options) (*Plan, error) {
	l, err := Detect(".")
	if err != nil {
		return nil, err
	}
	p := &Plan{Layout: l, Config: o.Config}
	p.Branch = Branch{Name: o.Base, From: "--git-base"}
	if o.Base == "" {
		p.Branch = DefaultBranch(".")
	}
	if err := p.config(o); err != nil {
		return nil, err
	}
	if o.CI == "github" {
		if err := p.workflow(o); err != nil {
			return nil, err
		}
	}
	if p.NewDir {
		p.Outputs = append([]Output{{Path: filepath.FromSlash(p.Dir.Dir), Dir: true}}, p.Outputs...)
	}
	return p, nil
}

// config plans the project file: a new one, or the blocks an existing one
// lacks.
func (p *Plan) config(o Options) error {
	src, err := os.ReadFile(o.Config)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("init: %s: %w", o.Config, err)
	case o.Force:
		p.Replaced = true
	default:
		if p.Existing, err = Inspect(src, o.Config); err != nil {
			return fmt.Errorf("init: %v; init appends only to a file it can read: fix it, or replace it with --force", err)
		}
	}
	missing := []string{LocalEnv, CIEnv}
	if p.Existing != nil {
		missing = p.Existing.MissingEnvs()
	}
	if len(missing) > 0 {
		if err := p.settings(o); err != nil {
			return err
		}
	} else {
		p.Dev = ChooseDev()
		for flag, v := range map[string]bool{"--schema": len(o.Schemas) > 0, "--dir": o.Dir != "", "--dev-url": o.DevURL != ""} {
			if v {
				p.Notes = append(p.Notes, fmt.Sprintf("%s not used: %s already has env %q and env %q", flag, o.Config, LocalEnv, CIEnv))
			}
		}
		slices.Sort(p.Notes)
	}
	var content []byte
	if p.Existing == nil {
		content = Render(p.Settings)
		p.Added = []string{fmt.Sprintf("env %q", LocalEnv), fmt.Sprintf("env %q", CIEnv), "lint", config.DefaultEnvBlock}
	} else {
		x := Extend(src, p.Existing, p.Settings)
		content, p.Added = x.Content, x.Added
		p.keptNotes()
	}
	if len(p.Added) == 0 {
		return nil
	}
	if err := validate(o.Config, content, o.Vars); err != nil {
		return err
	}
	p.Outputs = append(p.Outputs, Output{Path: o.Config, Data: content})
	return nil
}

// keptNotes says what the kept blocks of an existing file lack.
func (p *Plan) keptNotes() {
	ex := p.Existing
	if ex.Lint != nil && !ex.LintReview {
		p.Notes = append(p.Notes, fmt.Sprintf("%s: the lint block sets no git base: add git { base = %q } to it to review the migration files a branch adds", ex.Lint.At, p.Branch.Name))
	}
	if ex.Dynamic != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("%s: the env block named by atlas.env serves --env %s and --env %s; no env block added", ex.Dynamic.At, LocalEnv, CIEnv))
	}
}

// validate loads the new project file as the commands will: without
// --env, and with each env init writes. The file is written beside the real one
// (a temp file: file() and glob() read relative to its directory) and
// removed.
func validate(path string, content []byte, vars map[string][]string) error {
	tmp, err := atomicfile.WriteTemp(filepath.Dir(path), filepath.Base(path), content, 0o644)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	defer os.Remove(tmp)
	// "": the file as commands read it without --env (its default env is
	// the team's business when the file named one before init).
	for _, env := range []string{"", LocalEnv, CIEnv} {
		f, err := config.Load(tmp, config.Options{Env: env, Vars: vars})
		if err == nil && env != "" {
			_, err = f.Env(env)
		}
		if err != nil {
			msg := strings.ReplaceAll(err.Error(), tmp, path)
			return fmt.Errorf("init: the %s init would write does not load: %s", path, msg)
		}
	}
	return nil
}

// settings decides what the added envs say: read from an existing env
// "local" or "ci" (the added one then compares what that one compares),
// else from the flags and what Detect found.
func (p *Plan) settings(o Options) error {
	p.Dev = ChooseDev()
	if o.DevURL != "" {
		p.Dev = Dev{URL: o.DevURL, Why: "--dev-url"}
		if d, ok, err := devdb.ParseDocker(o.DevURL); err != nil {
			return fmt.Errorf("init: --dev-url %s: %w", o.DevURL, err)
		} else if ok {
			p.Dev.Major = d.Major
		}
	}
	s := &p.Settings
	s.Base, s.Dev = p.Branch.Name, p.Dev.URL
	if p.Existing != nil && len(o.Schemas) == 0 && o.Dir == "" {
		for _, name := range []string{LocalEnv, CIEnv} {
			if !p.Existing.Has(name) {
				continue
			}
			f, err := config.Load(o.Config, config.Options{Env: name, Vars: o.Vars})
			if err != nil {
				return fmt.Errorf("init: reading env %q of %s: %w", name, o.Config, err)
			}
			e, err := f.Env(name)
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			s.Src, s.Dir, s.Format = e.Src, e.Migration.Dir, dirformat.Format(e.Migration.Format)
			s.Exclude, s.MigrationExclude = e.Exclude, e.Migration.Exclude
			// Its dev database, unless CI cannot start it: a server URL (a
			// laptop's localhost), or an image the embedded one cannot run.
			if d, ok, err := devdb.ParseDocker(e.Dev); ok && err == nil && o.DevURL == "" {
				s.Dev, p.Dev = e.Dev, Dev{URL: e.Dev, Major: d.Major, Why: fmt.Sprintf("env %q", name)}
			}
			p.From = fmt.Sprintf("env %q of %s", name, o.Config)
			break
		}
	}
	if len(s.Src) == 0 {
		if err := p.chooseSchemas(o); err != nil {
			return err
		}
		for _, sc := range p.Schemas {
			s.Src = append(s.Src, "ent://"+sc.Dir)
		}
	}
	if s.Dir == "" {
		if err := p.chooseDir(o); err != nil {
			return err
		}
		s.Dir, s.Format = "file://"+p.Dir.Dir, p.Dir.Format
	}
	return nil
}

// chooseSchemas takes --schema, else the one schema package found.
func (p *Plan) chooseSchemas(o Options) error {
	l := p.Layout
	if len(o.Schemas) > 0 {
		for _, raw := range o.Schemas {
			dir := path.Clean(filepath.ToSlash(strings.TrimPrefix(raw, "ent://")))
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("init: --schema %s: no such directory", raw)
			}
			i := slices.IndexFunc(l.Schemas, func(s Schema) bool { return s.Dir == dir })
			if i < 0 {
				p.Notes = append(p.Notes, fmt.Sprintf("--schema %s: no Go type there embeds ent.Schema; it is written as given", raw))
				p.Schemas = append(p.Schemas, Schema{Dir: dir})
				continue
			}
			p.Schemas = append(p.Schemas, l.Schemas[i])
		}
		return nil
	}
	switch len(l.Schemas) {
	case 0:
		return fmt.Errorf("init: found no Ent schema package (no Go type embedding ent.Schema, outside vendor, testdata and node_modules%s); name it with --schema", nestedNote(l))
	case 1:
		p.Schemas = l.Schemas
		return nil
	}
	var names []string
	for _, s := range l.Schemas {
		names = append(names, s.Describe())
	}
	return fmt.Errorf("init: found %d Ent schema packages: %s; name the one to use with --schema (repeat it to compose several)", len(names), strings.Join(names, ", "))
}

func nestedNote(l *Layout) string {
	if len(l.Nested) == 0 {
		return ""
	}
	return "; other modules, not searched: " + strings.Join(l.Nested, ", ")
}

// chooseDir takes --dir, else the one migration directory found, else a
// new directory beside the generated Ent package, where Ent's
// documentation puts it: <ent>/migrate/migrations.
func (p *Plan) chooseDir(o Options) error {
	l := p.Layout
	if o.Dir != "" {
		dir, format, _ := strings.Cut(strings.TrimPrefix(o.Dir, "file://"), "?format=")
		dir = path.Clean(filepath.ToSlash(dir))
		f, err := dirformat.Parse(format)
		if err != nil {
			return fmt.Errorf("init: --dir %s: %w", o.Dir, err)
		}
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			p.Dir, p.NewDir = &MigrationDir{Dir: dir, Format: f}, true
			return nil
		case err != nil:
			return fmt.Errorf("init: --dir %s: %w", o.Dir, err)
		case !fi.IsDir():
			return fmt.Errorf("init: --dir %s: %s is a file, not a directory", o.Dir, dir)
		}
		d, err := InspectDir(dir)
		if err != nil {
			return fmt.Errorf("init: --dir %s: %w", o.Dir, err)
		}
		d.Dir = dir
		if format != "" {
			d.Format, d.Evidence = f, "--dir"
		}
		p.Dir = &d
		return nil
	}
	switch len(l.Dirs) {
	case 0:
		base := path.Dir(p.Schemas[0].Dir)
		if g := p.Schemas[0].Generated; g != "" {
			base = g
		}
		dir := path.Join(base, "migrate", "migrations")
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			return fmt.Errorf("init: %s is a file: name the migration directory to create with --dir", dir)
		}
		p.Dir, p.NewDir = &MigrationDir{Dir: dir, Format: dirformat.Atlas}, true
		return nil
	case 1:
		p.Dir = &l.Dirs[0]
		return nil
	}
	var names []string
	for _, d := range l.Dirs {
		names = append(names, d.Describe())
	}
	return fmt.Errorf("init: found %d migration directories: %s; name the one to use with --dir", len(names), strings.Join(names, "; "))
}

// workflow plans .github/workflows/schema.yml at the git work tree's root
// (the module's directory outside a git repository).
func (p *Plan) workflow(o Options) error {
	src, dev := p.ciEnv(o)
	w := Workflow{Tool: p.Layout.Tool, Version: o.Version, Major: p.Dev.Major, Env: CIEnv}
	switch d, ok, _ := devdb.ParseDocker(dev); {
	case ok:
		w.Major = d.Major
	case dev != "":
		p.Notes = append(p.Notes, fmt.Sprintf("env %q's dev database is not a docker://postgres/ URL: the workflow must give the job that server (a service container), which it does not", CIEnv))
	}
	if w.Major == 0 {
		w.Major = DefaultMajor // docker://postgres/latest: the newest installed, and this one is
	}
	wp := &WorkflowPlan{Path: filepath.FromSlash(WorkflowPath)}
	if top := GitTop("."); top != "" {
		wd, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if wd, err = filepath.EvalSymlinks(wd); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		rel, err := filepath.Rel(top, wd)
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		w.ModuleDir = filepath.ToSlash(rel)
		wp.Path = filepath.Join(top, filepath.FromSlash(WorkflowPath))
		if r, err := filepath.Rel(wd, wp.Path); err == nil {
			wp.Path = r
		}
	}
	// The packages whose go:generate the freshness step runs: those of the
	// ent:// schemas the gate compares.
	for _, src := range src {
		dir, ok := strings.CutPrefix(src, "ent://")
		if !ok {
			continue
		}
		dir = path.Clean(dir)
		i := slices.IndexFunc(p.Layout.Schemas, func(s Schema) bool { return s.Dir == dir })
		if i >= 0 && p.Layout.Schemas[i].Generated != "" && !slices.Contains(w.Generate, p.Layout.Schemas[i].GenerateDir) {
			w.Generate = append(w.Generate, p.Layout.Schemas[i].GenerateDir)
		}
	}
	if len(w.Generate) == 0 {
		p.Notes = append(p.Notes, "no `//go:generate` line runs Ent's generator on the schema package: the workflow does not check that generated code is committed")
	}
	wp.Workflow = w
	content := w.Render()
	old, err := os.ReadFile(wp.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("init: %s: %w", wp.Path, err)
	case bytes.Equal(old, content):
		wp.Same = true
	case !o.Force:
		return fmt.Errorf("init: %s exists: nothing written; compare it with what init writes (move it aside and run init again), or replace it with --force", wp.Path)
	default:
		wp.Replaced = true
	}
	p.Workflow = wp
	if !wp.Same {
		p.Outputs = append(p.Outputs, Output{Path: wp.Path, Data: content})
	}
	return nil
}

// ciEnv is what the CI env compares, and its dev URL: the env's own when
// atlas.hcl keeps one, else what init writes.
func (p *Plan) ciEnv(o Options) (src []string, dev string) {
	if p.Existing != nil && p.Existing.Has(CIEnv) {
		if f, err := config.Load(o.Config, config.Options{Env: CIEnv, Vars: o.Vars}); err == nil {
			if e, err := f.Env(CIEnv); err == nil {
				return e.Src, e.Dev
			}
		}
	}
	return p.Settings.Src, p.Settings.Dev
}

// Describe names a schema package for a message: "ent/schema (2 types)".
func (s Schema) Describe() string {
	if len(s.Types) == 1 {
		return fmt.Sprintf("%s (1 type)", s.Dir)
	}
	return fmt.Sprintf("%s (%d types)", s.Dir, len(s.Types))
}

// Describe names a migration directory for a message: "db/migrations (a
// golang-migrate directory, 4 files, atlas.sum)".
func (d MigrationDir) Describe() string {
	s := fmt.Sprintf("%s (%s directory, %d file", d.Dir, d.Format.Article(), d.Files)
	if d.Files != 1 {
		s += "s"
	}
	if d.Sum {
		s += ", atlas.sum"
	}
	return s + ")"
}
