package diffplan

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// idsAs is a schema whose ids and the columns that reference them are of
// type typ (open-boardgame-stats/backend's 20221023210110_ids_with_types
// turned them from bigint to varchar): a chain of keys a <- b <- c, and a
// key of b to itself. The first version also has a column of c and a
// table y with keys to a; the second drops them, changes the ON DELETE of
// c's key to a, and adds a column of c and a table z with keys to a.
func idsAs(typ string, second bool) string {
	onDelete, more, other := "", ", old_a_id {T} CONSTRAINT c_old_fk REFERENCES a (id)", "CREATE TABLE y (id int PRIMARY KEY, a_id {T} CONSTRAINT y_a_fk REFERENCES a (id));"
	if second {
		onDelete = "ON DELETE SET NULL"
		more = ", extra_a_id {T} CONSTRAINT c_extra_fk REFERENCES a (id)"
		other = "CREATE TABLE z (id int PRIMARY KEY, a_id {T} CONSTRAINT z_a_fk REFERENCES a (id));"
	}
	return strings.NewReplacer("{T}", typ).Replace(`
CREATE TABLE a (id {T} PRIMARY KEY);
CREATE TABLE b (id {T} PRIMARY KEY, a_id {T} NOT NULL CONSTRAINT b_a_fk REFERENCES a (id) ON DELETE CASCADE,
  parent_id {T} CONSTRAINT b_parent_fk REFERENCES b (id));
CREATE TABLE c (id bigint PRIMARY KEY, b_id {T} CONSTRAINT c_b_fk REFERENCES b (id),
  a_id {T} CONSTRAINT c_a_fk REFERENCES a (id) ` + onDelete + more + `, note text);
` + other)
}

const idsRows = `INSERT INTO a VALUES (1), (2);
INSERT INTO b VALUES (10, 1, NULL), (11, 2, 10);
INSERT INTO c (id, b_id, a_id, note) VALUES (100, 10, 1, 'x'), (101, 11, NULL, 'y');`

// keys lists the foreign keys of the public schema, with whether each is
// validated.
func keys(t *testing.T, conn *pgdb.Conn) string {
	t.Helper()
	return query(t, conn, `SELECT conrelid::regclass || ' ' || conname || ' ' || convalidated || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname`)
}

// aroundRetypes asserts that sql drops each of drops before its first
// column type change (to typ) and adds each of adds after its last.
func aroundRetypes(t *testing.T, sql, typ string, drops, adds []string) {
	t.Helper()
	first, last := strings.Index(sql, " TYPE "+typ), strings.LastIndex(sql, " TYPE "+typ)
	require.Positive(t, first, sql)
	for _, fk := range drops {
		i := strings.Index(sql, `DROP CONSTRAINT "`+fk+`"`)
		require.True(t, i >= 0 && i < first, "%s is dropped before the columns change:\n%s", fk, sql)
	}
	for _, fk := range adds {
		require.Greater(t, strings.Index(sql, `ADD CONSTRAINT "`+fk+`"`), last, "%s is added after the columns changed:\n%s", fk, sql)
	}
}

