package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/killpoint"
)

// downKillPoints are the places `migrate down` can be killed, in order;
// all but the last are before its transaction commits.
var downKillPoints = []string{
	"revert.planned",   // the plan made, before BEGIN
	"revert.checked",   // the checks run, inside the transaction
	"revert.executed",  // the statements run
	"revert.revisions", // the revisions removed
	"revert.committed", // after COMMIT
}

// TestDownKilled: kill -9 at each of down's five kill points, on the
// synthetic history with down 2 (a rename, an enum value, columns, a
// foreign key, a CONCURRENTLY index). After a kill before the commit the
// database is byte for byte as it was, rows and revisions included; after
// the commit it is exactly what an uninterrupted down leaves. Never
// between. Then the advisory lock is free: a down (or, after the commit,
// an apply and a down) runs, and ends where an uninterrupted down does.
func TestDownKilled(t *testing.T) {
	dir, _ := downHistory(t)
	dev := downDev(t)
	const keep = downFiles - 2

	ref := appliedDB(t, dir, -1)
	runDown(t, dir, ref, dev, "2")
	after := pgDump(t, ref, false)
	afterRevs := wantRevisions(t, dir, keep+1)
	require.Equal(t, afterRevs, readRevisions(t, ref))
	full := pgDump(t, appliedDB(t, dir, -1), false)
	require.NotEqual(t, full, after, "down 2 changed no schema: the kills would prove nothing")

	for i, point := range downKillPoints {
		committed := i == len(downKillPoints)-1
		u := appliedDB(t, dir, -1)
		before := pgDump(t, u, true)

		r := schemactlRun(t, []string{killpoint.Env + "=" + point}, "migrate", "down", "--dir", "file://"+dir, "--url", u, "--dev-url", dev, "2")
		require.True(t, r.killed, "%s: down was not killed (exit %d): %s%s", point, r.code, r.stdout, r.stderr)

		if committed {
			require.Equal(t, after, pgDump(t, u, false), "%s: the schema is not the one down leaves", point)
			require.Equal(t, afterRevs, readRevisions(t, u), "%s: the revisions", point)
			// The lock is free: apply runs, then the down again.
			schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", u)
			require.Equal(t, full, pgDump(t, u, false), "%s: apply after the kill", point)
		} else {
			require.Equal(t, before, pgDump(t, u, true), "%s: the database changed", point)
		}
		runDown(t, dir, u, dev, "2")
		require.Equal(t, after, pgDump(t, u, false), "%s: the down re-run ends elsewhere than an uninterrupted one", point)
		require.Equal(t, afterRevs, readRevisions(t, u), "%s: the revisions after the re-run", point)
	}
}
