package revert

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A reverted file that changed rows is refused without --force, naming the
// file and the line of each statement; with --force the schema goes back
// and the rows stay as the file left them.
func TestDataChanges(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, note text);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'one'), (2, 'two')")
	e.write("2_data.sql", `CREATE TABLE b (id int PRIMARY KEY);
INSERT INTO a (id) VALUES (10);
-- a comment between statements
UPDATE a
   SET note = 'ten'
 WHERE id = 10;
DELETE FROM a WHERE id = 1;
MERGE INTO a USING (VALUES (2)) AS v (id) ON a.id = v.id WHEN MATCHED THEN UPDATE SET note = 'merged';
TRUNCATE b;
`)
	require.NoError(t, e.apply())
	schema, versions := e.schema(), e.versions()
	rows := []string{"2|merged", "10|ten"}
	require.Equal(t, rows, e.rows("SELECT id, note FROM a ORDER BY id"))

	path := filepath.Join(e.path, "2_data.sql")
	for _, dry := range []bool{false, true} {
		p, err := e.down(Options{N: 1, DryRun: dry})
		e.refused(err, schema, versions, "migrate down: refused: "+path+":2: INSERT changes rows, which a down does not put back: INSERT INTO a (id) VALUES (10); --force reverts the schema and leaves the rows as they are (and 4 more, listed above); nothing was changed")
		require.Equal(t, []DataChange{
			{File: path, Line: 2, Kind: "INSERT", Statement: "INSERT INTO a (id) VALUES (10);"},
			{File: path, Line: 4, Kind: "UPDATE", Statement: "UPDATE a\n   SET note = 'ten'\n WHERE id = 10;"},
			{File: path, Line: 7, Kind: "DELETE", Statement: "DELETE FROM a WHERE id = 1;"},
			{File: path, Line: 8, Kind: "MERGE", Statement: "MERGE INTO a USING (VALUES (2)) AS v (id) ON a.id = v.id WHEN MATCHED THEN UPDATE SET note = 'merged';"},
			{File: path, Line: 9, Kind: "TRUNCATE", Statement: "TRUNCATE b;"},
		}, p.DataChanges)
		require.Equal(t, path+":4: UPDATE changes rows, which a down does not put back: UPDATE a SET note = 'ten' WHERE id = 10", p.DataChanges[1].String())
	}

	p, err := e.down(Options{N: 1, Force: true})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Len(t, p.DataChanges, 5)
	require.Equal(t, []string{"1:1/1"}, e.versions())
	require.Empty(t, e.rows("SELECT 1 FROM pg_tables WHERE tablename = 'b'"))
	require.Equal(t, rows, e.rows("SELECT id, note FROM a ORDER BY id"), "the rows stay as the file left them")
}

// A file that changes no rows has no data change; SELECT, a CTE that only
// reads, and COPY TO are not writes.
func TestNoDataChanges(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\n",
		"2_read.sql", "CREATE TABLE b (id int);\nSELECT count(*) FROM a;\nWITH x AS (SELECT id FROM a) SELECT * FROM x;\n")
	require.NoError(t, e.apply())
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Empty(t, p.DataChanges)
	require.True(t, p.Reverted)
}

// A plan without checks or data changes lists none, in JSON too: [], not
// null, as for a down with nothing to revert.
func TestPlanEmptyLists(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, n int);\n",
		"2_index.sql", "CREATE INDEX a_n ON a (n);\n")
	require.NoError(t, e.apply())
	p, err := e.down(Options{N: 1, DryRun: true})
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.JSONEq(t, `{"from": "2", "to": "1", "files": [{"name": "2_index.sql", "version": "2", "applied": 1, "total": 1}],
		"checks": [], "data_changes": [], "not_reverted": [], "statements": [{"comment": "drop index \"a_n\" from table: \"a\"", "sql": "DROP INDEX \"a_n\""}],
		"dry_run": true, "reverted": false}`, string(b))
}
