package revert

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The down of a file that retypes both ends of foreign keys, as
// open-boardgame-stats/backend's 20221023210110_ids_with_types does (it
// drops every key, turns the ids and the columns that reference them from
// bigint to varchar, and adds the keys back): the way back drops the keys
// before its ALTER COLUMNs and adds them after, so it runs on rows (it
// failed with 42804, "foreign key constraint … cannot be implemented"),
// and the keys are back, validated, as version 1 has them. The keys of
// the column and the table the file added, to a retyped id, go first too:
// Atlas drops the column with its table's other changes and the table
// last, after the id is bigint again.
func TestDownRetypesBothEndsOfForeignKeys(t *testing.T) {
	e := newEnv(t)
	e.write("1_init.sql", `CREATE TABLE groups (id bigint PRIMARY KEY);
CREATE TABLE members (id bigint PRIMARY KEY, group_id bigint NOT NULL CONSTRAINT members_group REFERENCES groups (id) ON DELETE CASCADE);
CREATE TABLE settings (id bigint PRIMARY KEY, member_id bigint CONSTRAINT settings_member REFERENCES members (id));
`, "2_ids_with_types.sql", `ALTER TABLE members DROP CONSTRAINT members_group;
ALTER TABLE settings DROP CONSTRAINT settings_member;
ALTER TABLE groups ALTER COLUMN id TYPE varchar;
ALTER TABLE members ALTER COLUMN id TYPE varchar, ALTER COLUMN group_id TYPE varchar;
ALTER TABLE settings ALTER COLUMN id TYPE varchar, ALTER COLUMN member_id TYPE varchar;
ALTER TABLE members ADD CONSTRAINT members_group FOREIGN KEY (group_id) REFERENCES groups (id) ON DELETE CASCADE;
ALTER TABLE settings ADD CONSTRAINT settings_member FOREIGN KEY (member_id) REFERENCES members (id);
ALTER TABLE settings ADD COLUMN group_id varchar REFERENCES groups (id);
CREATE TABLE invites (id int PRIMARY KEY, group_id varchar NOT NULL REFERENCES groups (id));
`)
	require.NoError(t, e.apply())
	e.exec(`INSERT INTO groups VALUES ('1'), ('2'); INSERT INTO members VALUES ('10', '1'), ('11', '2'); INSERT INTO settings VALUES ('100', '11'), ('101', NULL)`)
	keys := func() []string {
		return e.rows(`SELECT conrelid::regclass || ' ' || conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid)
			FROM pg_constraint WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname`)
	}
	want := []string{
		"members members_group true FOREIGN KEY (group_id) REFERENCES groups(id) ON DELETE CASCADE",
		"settings settings_member true FOREIGN KEY (member_id) REFERENCES members(id)",
	}
	up := []string{
		"invites invites_group_id_fkey true FOREIGN KEY (group_id) REFERENCES groups(id)",
		want[0],
		"settings settings_group_id_fkey true FOREIGN KEY (group_id) REFERENCES groups(id)",
		want[1],
	}
	require.Equal(t, up, keys())

	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, []string{"1:3/3"}, e.versions())
	require.Equal(t, want, keys())
	require.Contains(t, e.schema(), "members.group_id bigint int8 NO")
	require.Contains(t, e.schema(), "settings.member_id bigint int8 YES")
	require.Equal(t, []string{"100|11|2", "101|<nil>|<nil>"}, e.rows(`SELECT s.id, s.member_id, m.group_id FROM settings s LEFT JOIN members m ON m.id = s.member_id ORDER BY s.id`))

	// And up again: the file applies to what the down left.
	require.NoError(t, e.apply())
	require.Equal(t, up, keys())
	require.Contains(t, e.schema(), "members.group_id character varying varchar NO")
}

// A key version 1 holds NOT VALID, over a row that breaks it, whose ends
// version 2 retypes (and adds back NOT VALID): the down drops it to retype
// the columns and adds it back NOT VALID, as version 1 holds it. Added back
// validated, it failed on that row (23503) and the down rolled back.
func TestDownRetypesBothEndsOfNotValidKey(t *testing.T) {
	e := newEnv(t)
	e.write("1_init.sql", `CREATE TABLE groups (id bigint PRIMARY KEY);
CREATE TABLE members (id bigint PRIMARY KEY, group_id bigint);
INSERT INTO members VALUES (1, 99);
ALTER TABLE members ADD CONSTRAINT members_group FOREIGN KEY (group_id) REFERENCES groups (id) NOT VALID;
`, "2_ids_with_types.sql", `ALTER TABLE members DROP CONSTRAINT members_group;
ALTER TABLE groups ALTER COLUMN id TYPE varchar;
ALTER TABLE members ALTER COLUMN group_id TYPE varchar;
ALTER TABLE members ADD CONSTRAINT members_group FOREIGN KEY (group_id) REFERENCES groups (id) NOT VALID;
`)
	require.NoError(t, e.apply())
	keys := func() []string {
		return e.rows(`SELECT conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'`)
	}
	want := []string{"members_group false FOREIGN KEY (group_id) REFERENCES groups(id) NOT VALID"}
	require.Equal(t, want, keys())

	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, want, keys())
	require.Contains(t, e.schema(), "members.group_id bigint int8 YES")
	require.Equal(t, []string{"1|99"}, e.rows(`SELECT id, group_id FROM members`))
}
