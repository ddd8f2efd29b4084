package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/states"
)

// Defaults, used in the repository root with no flags and no --env.
const (
	defaultDir = "file://migrations"
	defaultTo  = "ent://ent/schema"
)

// inputs are the resolved locations: a flag wins over the env block, which
// wins over the default.
type inputs struct {
	dir       string
	dirFormat string   // the env's migration format, applied when dir has no ?format=
	to        []string // --to, repeated or comma-separated, or the env's src list: composed
	toSet     bool     // to came from --to or src, not the default
	devURL    string
	// devBaseline is the SQL of the docker block dev comes from
	// (docker "postgres" "NAME" { baseline = … }).
	devBaseline string
	noCache     bool        // --no-cache: flag only
	url         string      // the target database, from the env block
	lint        config.Lint // the lint block that applies
	diff        config.Diff // the diff block that applies
	// unusedDiffs are the env blocks' diff blocks when no --env selects
	// one (config.File.EnvDiffs): migrate diff warns of them.
	unusedDiffs []config.EnvDiff
	// exclude are the env block's exclude patterns and its migration
	// block's, which Atlas also leaves out of every comparison.
	exclude []string
	// The env's migration block: the defaults of apply's --baseline,
	// --lock-timeout and --revisions-schema.
	baseline        string
	lockTimeout     time.Duration
	revisionsSchema string
	// The data "external_schema" and "composite_schema" blocks the env
	// reached, by name; configDir is the project file's directory, where
	// their programs run by default.
	externals  map[string]config.ExternalSchema
	composites map[string]config.CompositeSchema
	configDir  string
	configFile string // the project file's base name (atlas.hcl), for notes
	// from says where dir, to and devURL came from when the env block set
	// them ("dir" -> `atlas.hcl:5,5-30: env "local" migration dir`), so a
	// bad value is blamed on the line that holds it, not on a flag the user
	// never gave. Absent: the flag or its default.
	from map[string]string
}

// The settings of inputs.from, and the flags that set them.
var settingFlags = map[string]string{"dir": "--dir", "src": "--to", "dev": "--dev-url", "url": "--url"}

// named names a setting for a message: its flag, or where the env block
// sets it, with the value.
func (in inputs) named(setting string) string {
	if at, ok := in.from[setting]; ok {
		return at
	}
	return settingFlags[setting]
}

// namedValue is named with the value, as `--to ent://x` or the env block's
// line (which quotes the value already).
func (in inputs) namedValue(setting, value string) string {
	if at, ok := in.from[setting]; ok {
		return at
	}
	return settingFlags[setting] + " " + value
}

