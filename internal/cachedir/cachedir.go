// Package cachedir locates schemactl's per-user cache, shared by the dev
// database template, the loaded Ent graph and the inspected schemas, and
// keeps its file stores to their most recently used entries (lru.go).
package cachedir

import (
	"fmt"
	"os"
	"path/filepath"
)

// Env overrides the cache root.
const Env = "SCHEMACTL_CACHE_DIR"

// Dir is $SCHEMACTL_CACHE_DIR, or schemactl under the user cache directory
// (e.g. ~/.cache/schemactl).
func Dir() (string, error) {
	if d := os.Getenv(Env); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %w", Env, err)
	}
	return filepath.Join(d, "schemactl"), nil
}
