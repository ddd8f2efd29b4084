package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A column the down retypes keeps its values, or the check counts those
// that change: --force goes past it, and the values are converted.
func TestCheckValuesKept(t *testing.T) {
	for _, tc := range []struct {
		name, from, to     string
		fromSQL, toSQL     string // as the check spells them
		changed, unchanged string // a value the conversion changes, one it keeps
		after              string // the changed value, converted
	}{
		{name: "varchar", from: "varchar(5)", to: "varchar(20)", fromSQL: "character varying(5)", toSQL: "character varying(20)", changed: "'abcdefgh'", unchanged: "'abc'", after: "abcde"},
		{name: "numeric", from: "numeric(10,2)", to: "numeric(10,4)", fromSQL: "numeric(10,2)", toSQL: "numeric(10,4)", changed: "1.2345", unchanged: "1.2000", after: "1.23"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, v "+tc.from+");\n",
				"2_wider.sql", "ALTER TABLE a ALTER COLUMN v TYPE "+tc.to+";\n")
			require.NoError(t, e.apply())
			e.exec("INSERT INTO a VALUES (1, " + tc.changed + "), (2, " + tc.unchanged + "), (3, NULL)")
			schema, versions := e.schema(), e.versions()

			p, err := e.down(Options{N: 1})
			e.refused(err, schema, versions, `column "a"."v" holds 1 value(s) that the conversion from `+tc.toSQL+` to `+tc.fromSQL+` changes; --force would change them`)
			c := check(t, p, ValuesKept, `column "a"."v"`)
			require.Equal(t, int64(1), c.Rows)
			require.Empty(t, c.Error)
			require.True(t, c.Forcible)

			p, err = e.down(Options{N: 1, Force: true})
			require.NoError(t, err)
			require.True(t, p.Reverted)
			require.Equal(t, []string{"1:1/1"}, e.versions())
			require.Equal(t, "1|"+tc.after, e.rows("SELECT id, v FROM a ORDER BY id")[0])

			// Values that all survive pass.
			require.NoError(t, e.apply())
			e.exec("DELETE FROM a WHERE id = 1")
			p, err = e.down(Options{N: 1})
			require.NoError(t, err)
			require.Equal(t, int64(0), check(t, p, ValuesKept, `column "a"."v"`).Rows)
		})
	}
}
