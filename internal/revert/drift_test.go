package revert

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A database that differs from what its revisions record is refused,
// pointing at schema drift, and nothing changes: the way back is computed
// from the directory and would undo the hand-made change too, or fail.
func TestDriftRefused(t *testing.T) {
	for _, tc := range []struct {
		name, by, want string
	}{
		{name: "a table added by hand", by: "CREATE TABLE extra (id int)", want: `table "extra"`},
		{name: "a column dropped by hand", by: "ALTER TABLE a DROP COLUMN note", want: `column "a"."note"`},
		{name: "an index dropped by hand", by: "DROP INDEX b_n", want: `index "b_n"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, note text);\n",
				"2_b.sql", "CREATE TABLE b (id int PRIMARY KEY, n int);\nCREATE INDEX b_n ON b (n);\n")
			require.NoError(t, e.apply())
			e.exec(tc.by)
			schema, versions := e.schema(), e.versions()
			for _, o := range []Options{{N: 1}, {N: 1, Force: true}, {N: 1, DryRun: true}} {
				p, err := e.down(o)
				require.Nil(t, p)
				e.refused(err, schema, versions, "migrate down: refused: the database differs from what its revisions record (", tc.want,
					"); see `schemactl schema drift`; nothing was changed")
				require.Equal(t, 1, strings.Count(err.Error(), tc.want), "the object is named once: %v", err)
			}
		})
	}
}
