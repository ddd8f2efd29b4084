package revert

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// A txmode-none file whose third statement failed on the live rows left
// its first two applied, and a revision recording 2 of 4 and the error.
// down 1 reverts those two (the statements after the failure, an UPDATE
// among them, never ran: no data change), removes the revision, and
// status shows the file pending again.
func TestPartialRevision(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, n int);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, -1)")
	before := e.schema()
	e.write("2_half.sql", `-- atlas:txmode none

CREATE TABLE c (id int PRIMARY KEY);
ALTER TABLE a ADD COLUMN y int;
ALTER TABLE a ADD CONSTRAINT a_n_positive CHECK (n > 0);
UPDATE a SET y = 1;
`)
	err := e.apply()
	require.Error(t, err)
	require.Contains(t, err.Error(), "a_n_positive")
	require.Equal(t, []string{"1:1/1", "2:2/4"}, e.versions())
	require.Equal(t, []string{"true"}, e.rows("SELECT (error <> '')::text FROM atlas_schema_revisions.atlas_schema_revisions WHERE version = '2'"))

	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, []File{{Name: "2_half.sql", Version: "2", Applied: 2, Total: 4, file: p.Files[0].file}}, p.Files)
	require.Empty(t, p.DataChanges, "the UPDATE never ran")
	require.Equal(t, before, e.schema())
	require.Equal(t, []string{"1|-1"}, e.rows("SELECT id, n FROM a"))
	require.Equal(t, []string{"1:1/1"}, e.versions())

	st, err := apply.ReadStatus(e.ctx, e.conn, e.dir(), revisions.DefaultSchema)
	require.NoError(t, err)
	require.Equal(t, "1", st.Current)
	require.Equal(t, []string{"2_half.sql"}, st.Pending)
	require.Empty(t, st.LastError)
}

// A txmode-none file whose first statement failed ran nothing: its
// revision (0 of 2) is removed, and no statement runs.
func TestUnstartedRevision(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, n int);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, -1)")
	before := e.schema()
	e.write("2_none.sql", "-- atlas:txmode none\n\nALTER TABLE a ADD CONSTRAINT a_n_positive CHECK (n > 0);\nCREATE TABLE c (id int);\n")
	require.Error(t, e.apply())
	require.Equal(t, []string{"1:1/1", "2:0/2"}, e.versions())

	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, 0, p.Files[0].Applied)
	require.Empty(t, p.Statements)
	require.Empty(t, p.Checks)
	require.Equal(t, before, e.schema())
	require.Equal(t, []string{"1:1/1"}, e.versions())
}

// A partial revision with an applied file after it leaves the database in
// no state the directory describes: refused before anything is read.
func TestPartialRevisionNotLast(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, n int);\n",
		"2_half.sql", "-- atlas:txmode none\n\nCREATE TABLE c (id int);\nALTER TABLE a ADD CONSTRAINT a_n_positive CHECK (n > 0);\n",
		"3_d.sql", "CREATE TABLE d (id int);\n")
	require.NoError(t, e.apply())
	// As if the second statement of 2_half.sql had failed and a later
	// apply had gone on past it.
	e.exec("UPDATE atlas_schema_revisions.atlas_schema_revisions SET applied = 1 WHERE version = '2'")
	schema, versions := e.schema(), e.versions()
	require.Equal(t, []string{"1:1/1", "2:1/2", "3:1/1"}, versions)
	for _, n := range []int{1, 2} {
		p, err := e.down(Options{N: n})
		require.Nil(t, p)
		require.EqualError(t, err, "revert: 2_half.sql was applied partially (1 of 2 statements), and 3_d.sql after it: the database is in no state the directory describes")
		require.Equal(t, schema, e.schema())
		require.Equal(t, versions, e.versions())
	}
}
