// Package config reads atlas.hcl, Atlas's project file, into typed settings.
// It evaluates the file as Atlas does (schemahcl and cmdapi/project.go):
// variable blocks with --var, locals, Atlas's functions (getenv, file,
// format, join, …), atlas.env, data sources and docker blocks, but only
// what the selected env block reaches, so one env works whatever another
// holds. Blocks and attributes schemactl does not use are tolerated; a
// construct it cannot carry out is an error only when the selected env uses
// its value. docs/configuration.md is the user's account of it.
package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// DefaultPath is where Atlas looks for the project file.
const DefaultPath = "atlas.hcl"

var (
	// ErrUnknownEnv means --env named no env block.
	ErrUnknownEnv = errors.New("unknown env")
	// ErrNotFound means a project file that must exist does not.
	ErrNotFound = errors.New("config file not found")
)

// Env is the selected env block, with the file's top-level lint and diff
// blocks laid under its own as Atlas does.
type Env struct {
	Name string
	Src  []string // desired state (src, or schema { src }): a string or a list composed into one
	Dev  string   // dev database URL; docker.postgres.NAME.url is docker://postgres/<major>/dev[?search_path=S]
	// DevBaseline is the SQL of the baseline of the docker block Dev comes
	// from, to run on the dev database before anything else.
	DevBaseline string
	URL         string // target database URL
	// Exclude are the env's exclude patterns, Atlas's globs of the objects
	// every comparison leaves out (see internal/exclude).
	Exclude   []string
	Migration Migration
	Lint      Lint
	Diff      Diff
	// The data sources the env reached, by name: src or a composite's
	// schema may name them by their URL (external_schema://NAME,
	// composite_schema://NAME).
	ExternalSchemas  map[string]ExternalSchema
	CompositeSchemas map[string]CompositeSchema
	// At says where each setting above is in the file, as HCL ranges
	// ("atlas.hcl:4,5-30"), so that a message about its value points there
	// rather than at a flag. Keys: src, dev, dev.baseline, url, exclude,
	// migration.dir, migration.format, migration.exclude,
	// migration.baseline, migration.revisions_schema, migration.lock_timeout.
	At map[string]string
}

// Migration is the env's migration block.
type Migration struct {
	Dir             string        // directory URL, e.g. file://migrations
	Format          string        // atlas, golang-migrate, goose, flyway, liquibase, dbmate; "" is atlas
	Exclude         []string      // more exclude patterns, applied with the env's
	Baseline        string        // the default of migrate apply --baseline
	RevisionsSchema string        // the schema of atlas_schema_revisions (--revisions-schema)
	LockTimeout     time.Duration // the default of migrate apply --lock-timeout; 0: unset
}

// Formats are the directory formats Atlas knows (migration { format }).
var Formats = []string{"atlas", "golang-migrate", "goose", "flyway", "liquibase", "dbmate"}

// File is a parsed project file.
type File struct {
	Path string
	Lint Lint // the top-level lint block
	Diff Diff // the top-level diff block
	// EnvDiffs are the diff blocks of the env blocks, selected or not:
	// without --env none of them applies, which a command may want to say.
	EnvDiffs []EnvDiff
	env      string
	sel      *Env     // the env block --env selected, if any
	have     []string // the labels of the env blocks, for messages
	anon     int      // env blocks with neither a label nor name = atlas.env

	// DefaultEnv is the env the schemactl block names (DefaultEnvBlock),
	// selected when Options.Env is empty; DefaultEnvAt is where the file
	// names it ("atlas.hcl:31,3-24"), for messages.
	DefaultEnv, DefaultEnvAt string
}

// EnvDiff is an env block's diff block: the env's name and where the
// block is ("atlas.hcl:8,3-7").
type EnvDiff struct{ Env, At string }

// Options say how to load a project file.
type Options struct {
	// Env is the env block to select (--env): atlas.env in expressions.
	// As in Atlas, only the selected block is evaluated, so an error in
	// another env block does not stop this one.
	Env string
	// Vars override variable defaults (--var name=value). A name given
	// more than once is a list, as in Atlas.
	Vars map[string][]string
	// Optional makes a missing file an empty File rather than an error
	// wrapping ErrNotFound: atlas.hcl is optional unless --config or --env
	// asks for it.
	Optional bool
}

