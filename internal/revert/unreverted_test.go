package revert

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Statements that change what the inspection does not read (row security,
// a policy, a grant, a sequence, storage parameters) would stay while the
// down said the file was reverted, and its next apply would fail on them:
// they are listed by file and line and refuse without --force, beside
// those the down reverts (a column, an index) or that change no schema
// (SET, DO), which are not listed. With --force the rest goes back, they
// stay, and the down says so.
func TestNotReverted(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE t (id int PRIMARY KEY);\n",
		"2_b.sql", `SET lock_timeout = '1s';
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON t USING (true);
GRANT SELECT ON t TO PUBLIC;
CREATE SEQUENCE s;
ALTER TABLE t ADD COLUMN x int, SET (fillfactor = 70);
CREATE INDEX t_x ON t (x);
DO $$ BEGIN PERFORM 1; END $$;
`)
	require.NoError(t, e.apply())
	schema, versions := e.schema(), e.versions()
	path := filepath.Join(e.path, "2_b.sql")
	want := []DataChange{
		{File: path, Line: 2, Kind: "ALTER TABLE … ENABLE ROW LEVEL SECURITY", Statement: "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"},
		{File: path, Line: 3, Kind: "CREATE POLICY", Statement: "CREATE POLICY own ON t USING (true);"},
		{File: path, Line: 4, Kind: "GRANT", Statement: "GRANT SELECT ON t TO PUBLIC;"},
		{File: path, Line: 5, Kind: "CREATE SEQUENCE", Statement: "CREATE SEQUENCE s;"},
		{File: path, Line: 6, Kind: "ALTER TABLE … SET (storage parameters)", Statement: "ALTER TABLE t ADD COLUMN x int, SET (fillfactor = 70);"},
	}
	for _, dry := range []bool{false, true} {
		p, err := e.down(Options{N: 1, DryRun: dry})
		e.refused(err, schema, versions, "migrate down: refused: "+path+":2: ALTER TABLE … ENABLE ROW LEVEL SECURITY is not reverted (the down reverts what schemactl inspects), it stays: ALTER TABLE t ENABLE ROW LEVEL SECURITY; --force reverts the rest and leaves it (and 4 more, listed above); nothing was changed")
		require.Equal(t, want, p.NotReverted)
		require.Empty(t, p.DataChanges)
	}

	p, err := e.down(Options{N: 1, Force: true})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, want, p.NotReverted)
	require.Equal(t, []string{"1:1/1"}, e.versions())
	require.NotContains(t, e.schema(), "t.x integer int4 YES", "the column went back")
	require.Equal(t, []string{"own"}, e.rows("SELECT policyname FROM pg_policies WHERE tablename = 't'"), "the policy stayed")
}
