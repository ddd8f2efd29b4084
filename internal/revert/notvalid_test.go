package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The down of diff's safe files: version 2 adds a foreign key and the
// NOT NULL pattern's check NOT VALID, version 3 validates both, sets NOT
// NULL and drops the check. Going back to 2 leaves both constraints NOT
// VALID as version 2 holds them (the inspection alone would keep the
// foreign key validated and add the check back validated); going back to
// 1 drops them; going back up to 3 and down 1 again does the same.
func TestNotValidKept(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY, a_id int, n int);\n",
		"2_b.sql", "ALTER TABLE b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;\nALTER TABLE \"b\" ADD CONSTRAINT \"b n\" CHECK (n IS NOT NULL) NOT VALID;\n",
		"3_c.sql", "ALTER TABLE b VALIDATE CONSTRAINT b_a_fk;\nALTER TABLE b VALIDATE CONSTRAINT \"b n\";\nALTER TABLE b ALTER COLUMN n SET NOT NULL;\nALTER TABLE b DROP CONSTRAINT \"b n\";\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1); INSERT INTO b VALUES (1, 1, 5)")
	constraints := func() []string {
		return e.rows(`SELECT conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = 'b'::regclass AND contype IN ('f', 'c') ORDER BY conname`)
	}
	require.Equal(t, []string{"b_a_fk true FOREIGN KEY (a_id) REFERENCES a(id)"}, constraints())

	for range 2 {
		p, err := e.down(Options{N: 1})
		require.NoError(t, err)
		require.True(t, p.Reverted)
		require.Equal(t, []string{
			"b n false CHECK ((n IS NOT NULL)) NOT VALID",
			"b_a_fk false FOREIGN KEY (a_id) REFERENCES a(id) NOT VALID",
		}, constraints())
		require.Contains(t, e.schema(), "b.n integer int4 YES")
		require.Equal(t, []string{"1:2/2", "2:2/2"}, e.versions())
		require.NoError(t, e.apply()) // and up again: the same as the first time
		require.Equal(t, []string{"b_a_fk true FOREIGN KEY (a_id) REFERENCES a(id)"}, constraints())
	}

	_, err := e.down(Options{N: 2})
	require.NoError(t, err)
	require.Empty(t, constraints())
	require.Equal(t, []string{"1|1|5"}, e.rows("SELECT id, a_id, n FROM b"))
}
