//go:build unix

package devdb

import (
	"context"
	"testing"
)

// BenchmarkStartFromTemplate: the embedded dev database ready from the
// cached template, with one fresh database (target: 0.3 s).
func BenchmarkStartFromTemplate(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		s, err := Start(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.CreateDatabase(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkCreateDatabase: one fresh database on a running server.
func BenchmarkCreateDatabase(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := server.CreateDatabase(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartWithBaseline: the embedded dev database ready with a
// baseline (an extension and a schema with a table), one database handed
// out: what a baseline adds to BenchmarkStartFromTemplate.
func BenchmarkStartWithBaseline(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		p, err := OpenWith(ctx, Options{Baseline: "CREATE EXTENSION citext; CREATE SCHEMA auth; CREATE TABLE auth.users (id bigint PRIMARY KEY);"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Acquire(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