// Ids and the columns that reference them retyped, bigint to varchar: the
// keys between two tables are dropped before the first ALTER COLUMN and
// added again after the last, where Atlas's plan retypes one end while the
// key still holds the other (42804, "foreign key constraint … cannot be
// implemented"). The key of b to itself is left to Atlas (one ALTER TABLE
// retypes both its columns); c's key whose ON DELETE changes is dropped
// first and added as the desired state has it, c's new key to a is added
// last, and the keys to a of the column and the table the change drops go
// first. The drops carry `atlas:nolint CD101`: the keys come back, or the
// review reports their column and table. With the safe policy the keys
// come back NOT VALID and are validated in the later file. The files apply
// on rows, and leave nothing to plan.
func TestPlanRetypesBothEndsOfForeignKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		pol  Policy
	}{{"plain", Policy{}}, {"safe", safe}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cur, conn := inspect(t, idsAs("bigint", false)+idsRows)
			want, _ := inspect(t, idsAs("varchar", true))
			files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "ids", nil, day, tc.pol)
			require.NoError(t, err)
			applyFiles(t, conn, files) // 42804 if a key holds while one end is retyped
			main := string(files[0].Data)
			aroundRetypes(t, main, "character varying", []string{"b_a_fk", "c_a_fk", "c_b_fk", "c_old_fk", "y_a_fk"}, []string{"b_a_fk", "c_a_fk", "c_b_fk", "c_extra_fk"})
			require.NotContains(t, main, `DROP CONSTRAINT "b_parent_fk"`)
			// The review reports the column and the table (DS103, DS102),
			// as when Atlas drops their keys with them.
			require.Contains(t, main, "-- Drop foreign key \"c_old_fk\" of table \"c\" before the columns it links change type (its column is dropped after them)\n-- atlas:nolint CD101\n")
			require.Contains(t, main, "-- Drop foreign key \"c_a_fk\" of table \"c\" before the columns it links change type (added again as the target has it)\n-- atlas:nolint CD101\n")
			require.Contains(t, main, "-- Drop foreign key \"y_a_fk\" of table \"y\" before the columns it links change type (its table is dropped after them)\n-- atlas:nolint CD101\n")
			if tc.pol.NotValid {
				require.Contains(t, main, "-- Add foreign key \"b_a_fk\" to table: \"b\" for new rows (validated in a later file)\n"+
					`ALTER TABLE "b" ADD CONSTRAINT "b_a_fk" FOREIGN KEY ("a_id") REFERENCES "a" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;`)
				require.Len(t, files, 2)
				for _, fk := range []string{"b_a_fk", "c_a_fk", "c_b_fk", "c_extra_fk"} {
					require.Contains(t, string(files[1].Data), `VALIDATE CONSTRAINT "`+fk+`"`)
				}
			} else {
				require.Contains(t, main, "-- Drop foreign key \"b_a_fk\" of table \"b\" before the columns it links change type (added again after them)\n-- atlas:nolint CD101\n"+
					`ALTER TABLE "b" DROP CONSTRAINT "b_a_fk";`)
				require.Contains(t, main, "-- Add foreign key \"b_a_fk\" to table \"b\" once the columns it links changed type\n"+
					`ALTER TABLE "b" ADD CONSTRAINT "b_a_fk" FOREIGN KEY ("a_id") REFERENCES "a" ("id") ON UPDATE NO ACTION ON DELETE CASCADE;`)
				require.Len(t, files, 1)
			}

			after, err := conn.Inspect(ctx)
			require.NoError(t, err)
			again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, tc.pol)
			require.NoError(t, err)
			require.Empty(t, again)
			require.Equal(t, "10 1 x;11 2 y", query(t, conn, `SELECT concat_ws(' ', b.id, b.a_id, c.note) FROM c JOIN b ON b.id = c.b_id ORDER BY c.id`))
			require.Equal(t, strings.Join([]string{
				`b b_a_fk true FOREIGN KEY (a_id) REFERENCES a(id) ON DELETE CASCADE`,
				`b b_parent_fk true FOREIGN KEY (parent_id) REFERENCES b(id)`,
				`c c_a_fk true FOREIGN KEY (a_id) REFERENCES a(id) ON DELETE SET NULL`,
				`c c_b_fk true FOREIGN KEY (b_id) REFERENCES b(id)`,
				`c c_extra_fk true FOREIGN KEY (extra_a_id) REFERENCES a(id)`,
				`z z_a_fk true FOREIGN KEY (a_id) REFERENCES a(id)`,
			}, ";"), keys(t, conn))
		})
	}
}