// Load parses the project file at path and evaluates the env block
// o.Env selects, with what it refers to.
func Load(path string, o Options) (*File, error) {
	f := &File{Path: path, env: o.Env}
	src, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && o.Optional:
		return f, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
	case err != nil:
		return nil, fmt.Errorf("config: %w", err)
	}
	file, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	body := file.Body.(*hclsyntax.Body)
	if o.Env == "" {
		name, at, err := defaultEnv(body)
		if err != nil {
			return nil, err
		}
		// Selected as --env would select it: atlas.env is its name too.
		o.Env, f.env, f.DefaultEnv, f.DefaultEnvAt = name, name, name, at
	}
	e, err := newEvaluator(path, body, o)
	if err != nil {
		return nil, err
	}
	// The file's own blocks, in file order, so the first error is always
	// the same one. Blocks schemactl does not read (atlas, test, schema,
	// data, docker, locals, variable…) are evaluated only when used.
	var envs []*hclsyntax.Block
	for _, b := range body.Blocks {
		switch b.Type {
		case "lint":
			if err := e.lint(b, &f.Lint); err != nil {
				return nil, err
			}
		case "diff":
			if err := e.diff(b, &f.Diff); err != nil {
				return nil, err
			}
		case "env":
			envs = append(envs, b)
			for _, d := range b.Body.Blocks {
				if d.Type == "diff" && len(b.Labels) == 1 {
					f.EnvDiffs = append(f.EnvDiffs, EnvDiff{Env: b.Labels[0], At: d.DefRange().String()})
				}
			}
		}
	}
	var first *hclsyntax.Block
	for _, b := range f.candidates(envs) {
		if len(b.Labels) == 0 {
			// name = "${atlas.env}-x" names another env, as in Atlas.
			var name string
			if err := e.stringAttr(b.Body.Attributes["name"], nil, &name); err != nil {
				return nil, err
			}
			if name != o.Env {
				continue
			}
		}
		if first != nil {
			return nil, fmt.Errorf("%s: env %q is declared twice (also at %s)", b.DefRange(), o.Env, first.DefRange())
		}
		first = b
		env, err := e.decodeEnv(o.Env, b)
		if err != nil {
			return nil, err
		}
		env.Lint = f.Lint.extend(env.Lint)
		env.Diff = f.Diff.extend(env.Diff)
		f.sel = env
	}
	if f.sel != nil {
		f.sel.ExternalSchemas, f.sel.CompositeSchemas = e.externals, e.composites
	}
	return f, nil
}

// candidates are the blocks that may be the env --env names, as Atlas's
// partialParse selects them: the blocks labelled with it, else the
// unlabelled blocks whose name attribute uses atlas.env (their evaluated
// name decides). It also notes the labels of all env blocks, for messages.
func (f *File) candidates(envs []*hclsyntax.Block) []*hclsyntax.Block {
	var labels, dynamic []*hclsyntax.Block
	for _, b := range envs {
		switch len(b.Labels) {
		case 2:
			if b.Labels[0] == f.env {
				labels = append(labels, b) // decodeEnv says what is wrong
			}
		case 1:
			f.have = append(f.have, b.Labels[0])
			if f.env != "" && b.Labels[0] == f.env {
				labels = append(labels, b)
			}
		case 0:
			if name := b.Body.Attributes["name"]; name != nil && usesAtlasEnv(name.Expr) {
				dynamic = append(dynamic, b)
			} else {
				f.anon++
			}
		}
	}
	switch {
	case f.env == "":
		return nil
	case len(labels) > 0: // labelled blocks take precedence, as in Atlas
		return labels
	}
	return dynamic
}

// usesAtlasEnv reports whether an expression refers to atlas.env.
func usesAtlasEnv(x hcl.Expression) bool {
	for _, t := range x.Variables() {
		if len(t) >= 2 && t.RootName() == "atlas" {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == "env" {
				return true
			}
		}
	}
	return false
}

// Env returns the env block called name, which must be the one Load
// selected.
func (f *File) Env(name string) (*Env, error) {
	if f.sel != nil && name == f.env {
		return f.sel, nil
	}
	names := slices.Clone(f.have)
	sort.Strings(names)
	names = slices.Compact(names)
	have := "it declares no env blocks"
	if len(names) > 0 {
		have = "it declares: " + strings.Join(names, ", ")
	}
	if f.anon > 0 {
		have += fmt.Sprintf("; %d env block(s) without a label, which need name = atlas.env to be used", f.anon)
	}
	return nil, fmt.Errorf("%w %q in %s (%s)", ErrUnknownEnv, name, f.Path, have)
}
