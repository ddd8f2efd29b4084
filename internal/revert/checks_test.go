package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A table the down drops must be empty: with a row it refuses, naming the
// table and the count, and changes nothing; --force drops it; empty, it
// goes.
func TestCheckTableEmpty(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\n",
		"2_b.sql", "CREATE TABLE b (id int PRIMARY KEY, note text);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO b VALUES (1, 'kept'), (2, NULL)")
	schema, versions := e.schema(), e.versions()

	p, err := e.down(Options{N: 1})
	e.refused(err, schema, versions, `table "b" holds 2 row(s) and the target version has no such table; --force would drop them`)
	c := check(t, p, TableEmpty, `table "b"`)
	require.Equal(t, int64(2), c.Rows)
	require.True(t, c.Forcible)
	require.Equal(t, `SELECT count(*) FROM "b"`, c.SQL)
	require.False(t, p.Reverted)

	// A dry run runs the check and says the same.
	p, err = e.down(Options{N: 1, DryRun: true})
	e.refused(err, schema, versions, `table "b" holds 2 row(s)`)
	require.Equal(t, int64(2), check(t, p, TableEmpty, `table "b"`).Rows)

	p, err = e.down(Options{N: 1, Force: true})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, int64(2), check(t, p, TableEmpty, `table "b"`).Rows)
	require.Equal(t, []string{"1:1/1"}, e.versions())
	require.Empty(t, e.rows("SELECT 1 FROM pg_tables WHERE tablename = 'b'"))

	// Empty, it needs no --force.
	require.NoError(t, e.apply())
	p, err = e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, int64(0), check(t, p, TableEmpty, `table "b"`).Rows)
	require.Equal(t, []string{"1:1/1"}, e.versions())
}

// A column the down drops must be all NULL.
func TestCheckColumnNull(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\n",
		"2_note.sql", "ALTER TABLE a ADD COLUMN note text;\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'x'), (2, NULL), (3, 'y')")
	schema, versions := e.schema(), e.versions()

	p, err := e.down(Options{N: 1})
	e.refused(err, schema, versions, `column "a"."note" holds 2 non-NULL value(s) and the target version has no such column; --force would drop them`)
	c := check(t, p, ColumnNull, `column "a"."note"`)
	require.Equal(t, int64(2), c.Rows)
	require.Equal(t, `SELECT count(*) FROM "a" WHERE "note" IS NOT NULL`, c.SQL)

	// All NULL, it goes; the rows stay.
	e.exec("UPDATE a SET note = NULL")
	p, err = e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, int64(0), check(t, p, ColumnNull, `column "a"."note"`).Rows)
	require.Equal(t, []string{"1", "2", "3"}, e.rows("SELECT * FROM a ORDER BY id"))

	// --force drops the values.
	require.NoError(t, e.apply())
	e.exec("UPDATE a SET note = 'z'")
	p, err = e.down(Options{N: 1, Force: true})
	require.NoError(t, err)
	require.Equal(t, int64(3), check(t, p, ColumnNull, `column "a"."note"`).Rows)
	require.Equal(t, []string{"1", "2", "3"}, e.rows("SELECT * FROM a ORDER BY id"))
}

// An enum value the down removes must be unused, and --force does not go
// past it: the type swap would fail on the rows. Unused, the value goes
// (the type is swapped for one without it).
func TestCheckValueUnused(t *testing.T) {
	e := newEnv(t)
	e.write("1_mood.sql", "CREATE TYPE mood AS ENUM ('ok', 'sad');\nCREATE TABLE a (id int PRIMARY KEY, m mood);\n",
		"2_happy.sql", "ALTER TYPE mood ADD VALUE 'happy';\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'ok'), (2, 'happy'), (3, NULL)")
	schema, versions := e.schema(), e.versions()

	for _, force := range []bool{false, true} {
		p, err := e.down(Options{N: 1, Force: force})
		e.refused(err, schema, versions, `column "a"."m" holds 1 row(s) with value(s) "happy", which enum type "mood" lacks at the target version; --force cannot convert them`)
		c := check(t, p, ValueUnused, `column "a"."m"`)
		require.Equal(t, int64(1), c.Rows)
		require.False(t, c.Forcible)
	}

	e.exec("UPDATE a SET m = 'sad' WHERE id = 2")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, int64(0), check(t, p, ValueUnused, `column "a"."m"`).Rows)
	require.Contains(t, e.schema(), "mood:ok,sad")
	require.Equal(t, []string{"1|ok", "2|sad", "3|<nil>"}, e.rows("SELECT id, m FROM a ORDER BY id"))
	require.Equal(t, []string{"1:2/2"}, e.versions())
}

// A column the down makes NOT NULL must hold no NULL; --force cannot help.
func TestCheckNoNulls(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, x int NOT NULL);\n",
		"2_null.sql", "ALTER TABLE a ALTER COLUMN x DROP NOT NULL;\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 1), (2, NULL)")
	schema, versions := e.schema(), e.versions()

	for _, force := range []bool{false, true} {
		p, err := e.down(Options{N: 1, Force: force})
		e.refused(err, schema, versions, `column "a"."x" holds 1 NULL(s) and the target version makes it NOT NULL; --force cannot help: fill them first`)
		c := check(t, p, NoNulls, `column "a"."x"`)
		require.Equal(t, int64(1), c.Rows)
		require.False(t, c.Forcible)
	}

	e.exec("UPDATE a SET x = 2 WHERE x IS NULL")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, int64(0), check(t, p, NoNulls, `column "a"."x"`).Rows)
	require.Equal(t, []string{"1|1", "2|2"}, e.rows("SELECT id, x FROM a ORDER BY id"))
	require.Contains(t, e.schema(), "a.x integer int4 NO")
}

// An array of the enum holds the removed value in its elements: refused
// the same way (the plan's type swap would fail on it), and goes once no
// element holds it.
func TestCheckValueUnusedInArray(t *testing.T) {
	e := newEnv(t)
	e.write("1_mood.sql", "CREATE TYPE mood AS ENUM ('ok', 'sad');\nCREATE TABLE a (id int PRIMARY KEY, ms mood[]);\n",
		"2_happy.sql", "ALTER TYPE mood ADD VALUE 'happy';\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, '{ok,happy}'), (2, '{happy}'), (3, '{sad}'), (4, '{}'), (5, NULL)")
	schema, versions := e.schema(), e.versions()

	for _, force := range []bool{false, true} {
		p, err := e.down(Options{N: 1, Force: force})
		e.refused(err, schema, versions, `column "a"."ms" holds 2 row(s) with value(s) "happy", which enum type "mood" lacks at the target version; --force cannot convert them`)
		c := check(t, p, ValueUnused, `column "a"."ms"`)
		require.Equal(t, int64(2), c.Rows)
		require.Equal(t, `SELECT count(*) FROM "a" WHERE "ms"::text[] && ARRAY['happy']::text[]`, c.SQL)
	}

	e.exec("UPDATE a SET ms = array_remove(ms, 'happy')")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, int64(0), check(t, p, ValueUnused, `column "a"."ms"`).Rows)
	require.Contains(t, e.schema(), "mood:ok,sad")
	require.Equal(t, []string{"1|{ok}", "2|{}", "3|{sad}", "4|{}", "5|<nil>"}, e.rows("SELECT id, ms FROM a ORDER BY id"))
}