// resolve reads the project file and merges it with the flags.
func resolve(cmd *cobra.Command, g *globals, flags inputs) (inputs, error) {
	path := strings.TrimPrefix(g.config, "file://")
	explicit := cmd.Flags().Changed("config")
	if explicit && g.env == "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return inputs{}, usageError{fmt.Errorf("--config %s: config file %q was not found", g.config, path)}
		}
	}
	// atlas.hcl is optional until --env (or --config) asks for it.
	cfg, err := config.Load(path, config.Options{Env: g.env, Vars: g.vars, Optional: g.env == ""})
	if err == nil && explicit && g.env == "" && cfg.DefaultEnv == "" {
		return inputs{}, usageError{fmt.Errorf("--config %s given without --env: name the env block to use", g.config)}
	}
	if errors.Is(err, config.ErrNotFound) {
		flag := "--config " + g.config
		if !explicit {
			flag = "--env " + g.env
		}
		return inputs{}, usageError{fmt.Errorf("%s: config file %q was not found", flag, path)}
	} else if err != nil {
		return inputs{}, err
	}
	env := config.Env{Lint: cfg.Lint, Diff: cfg.Diff}
	var unusedDiffs []config.EnvDiff
	switch {
	case g.env != "":
		e, err := cfg.Env(g.env)
		if err != nil {
			return inputs{}, err
		}
		env = *e
	case cfg.DefaultEnv != "":
		// atlas.hcl's schemactl { default_env } stands for --env.
		e, err := cfg.Env(cfg.DefaultEnv)
		if err != nil {
			return inputs{}, fmt.Errorf("%s: %s default_env: %w", cfg.DefaultEnvAt, config.DefaultEnvBlock, err)
		}
		env = *e
	default:
		unusedDiffs = cfg.EnvDiffs
	}
	m := env.Migration
	in := inputs{noCache: flags.noCache, url: env.URL, lint: env.Lint, diff: env.Diff, unusedDiffs: unusedDiffs, from: map[string]string{},
		dirFormat: m.Format, baseline: m.Baseline, lockTimeout: m.LockTimeout, revisionsSchema: m.RevisionsSchema,
		externals: env.ExternalSchemas, composites: env.CompositeSchemas, configDir: filepath.Dir(path), configFile: filepath.Base(path)}
	// schemactl works on one schema, as Atlas with ?search_path=public:
	// patterns are relative to it.
	for _, ex := range []struct {
		patterns []string
		at, name string
	}{{env.Exclude, env.At["exclude"], "exclude"}, {m.Exclude, env.At["migration.exclude"], "migration exclude"}} {
		if err := exclude.CheckSchema(ex.patterns); err != nil {
			return inputs{}, fmt.Errorf("%s: env %q %s: %w", ex.at, env.Name, ex.name, err)
		}
		for _, p := range ex.patterns {
			if !slices.Contains(in.exclude, p) {
				in.exclude = append(in.exclude, p)
			}
		}
	}
	envAt := func(setting, value string) string {
		block := "env " + strconv.Quote(env.Name) + " "
		attr := setting
		if m, ok := strings.CutPrefix(setting, "migration."); ok {
			block, attr = block+"migration ", m
		}
		return fmt.Sprintf("%s: %s%s %q", env.At[setting], block, attr, value)
	}
	pick := func(setting, flag, fromEnv, def string) string {
		switch {
		case flag != "":
			return flag
		case fromEnv != "":
			in.from[strings.TrimPrefix(setting, "migration.")] = envAt(setting, fromEnv)
			return fromEnv
		}
		return def
	}
	in.dir = pick("migration.dir", flags.dir, m.Dir, defaultDir)
	if m.Format != "" {
		in.from["format"] = envAt("migration.format", m.Format)
	}
	switch {
	case len(flags.to) > 0:
		in.to, in.toSet = flags.to, true
	case len(env.Src) > 0:
		in.to, in.toSet = env.Src, true
		value := strconv.Quote(env.Src[0])
		if len(env.Src) > 1 {
			q := make([]string, len(env.Src))
			for i, s := range env.Src {
				q[i] = strconv.Quote(s)
			}
			value = "[" + strings.Join(q, ", ") + "]"
		}
		in.from["src"] = fmt.Sprintf("%s: env %q src %s", env.At["src"], env.Name, value)
	default:
		in.to = []string{defaultTo}
	}
	in.devURL = pick("dev", flags.devURL, env.Dev, "")
	if flags.devURL == "" && env.DevBaseline != "" {
		in.devBaseline = env.DevBaseline
		in.from["dev.baseline"] = env.At["dev.baseline"]
	}
	if env.URL != "" {
		// Named without its value: messages add it, redacted.
		in.from["url"] = fmt.Sprintf("%s: env %q url", env.At["url"], env.Name)
	}
	for _, s := range []string{"migration.baseline", "migration.revisions_schema", "migration.lock_timeout"} {
		if env.At[s] != "" {
			in.from[strings.TrimPrefix(s, "migration.")] = env.At[s]
		}
	}
	return in, nil
}

// sources turns each --to URL (or src) into a desired-state source, in
// order: together they compose one desired state. ent://PATH and
// file://PATH are read here; external_schema://NAME and
// composite_schema://NAME name data blocks of atlas.hcl (dataSource).
func (in inputs) sources() ([]desired.Source, error) {
	var (
		out  []desired.Source
		seen []string // Ent package directories
	)
	for _, to := range in.to {
		named := in.namedValue("src", to)
		s, err := in.source(to, named)
		if err != nil {
			return nil, err
		}
		for _, m := range append([]desired.Source{s}, s.Members...) {
			if m.Kind != desired.Ent {
				continue
			}
			if slices.ContainsFunc(seen, func(d string) bool { return filepath.Clean(d) == filepath.Clean(m.Path) }) {
				return nil, usageError{fmt.Errorf("%s: the schema package %s is named twice", named, m.Path)}
			}
			seen = append(seen, m.Path)
		}
		out = append(out, s)
	}
	return out, nil
}

