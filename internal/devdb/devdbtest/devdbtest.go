// Package devdbtest gives a test package one embedded dev cluster, as the
// project's tests run against real PostgreSQL: one cluster per package, a
// fresh database per test.
package devdbtest

import (
	"context"
	"fmt"
	"os"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/devdb"
)

// Runner is *testing.M.
type Runner interface{ Run() int }

// Main points schemactl's cache at a private directory, starts a cluster
// into *srv, runs the tests and removes both. Without PostgreSQL it fails
// and says how to get it: tests never skip for a missing database.
func Main(m Runner, srv **devdb.Server) int {
	cache, err := os.MkdirTemp("", "schemactl-test-cache-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(cache)
	os.Setenv(cachedir.Env, cache)
	s, err := devdb.Start(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot start the embedded dev database (on Debian `make deps` installs the server; on a Mac see docs/devdb.md#laptops): %v\n", err)
		return 2
	}
	defer s.Stop()
	*srv = s
	return m.Run()
}
