package cli

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/dsn"
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
	dir     string
	to      string
	devURL  string
	noCache bool        // --no-cache: flag only
	url     string      // the target database, from the env block
	lint    config.Lint // the lint block that applies
}

// resolve reads the project file and merges it with the flags.
func resolve(cmd *cobra.Command, g *globals, flags inputs) (inputs, error) {
	path := strings.TrimPrefix(g.config, "file://")
	explicit := cmd.Flags().Changed("config")
	cfg, err := config.Load(path, g.vars)
	if err != nil {
		return inputs{}, err
	}
	if explicit && g.env == "" {
		return inputs{}, usageError{fmt.Errorf("--config %s given without --env: name the env block to use", g.config)}
	}
	env := config.Env{Lint: cfg.Lint}
	if g.env != "" {
		e, err := cfg.Env(g.env)
		if err != nil {
			return inputs{}, err
		}
		env = *e
	}
	pick := func(flag, fromEnv, def string) string {
		switch {
		case flag != "":
			return flag
		case fromEnv != "":
			return fromEnv
		}
		return def
	}
	return inputs{
		dir:     pick(flags.dir, env.Dir, defaultDir),
		to:      pick(flags.to, env.Src, defaultTo),
		devURL:  pick(flags.devURL, env.Dev, ""),
		noCache: flags.noCache,
		url:     env.URL,
		lint:    env.Lint,
	}, nil
}

// schemaDir turns --to ent://PATH into the schema package directory.
func schemaDir(to string) (string, error) {
	u, err := url.Parse(to)
	if err != nil || u.Scheme != "ent" {
		return "", usageError{fmt.Errorf("--to %s: only ent://PATH (an Ent schema package) is supported", to)}
	}
	p := u.Host + u.Path
	if p == "" {
		return "", usageError{fmt.Errorf("--to %s: no schema package path", to)}
	}
	return p, nil
}

// openDir opens --dir.
func openDir(u string) (*migdir.Dir, error) {
	d, err := migdir.Open(u)
	if errors.Is(err, migdir.ErrNoDir) {
		return nil, fmt.Errorf("--dir: %w (to start a new directory, create it first)", err)
	} else if err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	return d, nil
}

// StoreAfterEnv tunes the replay cache: a state is stored only when
// building it took at least this long (a Go duration; default 30ms).
const StoreAfterEnv = "SCHEMACTL_CACHE_STORE_AFTER"

// openEnv starts the dev databases, from the replay cache's entry for
// prefix (the files worth caching once replayed) unless --no-cache.
func openEnv(cmd *cobra.Command, in inputs, prefix []migrate.File) (*states.Env, error) {
	devURL, err := devURL(in.devURL)
	if err != nil {
		return nil, err
	}
	after := states.DefaultStoreAfter
	if v := os.Getenv(StoreAfterEnv); v != "" {
		if after, err = time.ParseDuration(v); err != nil || after < 0 {
			return nil, usageError{fmt.Errorf("%s=%q: want a duration such as 30ms or 0s", StoreAfterEnv, v)}
		}
	}
	e, err := states.Open(cmd.Context(), states.Options{DevURL: devURL, NoCache: in.noCache, Prefix: prefix, StoreAfter: after})
	if err != nil && devURL == "" {
		return nil, err // the embedded server's (e.g. missing binaries), not --dev-url's
	} else if err != nil {
		return nil, fmt.Errorf("--dev-url: %w", err)
	}
	return e, nil
}

// closeEnv stops the dev databases; a cache problem is only a warning.
func closeEnv(cmd *cobra.Command, e *states.Env) {
	if err := e.Close(); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "schemactl: warning: %v\n", err)
	}
}

// devURL checks --dev-url. An empty URL, or Atlas's docker://postgres/...
// (there is no Docker here), means the embedded database.
func devURL(devURL string) (string, error) {
	switch {
	case devURL == "" || strings.HasPrefix(devURL, "docker://postgres"):
		devURL = ""
	case strings.HasPrefix(devURL, "docker://"):
		return "", usageError{fmt.Errorf("--dev-url %s: only PostgreSQL dev databases are supported", dsn.Redact(devURL))}
	case !strings.HasPrefix(devURL, "postgres://") && !strings.HasPrefix(devURL, "postgresql://"):
		return "", usageError{fmt.Errorf("--dev-url %s: want a postgres:// or docker://postgres/ URL", dsn.Redact(devURL))}
	}
	return devURL, nil
}