// source reads one desired-state URL; named says where it was given
// (`--to file://x.sql`, or the env block's line), for messages.
func (in inputs) source(raw, named string) (desired.Source, error) {
	if name, ok := strings.CutPrefix(raw, config.ExternalScheme); ok {
		x, ok := in.externals[name]
		if !ok {
			return desired.Source{}, usageError{fmt.Errorf("%s: atlas.hcl declares no data %q %q (read with --env)", named, "external_schema", name)}
		}
		return in.external(x), nil
	}
	if name, ok := strings.CutPrefix(raw, config.CompositeScheme); ok {
		c, ok := in.composites[name]
		if !ok {
			return desired.Source{}, usageError{fmt.Errorf("%s: atlas.hcl declares no data %q %q (read with --env)", named, "composite_schema", name)}
		}
		return in.composite(c)
	}
	s, err := desired.ParseURL(raw)
	if errors.Is(err, desired.ErrScheme) {
		return desired.Source{}, usageError{fmt.Errorf("%s: %w, or a data \"external_schema\" or \"composite_schema\" of atlas.hcl", named, err)}
	} else if err != nil {
		return desired.Source{}, usageError{fmt.Errorf("%s: %w", named, err)}
	}
	s.At = named
	return s, nil
}

// external and composite turn a data "external_schema" or
// "composite_schema" block of atlas.hcl into the source it declares. They
// are the one seam between the project file's evaluation (internal/config)
// and the desired state (internal/desired): an external_schema's program
// runs in its working_dir, relative to the project file's directory, or in
// that directory; a composite's members are read as any src is, in order,
// each with the PostgreSQL schema its block names.
func (in inputs) external(x config.ExternalSchema) desired.Source {
	dir := filepath.Join(in.configDir, x.WorkingDir)
	if filepath.IsAbs(x.WorkingDir) {
		dir = x.WorkingDir
	}
	return desired.Source{Kind: desired.External, URL: config.ExternalScheme + x.Name, Name: x.Name,
		Program: x.Program, Dir: dir, At: fmt.Sprintf("%s: data %q %q", x.At, "external_schema", x.Name)}
}

func (in inputs) composite(c config.CompositeSchema) (desired.Source, error) {
	s := desired.Source{Kind: desired.Composite, URL: config.CompositeScheme + c.Name, Name: c.Name,
		At: fmt.Sprintf("%s: data %q %q", c.At, "composite_schema", c.Name)}
	for _, m := range c.Schemas {
		named := fmt.Sprintf("%s: schema %q url %q", m.At, m.Schema, m.URL)
		ms, err := in.source(m.URL, named)
		if err != nil {
			return desired.Source{}, err
		}
		if ms.Kind == desired.Composite {
			return desired.Source{}, usageError{fmt.Errorf("%s: a composite_schema cannot hold another: list its schema blocks instead", named)}
		}
		ms.Schema = m.Schema
		s.Members = append(s.Members, ms)
	}
	return s, nil
}

// toNames is the desired state for a message: the --to values or src.
func (in inputs) toNames() string { return strings.Join(in.to, ", ") }

// openDir opens the migration directory in its format: a ?format= in the
// --dir URL wins over atlas.hcl's migration { format }, as in Atlas.
func (in inputs) openDir() (*migdir.Dir, error) {
	if _, err := dirformat.Parse(in.dirFormat); err != nil {
		at := in.from["format"]
		if at == "" {
			at = "migration format"
		}
		return nil, usageError{fmt.Errorf("%s: %w", at, err)}
	}
	d, err := migdir.OpenFormat(in.dir, in.dirFormat)
	if errors.Is(err, migdir.ErrNoDir) {
		return nil, fmt.Errorf("%s: %w (%s)", in.named("dir"), err, in.noDirHint())
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", in.named("dir"), err)
	}
	return d, nil
}

