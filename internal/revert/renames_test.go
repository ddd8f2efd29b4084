package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The renames the reverted file made are renamed back, and the rows stay:
// a column, a table, an enum type and one of its values, and a table
// renamed and then one of its columns (named by the table's new name).
// Nothing is dropped, so no check has rows in its way.
func TestRenamesBack(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", `CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE a (id int PRIMARY KEY, name text, m mood);
CREATE TABLE b (id int PRIMARY KEY);
CREATE TABLE d (id int PRIMARY KEY, v text);
`)
	require.NoError(t, e.apply())
	before := e.schema()
	e.write("2_renames.sql", `ALTER TABLE a RENAME COLUMN name TO full_name;
ALTER TABLE b RENAME TO c;
ALTER TYPE mood RENAME TO feeling;
ALTER TYPE feeling RENAME VALUE 'ok' TO 'fine';
ALTER TABLE d RENAME TO e;
ALTER TABLE e RENAME COLUMN v TO w;
`)
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'ann', 'fine'), (2, 'bob', 'sad')")
	e.exec("INSERT INTO c VALUES (7)")
	e.exec("INSERT INTO e VALUES (1, 'x')")

	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	for _, c := range p.Checks {
		require.False(t, c.Failed(), "%s", c)
		require.NotEqual(t, TableEmpty, c.Kind, "a renamed table is not dropped: %s", c)
		require.NotEqual(t, ColumnNull, c.Kind, "a renamed column is not dropped: %s", c)
	}
	for _, s := range p.Statements {
		require.NotContains(t, s.SQL, "DROP TABLE")
		require.NotContains(t, s.SQL, "DROP COLUMN")
	}
	require.Equal(t, before, e.schema())
	require.Equal(t, []string{"1|ann|ok", "2|bob|sad"}, e.rows("SELECT id, name, m FROM a ORDER BY id"))
	require.Equal(t, []string{"7"}, e.rows("SELECT id FROM b"))
	require.Equal(t, []string{"1|x"}, e.rows("SELECT id, v FROM d"))
	require.Equal(t, []string{"1:4/4"}, e.versions())
}

// A column renamed twice over two reverted files goes back to its first
// name in one rename.
func TestRenamedTwice(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, first text);\n",
		"2_second.sql", "ALTER TABLE a RENAME COLUMN first TO second;\n",
		"3_third.sql", "ALTER TABLE a RENAME COLUMN second TO third;\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'kept')")
	p, err := e.down(Options{N: 2})
	require.NoError(t, err)
	require.Equal(t, []Statement{{Comment: `rename column "third" of table "a" to "first"`, SQL: `ALTER TABLE "a" RENAME COLUMN "third" TO "first"`}}, p.Statements)
	require.Equal(t, []string{"1|kept"}, e.rows("SELECT id, first FROM a"))
}

// A column renamed and retyped by the same file is renamed back, then
// converted back under its first name; its values are checked under the
// live one.
func TestRenamedAndRetyped(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, v integer);\n",
		"2_w.sql", "ALTER TABLE a RENAME COLUMN v TO w;\nALTER TABLE a ALTER COLUMN w TYPE text;\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'abc')")
	schema, versions := e.schema(), e.versions()
	p, err := e.down(Options{N: 1})
	e.refused(err, schema, versions, `column "a"."w": its values do not all convert: the conversion from text to integer`)
	require.Equal(t, `SELECT count(*) FROM "a" WHERE "w" IS NOT NULL AND (("w"::integer)::text)::text IS DISTINCT FROM "w"::text`, check(t, p, ValuesKept, `column "a"."w"`).SQL)

	e.exec("UPDATE a SET w = '12'")
	p, err = e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, []Statement{
		{Comment: `rename column "w" of table "a" to "v"`, SQL: `ALTER TABLE "a" RENAME COLUMN "w" TO "v"`},
		{Comment: `modify "a" table`, SQL: `ALTER TABLE "a" ALTER COLUMN "v" TYPE integer USING "v"::integer`},
	}, p.Statements)
	require.Equal(t, []string{"1|13"}, e.rows("SELECT id, v + 1 FROM a"))
}
