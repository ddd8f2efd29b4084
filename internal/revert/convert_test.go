package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Values that do not convert at all make the count itself fail: the
// check's Error says why, --force cannot help, and the transaction goes on
// (the checks after it still count).
func TestCheckValuesDoNotConvert(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, n integer);\n",
		"2_text.sql", "ALTER TABLE a ALTER COLUMN n TYPE text;\nCREATE TABLE z (id int);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, '12'), (2, 'abc')")
	e.exec("INSERT INTO z VALUES (1), (2), (3)")
	schema, versions := e.schema(), e.versions()

	for _, o := range []Options{{N: 1}, {N: 1, Force: true}, {N: 1, DryRun: true}} {
		p, err := e.down(o)
		e.refused(err, schema, versions, `column "a"."n": its values do not all convert: the conversion from text to integer (invalid input syntax for type integer: "abc"); --force cannot help: fix those rows first`)
		c := check(t, p, ValuesKept, `column "a"."n"`)
		require.Equal(t, `invalid input syntax for type integer: "abc"`, c.Error)
		require.True(t, c.Failed())
		require.False(t, c.Forcible, "--force cannot go past values that do not convert")
		// The check after it ran in the same transaction.
		require.Equal(t, int64(3), check(t, p, TableEmpty, `table "z"`).Rows)
	}

	e.exec("DELETE FROM a WHERE id = 2")
	e.exec("DELETE FROM z")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, `ALTER TABLE "a" ALTER COLUMN "n" TYPE integer USING "n"::integer`, p.Statements[0].SQL)
	c := check(t, p, ValuesKept, `column "a"."n"`)
	require.Empty(t, c.Error)
	require.Equal(t, int64(0), c.Rows)
	require.Equal(t, []string{"1|12"}, e.rows("SELECT id, n + 0 FROM a"))
}

// A column the down turns back into an enum must hold only the type's
// values; --force cannot convert the others.
func TestCheckValuesInEnum(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TYPE mood AS ENUM ('ok', 'sad');\nCREATE TABLE a (id int PRIMARY KEY, m mood);\n",
		"2_text.sql", "ALTER TABLE a ALTER COLUMN m TYPE text;\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'ok'), (2, 'meh'), (3, NULL)")
	schema, versions := e.schema(), e.versions()

	for _, force := range []bool{false, true} {
		p, err := e.down(Options{N: 1, Force: force})
		e.refused(err, schema, versions, `column "a"."m" holds 1 value(s) that enum type "mood" at the target version lacks; --force cannot convert them: update or delete them first`)
		c := check(t, p, ValuesInEnum, `column "a"."m"`)
		require.Equal(t, int64(1), c.Rows)
		require.False(t, c.Forcible)
	}

	e.exec("UPDATE a SET m = 'sad' WHERE id = 2")
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.Equal(t, int64(0), check(t, p, ValuesInEnum, `column "a"."m"`).Rows)
	require.Equal(t, []string{"1|ok", "2|sad", "3|<nil>"}, e.rows("SELECT id, m FROM a ORDER BY id"))
	require.Contains(t, e.schema(), "a.m USER-DEFINED mood YES")
}
