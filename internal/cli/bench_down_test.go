package cli_test

import (
	"context"
	"testing"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// benchDown measures `migrate down` (the last file) on a database holding
// every file, beside its bound: `migrate apply` of that one file plus one
// inspection of the database (the one down makes, pgdb.InspectLive),
// which issue 16 allows down twice over. Each
// loop takes the database back and forth, the other half untimed. The
// cache is warm, as after the gate and one earlier down.
func benchDown(b *testing.B, repo string) {
	b.Run("down", func(b *testing.B) {
		env := privateCache(b, repo)
		warmCache(b, repo, env)
		u := freshDB(b)
		runProcess(b, repo, env, "migrate", "apply", "--url", u)
		runProcess(b, repo, env, "migrate", "down", "--url", u) // warms the target's replay
		var peak int64
		for b.Loop() {
			b.StopTimer()
			runProcess(b, repo, env, "migrate", "apply", "--url", u)
			b.StartTimer()
			peak = max(peak, runProcess(b, repo, env, "migrate", "down", "--url", u))
		}
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	})
	b.Run("down-bound", func(b *testing.B) {
		env := privateCache(b, repo)
		warmCache(b, repo, env)
		u := freshDB(b)
		runProcess(b, repo, env, "migrate", "apply", "--url", u)
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer()
			runProcess(b, repo, env, "migrate", "down", "--url", u)
			b.StartTimer()
			runProcess(b, repo, env, "migrate", "apply", "--url", u)
			conn, err := pgdb.Connect(ctx, u)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := conn.InspectLive(ctx, "", "atlas_schema_revisions"); err != nil {
				b.Fatal(err)
			}
			conn.Close()
		}
	})
}
