package diffplan

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

func TestParseRename(t *testing.T) {
	for in, want := range map[string]Rename{
		"users.full_name=display_name":         {Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"},
		"column:users.full_name=display_name":  {Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"},
		"history.log.note=remark":              {Kind: RenameColumn, Schema: "history", Object: "log", Member: "note", To: "remark"},
		"public.users.a=b":                     {Kind: RenameColumn, Object: "users", Member: "a", To: "b"},
		"users=accounts":                       {Kind: RenameTable, Object: "users", To: "accounts"},
		"table:history.log=events":             {Kind: RenameTable, Schema: "history", Object: "log", To: "events"},
		"type:userstatus=accountstatus":        {Kind: RenameType, Object: "userstatus", To: "accountstatus"},
		"type:history.kind=op":                 {Kind: RenameType, Schema: "history", Object: "kind", To: "op"},
		"value:userstatus.active=enabled":      {Kind: RenameValue, Object: "userstatus", Member: "active", To: "enabled"},
		"value:history.kind.delete=remove":     {Kind: RenameValue, Schema: "history", Object: "kind", Member: "delete", To: "remove"},
		`value:status."v1.0"="v2=new"`:         {Kind: RenameValue, Object: "status", Member: "v1.0", To: "v2=new"},
		`"my.table"."a""b"=c`:                  {Kind: RenameColumn, Object: "my.table", Member: `a"b`, To: "c"},
		`"odd:name"=plain`:                     {Kind: RenameTable, Object: "odd:name", To: "plain"},
		"value:status.in progress=in_progress": {Kind: RenameValue, Object: "status", Member: "in progress", To: "in_progress"},
	} {
		r, err := ParseRename(in)
		require.NoError(t, err, in)
		require.Equal(t, want, r, in)
		// String gives a value that reads back the same.
		again, err := ParseRename(r.String())
		require.NoError(t, err, r.String())
		require.Equal(t, r, again, r.String())
	}
	require.Equal(t, "users.full_name=display_name", Rename{Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"}.String())
	require.Equal(t, "table:history.log=events", Rename{Kind: RenameTable, Schema: "history", Object: "log", To: "events"}.String())

	for in, want := range map[string]string{
		"users":                     `--rename "users": want [schema.]table.column=new, table=new, table:schema.table=new, type:[schema.]type=new or value:[schema.]type.value=new`,
		"users.full_name":           `--rename "users.full_name": want [schema.]table.column=new`,
		"enum:status.a=b":           `--rename "enum:status.a=b": unknown kind "enum:" (want column:, table:, type: or value:)`,
		"users.full_name=x.y":       `--rename "users.full_name=x.y": the new name x.y is qualified: a rename keeps the object in its table, type and schema; quote a name holding '.' ("a.b")`,
		"a.b.c.d=e":                 `--rename "a.b.c.d=e": 4 names before '=' for a column rename`,
		"type:a.b.c=d":              `--rename "type:a.b.c=d": 3 names before '=' for a type rename`,
		"value:status=x":            `--rename "value:status=x": 1 names before '=' for a value rename`,
		"users.=x":                  `--rename "users.=x": empty name`,
		"users.a=":                  `--rename "users.a=": empty name`,
		`users."a=b`:                `--rename "users.\"a=b": unterminated quoted name "a=b`,
		"users.a=a":                 `--rename "users.a=a": the new name is the old one`,
		"users.a=b=c":               `--rename "users.a=b=c": unexpected "=c" after the new name`,
		"table:users.full_name.x=y": `--rename "table:users.full_name.x=y": 3 names before '=' for a table rename`,
		"=x":                        `--rename "=x": empty name`,
	} {
		_, err := ParseRename(in)
		require.Error(t, err, in)
		require.True(t, strings.HasPrefix(err.Error(), want), "%s:\n got %s\nwant %s", in, err, want)
	}
}

// Each --rename that names what the directory does not hold, or a new
// name the desired state does not hold, is refused with the flag's value.
func TestCheckRenames(t *testing.T) {
	cur, _ := inspect(t, `CREATE TYPE status AS ENUM ('a', 'b'); CREATE TABLE users (id bigint, full_name text, status status, nick text);
CREATE TABLE posts (id bigint);`)
	want, _ := inspect(t, `CREATE TYPE state AS ENUM ('a', 'c'); CREATE TABLE accounts (id bigint, display_name text, status state, nick text);
CREATE TABLE posts (id bigint);`)
	parse := func(vs ...string) []Rename {
		var rs []Rename
		for _, v := range vs {
			r, err := ParseRename(v)
			require.NoError(t, err)
			rs = append(rs, r)
		}
		return rs
	}
	ok := parse("users.full_name=display_name", "users=accounts", "type:status=state", "value:status.b=c")
	require.NoError(t, CheckRenames(cur, want, ok))
	for _, tt := range []struct {
		flags []string
		want  string
	}{
		{[]string{"users.nope=display_name", "users=accounts"}, `--rename users.nope=display_name: the migration directory has no column "nope" in table "users"`},
		{[]string{"people.full_name=display_name"}, `--rename people.full_name=display_name: the migration directory has no table "people"`},
		{[]string{"users.full_name=display_name"}, `--rename users.full_name=display_name: the desired state has no column "display_name" in table "users"`},
		{[]string{"users.full_name=x", "users=accounts"}, `--rename users.full_name=x: the desired state has no column "x" in table "accounts"`},
		{[]string{"users.full_name=nick", "users=accounts"}, `--rename users.full_name=nick: column "nick" in table "users" already exists in the migration directory`},
		{[]string{"users=people"}, `--rename users=people: the desired state has no table "people"`},
		{[]string{"users=posts"}, `--rename users=posts: table "posts" already exists in the migration directory`},
		{[]string{"ghosts=accounts"}, `--rename ghosts=accounts: the migration directory has no table "ghosts"`},
		{[]string{"table:history.users=accounts"}, `--rename table:history.users=accounts: the migration directory has no schema "history"`},
		{[]string{"type:nope=state"}, `--rename type:nope=state: the migration directory has no enum type "nope"`},
		{[]string{"type:status=other"}, `--rename type:status=other: the desired state has no enum type "other"`},
		{[]string{"value:status.z=c"}, `--rename value:status.z=c: the migration directory has no value 'z' in enum type "status"`},
		{[]string{"value:status.b=d", "type:status=state"}, `--rename value:status.b=d: the desired state has no value 'd' in enum type "state"`},
		{[]string{"value:status.b=a"}, `--rename value:status.b=a: value 'a' in enum type "status" already exists in the migration directory`},
		{[]string{"users=accounts", "table:public.users=accounts"}, `--rename users=accounts: table "users" is renamed twice (also --rename users=accounts)`},
		{[]string{"users.full_name=display_name", "users.nick=display_name", "users=accounts"}, `--rename users.nick=display_name: two renames to "display_name" (also --rename users.full_name=display_name)`},
	} {
		err := CheckRenames(cur, want, parse(tt.flags...))
		require.EqualError(t, err, tt.want, "%v", tt.flags)
	}
}

// The probable renames, and the pairs that are not: an ambiguous column
// gives both candidates, incompatible types none.
func TestProbableRenames(t *testing.T) {
	for name, tt := range map[string]struct {
		cur, want string
		pol       Policy
		found     []string // --rename value, type, others, hint
	}{
		"one column": {
			`CREATE TABLE users (id bigint, full_name varchar(100))`,
			`CREATE TABLE users (id bigint, display_name text)`, Policy{},
			[]string{`users.full_name=display_name character varying(100) 0 field.String("display_name").StorageKey("full_name")`},
		},
		"ambiguous": {
			`CREATE TABLE users (id bigint, full_name text)`,
			`CREATE TABLE users (id bigint, first_name text, last_name text, age int)`, Policy{},
			[]string{
				`users.full_name=first_name text 1 field.String("first_name").StorageKey("full_name")`,
				`users.full_name=last_name text 1 field.String("last_name").StorageKey("full_name")`,
			},
		},
		"incompatible types": {
			`CREATE TABLE users (id bigint, age int, born date)`,
			`CREATE TABLE users (id bigint, name text, born_at timestamptz)`, Policy{}, nil,
		},
		"integers and enums": {
			`CREATE TYPE s AS ENUM ('a'); CREATE TABLE t (id bigint, n int, k varchar, e s, price numeric(10,2))`,
			`CREATE TYPE s AS ENUM ('a'); CREATE TABLE t (id bigint, m bigint, kind s, price2 numeric(12,4))`, Policy{},
			[]string{
				`t.n=m integer 0 field.Int("m").StorageKey("n")`,
				`t.k=kind character varying 1 field.Enum("kind").StorageKey("k")`,
				`t.e=kind s 1 field.Enum("kind").StorageKey("e")`,
				`t.price=price2 numeric(10,2) 0 field.Float("price2").StorageKey("price")`,
			},
		},
		"skipped drops lose nothing": {
			`CREATE TABLE users (id bigint, full_name text)`,
			`CREATE TABLE users (id bigint, display_name text)`, Policy{Skip: map[string]bool{"drop_column": true}}, nil,
		},
		"table": {
			`CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE)`,
			`CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(10) UNIQUE); CREATE TABLE other (id bigint, x int)`, Policy{},
			[]string{`users=accounts  0 entsql.Annotation{Table: "users"}`},
		},
		"two tables of one shape": {
			`CREATE TABLE users (id bigint)`,
			`CREATE TABLE a (id bigint); CREATE TABLE b (id int)`, Policy{},
			[]string{`users=a  1 entsql.Annotation{Table: "users"}`, `users=b  1 entsql.Annotation{Table: "users"}`},
		},
		"enum type and value": {
			`CREATE TYPE userstatus AS ENUM ('a', 'b'); CREATE TYPE k AS ENUM ('x', 'y', 'z')`,
			`CREATE TYPE accountstatus AS ENUM ('a', 'b'); CREATE TYPE other AS ENUM ('a'); CREATE TYPE k AS ENUM ('x', 'w', 'z', 'v')`, Policy{},
			[]string{
				`value:k.y=w  0 `,
				`type:userstatus=accountstatus  0 SchemaType(map[string]string{dialect.Postgres: "userstatus"})`,
			},
		},
		"after a --rename": {
			`CREATE TYPE s AS ENUM ('a', 'b'); CREATE TABLE users (id bigint, full_name text, nick text)`,
			`CREATE TYPE t AS ENUM ('a', 'c'); CREATE TABLE accounts (id bigint, display_name text, handle text)`,
			Policy{Renames: []Rename{{Kind: RenameTable, Object: "users", To: "accounts"}, {Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"},
				{Kind: RenameType, Object: "s", To: "t"}}},
			[]string{`users.nick=handle text 0 field.String("handle").StorageKey("nick")`, `value:s.b=c  0 `},
		},
	} {
		t.Run(name, func(t *testing.T) {
			cur, _ := inspect(t, tt.cur)
			want, _ := inspect(t, tt.want)
			var found []string
			for _, p := range ProbableRenames(cur, want, tt.pol) {
				found = append(found, strings.Join([]string{p.String(), p.Type, string(rune('0' + p.Others)), p.Hint()}, " "))
			}
			require.Equal(t, tt.found, found)
		})
	}
}

// A down migration undoes the renames: the up file then the down file on
// a database with rows leave the schema as it was, and the rows.
func TestRenameDown(t *testing.T) {
	ctx := context.Background()
	const before = `CREATE TYPE userstatus AS ENUM ('pending', 'active');
CREATE TABLE users (id bigint PRIMARY KEY, full_name text, status userstatus NOT NULL DEFAULT 'active');
CREATE UNIQUE INDEX users_full_name_key ON users (full_name);`
	cur, conn := inspect(t, before)
	want, _ := inspect(t, `CREATE TYPE accountstatus AS ENUM ('pending', 'enabled');
CREATE TABLE accounts (id bigint PRIMARY KEY, display_name text, status accountstatus NOT NULL DEFAULT 'enabled', age int);
CREATE UNIQUE INDEX accounts_display_name_key ON accounts (display_name);`)
	_, err := conn.DB.ExecContext(ctx, `INSERT INTO users VALUES (1, 'Ada', 'active')`)
	require.NoError(t, err)
	rs := []Rename{
		{Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"},
		{Kind: RenameTable, Object: "users", To: "accounts"},
		{Kind: RenameValue, Object: "userstatus", Member: "active", To: "enabled"},
		{Kind: RenameType, Object: "userstatus", To: "accountstatus"},
	}
	require.NoError(t, CheckRenames(cur, want, rs))
	p, err := PlanFormat(ctx, conn.Driver, nil, cur, want, "rename", nil, at, dirformat.GolangMigrate, Policy{Renames: rs})
	require.NoError(t, err)
	require.Len(t, p.Files, 2)
	down := string(p.Files[1].Data)
	require.Equal(t, `-- rename column "display_name" of table "accounts" to "full_name"
ALTER TABLE "accounts" RENAME COLUMN "display_name" TO "full_name";
-- rename table "accounts" to "users"
ALTER TABLE "accounts" RENAME TO "users";
-- rename value "enabled" of enum type "accountstatus" to "active"
ALTER TYPE "accountstatus" RENAME VALUE 'enabled' TO 'active';
-- rename enum type "accountstatus" to "userstatus"
ALTER TYPE "accountstatus" RENAME TO "userstatus";
-- rename index "accounts_display_name_key" to "users_full_name_key"
ALTER INDEX "accounts_display_name_key" RENAME TO "users_full_name_key";
-- modify "users" table
ALTER TABLE "users" DROP COLUMN "age";
`, down)
	_, err = conn.DB.ExecContext(ctx, string(p.Files[0].Data))
	require.NoError(t, err)
	require.Equal(t, "Ada enabled", query(t, conn, `SELECT display_name || ' ' || status FROM accounts`))
	_, err = conn.DB.ExecContext(ctx, down)
	require.NoError(t, err)
	require.Equal(t, "Ada active", query(t, conn, `SELECT full_name || ' ' || status FROM users`))
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, back, cur, "again", nil, at, Policy{})
	require.NoError(t, err)
	require.Empty(t, again, "the down takes the schema back")
}

// Expressions as PostgreSQL prints them, renamed by tokens: never inside
// a string constant, a type or a function name.
func TestRenameExpr(t *testing.T) {
	require.Equal(t, `((display_name)::text <> 'full_name'::text)`, renameIdent(`((full_name)::text <> 'full_name'::text)`, "full_name", "display_name"))
	require.Equal(t, `(lower("Display") = "text"::text)`, renameIdent(`(lower(full_name) = "text"::text)`, "full_name", "Display"))
	require.Equal(t, `(text(x) = x::text)`, renameIdent(`(text(text) = text::text)`, "text", "x"))
	require.Equal(t, `(status = 'new'::history.kind)`, renameValue(`(status = 'old'::history.kind)`, "kind", "old", "new"))
	require.Equal(t, `(status = 'it''s'::kind) OR (s = 'old'::other)`, renameValue(`(status = 'old'::kind) OR (s = 'old'::other)`, "kind", "old", "it's"))
	require.Equal(t, `('a'::op) AND ('{a}'::history.op[] IS NULL) AND kind`, renameType(`('a'::kind) AND ('{a}'::history.kind[] IS NULL) AND kind`, "kind", "op"))
}