// noDirHint says what to do about a missing migration directory: create
// it, or, when the default was used, name the directory Ent projects keep
// theirs in, and atlas.hcl's envs.
func (in inputs) noDirHint() string {
	_, fromEnv := in.from["dir"]
	if in.dir != defaultDir || fromEnv {
		return "to start a new directory, create it first"
	}
	var hints []string
	for _, d := range []string{"ent/migrate/migrations", "internal/ent/migrate/migrations", "db/migrations", "migrations/postgres"} {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			hints = append(hints, "--dir file://"+d)
		}
	}
	if _, err := os.Stat(filepath.Join(in.configDir, in.configFile)); in.configFile != "" && err == nil {
		hints = append(hints, "--env NAME for an env of "+in.configFile)
	}
	if len(hints) == 0 {
		return "to start a new directory, create it first, or pass --dir"
	}
	return "pass " + strings.Join(hints, ", or ")
}

// StoreAfterEnv tunes the replay cache: a state is stored only when
// building it took at least this long (a Go duration; default 30ms).
const StoreAfterEnv = "SCHEMACTL_CACHE_STORE_AFTER"

// openEnv starts the dev databases, from the replay cache's entry for
// prefix (the files worth caching once replayed) unless --no-cache. files
// are the directory's files (nil without one): the extensions they create
// are created for the Ent schemas too.
func openEnv(cmd *cobra.Command, in inputs, files, prefix []migrate.File) (*states.Env, error) {
	devURL, major, err := devURL(in)
	if err != nil {
		return nil, err
	}
	after := states.DefaultStoreAfter
	if v := os.Getenv(StoreAfterEnv); v != "" {
		if after, err = time.ParseDuration(v); err != nil || after < 0 {
			return nil, usageError{fmt.Errorf("%s=%q: want a duration such as 30ms or 0s", StoreAfterEnv, v)}
		}
	}
	e, err := states.Open(cmd.Context(), states.Options{DevURL: devURL, NoCache: in.noCache, Prefix: prefix, StoreAfter: after, Exclude: in.exclude,
		Major: major, Baseline: in.devBaseline, BaselineFrom: in.baselineFrom(), Files: files})
	var ve *devdb.VersionError
	switch {
	case errors.As(err, &ve):
		// docker://postgres/<major> asked for a version this machine lacks.
		return nil, fmt.Errorf("%s: %w", dsn.Redact(in.namedValue("dev", in.devURL)), err)
	case err != nil && devURL == "":
		return nil, err // the embedded server's (e.g. missing binaries), not --dev-url's
	case err != nil:
		return nil, fmt.Errorf("%s: %w", dsn.Redact(in.named("dev")), err)
	}
	return e, nil
}

// baselineFrom names the dev database baseline in messages: its line in
// atlas.hcl when the config says where.
func (in inputs) baselineFrom() string {
	if at := in.from["dev.baseline"]; at != "" {
		return at + ": dev database baseline"
	}
	return ""
}

// closeEnv stops the dev databases; a cache problem is only a warning.
func closeEnv(cmd *cobra.Command, e *states.Env) {
	if err := e.Close(); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "schemactl: warning: %v\n", err)
	}
}

// devURL checks --dev-url. An empty URL, or Atlas's docker://postgres/...
// (there is no Docker here), means the embedded database, of the tag's
// major version (0: the newest installed).
func devURL(in inputs) (string, int, error) {
	devURL := in.devURL
	if devURL == "" {
		return "", 0, nil
	}
	if d, ok, err := devdb.ParseDocker(devURL); ok {
		if err != nil {
			return "", 0, usageError{fmt.Errorf("%s: %w", dsn.Redact(in.namedValue("dev", devURL)), err)}
		}
		return "", d.Major, nil
	}
	if !strings.HasPrefix(devURL, "postgres://") && !strings.HasPrefix(devURL, "postgresql://") {
		return "", 0, usageError{fmt.Errorf("%s: want a postgres:// or docker://postgres/ URL", dsn.Redact(in.namedValue("dev", devURL)))}
	}
	return devURL, 0, nil
}