// The way back (migrate down, and the down files of PlanFormat): varchar
// ids to bigint, in one transaction, on rows. The keys of c's column and
// of table z, which the down drops with them, are dropped first: Atlas
// drops the column with c's other changes and the table last, after a's id
// went back to bigint while they still held it. The keys come back as the
// target has them, validated, with c's old column's added last and y's
// inline, its table created after a's change.
func TestDownRetypesBothEndsOfForeignKeys(t *testing.T) {
	ctx := context.Background()
	live, conn := inspect(t, idsAs("varchar", true)+idsRows)
	target, _ := inspect(t, idsAs("bigint", false))
	changes, err := Down(ctx, conn.Driver, nil, live, target, nil)
	require.NoError(t, err)
	var stmts []string
	for _, c := range changes {
		stmts = append(stmts, c.Cmd)
	}
	sql := "BEGIN;\n" + strings.Join(stmts, ";\n") + ";\nCOMMIT;"
	_, err = conn.DB.ExecContext(ctx, sql)
	require.NoError(t, err, sql)
	aroundRetypes(t, sql, "bigint", []string{"b_a_fk", "c_a_fk", "c_b_fk", "c_extra_fk", "z_a_fk"}, []string{"b_a_fk", "c_a_fk", "c_b_fk", "c_old_fk"})
	var comments []string
	for _, c := range changes {
		comments = append(comments, c.Comment)
	}
	require.Contains(t, comments, `drop foreign key "z_a_fk" of table "z" before the columns it links change type (its table is dropped after them)`)
	require.Contains(t, comments, `drop foreign key "b_a_fk" of table "b" before the columns it links change type (added again after them)`)
	require.NotContains(t, strings.Join(comments, "\n"), "nolint", "a down is not reviewed")
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, err := Down(ctx, conn.Driver, nil, back, target, nil)
	require.NoError(t, err)
	require.Empty(t, again, "the down reached the target")
	require.Equal(t, "10 1 x;11 2 y", query(t, conn, `SELECT concat_ws(' ', b.id, b.a_id, c.note) FROM c JOIN b ON b.id = c.b_id ORDER BY c.id`))
	require.Equal(t, strings.Join([]string{
		`b b_a_fk true FOREIGN KEY (a_id) REFERENCES a(id) ON DELETE CASCADE`,
		`b b_parent_fk true FOREIGN KEY (parent_id) REFERENCES b(id)`,
		`c c_a_fk true FOREIGN KEY (a_id) REFERENCES a(id)`,
		`c c_b_fk true FOREIGN KEY (b_id) REFERENCES b(id)`,
		`c c_old_fk true FOREIGN KEY (old_a_id) REFERENCES a(id)`,
		`y y_a_fk true FOREIGN KEY (a_id) REFERENCES a(id)`,
	}, ";"), keys(t, conn))
}

// golang-migrate's pair: the .down.sql, planned the way back, runs (as
// golang-migrate sends it, one query) on the rows the .up.sql converted.
func TestPlanFormatDownRetypesBothEndsOfForeignKeys(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, idsAs("bigint", false)+idsRows)
	want, _ := inspect(t, idsAs("varchar", true))
	p, err := PlanFormat(ctx, conn.Driver, nil, cur, want, "ids", nil, day, dirformat.GolangMigrate, Policy{})
	require.NoError(t, err)
	require.Len(t, p.Files, 2)
	require.Equal(t, "20300101000000_ids.down.sql", p.Files[1].Name)
	for _, f := range p.Files {
		_, err := conn.DB.ExecContext(ctx, string(f.Data))
		require.NoError(t, err, "%s:\n%s", f.Name, f.Data)
	}
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, back, cur, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again, "the down went back")
	require.Equal(t, "10 1 x;11 2 y", query(t, conn, `SELECT concat_ws(' ', b.id, b.a_id, c.note) FROM c JOIN b ON b.id = c.b_id ORDER BY c.id`))
	require.Contains(t, keys(t, conn), `c c_a_fk true FOREIGN KEY (a_id) REFERENCES a(id);`)
}
