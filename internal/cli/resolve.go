package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Defaults, used in the repository root with no flags and no --env.
const (
	defaultDir = "file://migrations"
	defaultTo  = "ent://ent/schema"
)

// inputs are the resolved locations: a flag wins over the env block, which
// wins over the default.
type inputs struct {
	dir    string
	to     string
	devURL string
	url    string      // the target database, from the env block
	lint   config.Lint // the lint block that applies
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
		dir:    pick(flags.dir, env.Dir, defaultDir),
		to:     pick(flags.to, env.Src, defaultTo),
		devURL: pick(flags.devURL, env.Dev, ""),
		url:    env.URL,
		lint:   env.Lint,
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

// openDev opens the dev database pool. An empty URL, or Atlas's
// docker://postgres/... (there is no Docker here), means the embedded one.
func openDev(ctx context.Context, devURL string) (*devdb.Pool, error) {
	switch {
	case devURL == "" || strings.HasPrefix(devURL, "docker://postgres"):
		devURL = ""
	case strings.HasPrefix(devURL, "docker://"):
		return nil, usageError{fmt.Errorf("--dev-url %s: only PostgreSQL dev databases are supported", dsn.Redact(devURL))}
	case !strings.HasPrefix(devURL, "postgres://") && !strings.HasPrefix(devURL, "postgresql://"):
		return nil, usageError{fmt.Errorf("--dev-url %s: expected postgres://... or docker://postgres/...", dsn.Redact(devURL))}
	}
	p, err := devdb.Open(ctx, devURL)
	if err != nil {
		return nil, fmt.Errorf("--dev-url: %w", err)
	}
	return p, nil
}
