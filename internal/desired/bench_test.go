package desired

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ledgerforge/schemactl/internal/cachedir"
)

const domainSchema = "../../ent/schema"

// BenchmarkLoad: this repository's 24-entity schema, loaded with its own
// Ent (warm Go build cache), composed into the desired state.
//
//   - cached: from schemactl's cache, what every run but the first pays;
//   - cold: the driver built and run (the first run, or after an edit).
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	o := Options{ServerVersion: serverVersion}
	load := func(b *testing.B) {
		if _, err := Load(ctx, EntSources(domainSchema), o); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cached", func(b *testing.B) {
		b.Setenv(cachedir.Env, b.TempDir())
		load(b)
		for b.Loop() {
			load(b)
		}
	})
	b.Run("cold", func(b *testing.B) {
		cache := b.TempDir()
		b.Setenv(cachedir.Env, cache)
		for b.Loop() {
			b.StopTimer()
			os.RemoveAll(filepath.Join(cache, "entload-v1"))
			b.StartTimer()
			load(b)
		}
	})
}
