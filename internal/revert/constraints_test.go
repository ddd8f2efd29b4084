package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A unique index, CHECK and foreign key the down adds back are checked
// against the rows added since they were dropped: duplicates, a row that
// breaks the CHECK, and one that references nothing refuse with their
// counts, not forcible (the statements would fail). Once the rows are
// fixed the down runs and the constraints are back.
func TestConstraintsAddedBackHold(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", `CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, code text, n int, CONSTRAINT c_n CHECK (n > 0), CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id));
CREATE UNIQUE INDEX c_code ON c (code);
`, "2_b.sql", "DROP INDEX c_code;\nALTER TABLE c DROP CONSTRAINT c_n, DROP CONSTRAINT c_p;\n")
	require.NoError(t, e.apply())
	e.exec(`INSERT INTO p VALUES (1);
INSERT INTO c VALUES (1, 1, 'a', 1), (2, 1, 'a', -5), (3, 99, 'b', 2), (4, NULL, NULL, NULL), (5, NULL, NULL, NULL)`)
	schema, versions := e.schema(), e.versions()

	for _, force := range []bool{false, true} {
		p, err := e.down(Options{N: 1, Force: force})
		e.refused(err, schema, versions, `migrate down: refused: index "c_code": 2 row(s) share a key, which the target version's unique index on "code" refuses; --force cannot help: remove the duplicates first (and 2 more, listed above); nothing was changed`)
		require.Equal(t, int64(2), check(t, p, UniqueHolds, `index "c_code"`).Rows)
		require.Equal(t, int64(1), check(t, p, CheckHolds, `check "c_n"`).Rows)
		require.Equal(t, int64(1), check(t, p, ForeignKeyHolds, `foreign key "c_p"`).Rows)
	}

	e.exec("UPDATE c SET code = 'c', n = 5 WHERE id = 2; UPDATE c SET p_id = 1 WHERE id = 3")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, []string{"c_code", "c_n", "c_p", "c_pkey"}, e.rows(`SELECT conname FROM pg_constraint WHERE conrelid = 'c'::regclass
		UNION SELECT indexname FROM pg_indexes WHERE tablename = 'c' ORDER BY 1`))
	require.Equal(t, []string{"1:3/3"}, e.versions())
}
