package desired

import (
	"testing"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

const domainSchema = "../../ent/schema"

// BenchmarkLoadGraphEntc: entc compiling and running its helper program
// (warm Go build cache), what every run would pay without the cache.
func BenchmarkLoadGraphEntc(b *testing.B) {
	for b.Loop() {
		if _, err := entc.LoadGraph(domainSchema, &gen.Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadGraphCached: the same graph from schemactl's cache.
func BenchmarkLoadGraphCached(b *testing.B) {
	b.Setenv("SCHEMACTL_CACHE_DIR", b.TempDir())
	if _, err := LoadGraph(domainSchema); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadGraph(domainSchema); err != nil {
			b.Fatal(err)
		}
	}
}
