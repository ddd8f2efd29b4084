package cli_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// gmHistory writes what a service that grew for years on golang-migrate
// brings to schemactl: dir/migrations holds n versions as
// 000001_create_organizations.up.sql and .down.sql pairs, and dir/atlas.hcl
// is the project file such a team keeps beside it, with a strict lint
// policy:
//
//	env "bench" { migration { dir = "file://migrations", format = golang-migrate } }
//	lint { destructive, data_depend, incompatible { error = true } }
//
// The history is the mix such a service accumulates, in proportions drawn
// from a fixed seed (so every run writes the same bytes): a trigger
// function and an enum type first, then tables created with a foreign key
// to an older table, an index and the trigger; columns added (nullable,
// or NOT NULL with a default); plain and unique indexes on existing
// tables; foreign keys and CHECKs added later; backfills and other data
// updates; columns made NOT NULL; types widened; defaults and comments;
// a few renames of columns and tables; a few drops of columns, indexes and
// tables; enum values added; the function replaced. Every up file applies
// in order in one transaction each, as Atlas replays them, and the down
// files undo them in reverse (TestGolangMigrateHistory). It returns the up
// files' names.
func gmHistory(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	g := &gmGen{rng: rand.New(rand.NewPCG(13, uint64(n))), used: map[string]bool{}}
	mig := filepath.Join(dir, "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		tb.Fatal(err)
	}
	var ups []string
	for i := 1; i <= n; i++ {
		name, up, down := g.step(i)
		base := fmt.Sprintf("%06d_%s", i, name)
		write(tb, filepath.Join(mig, base+".up.sql"), up)
		write(tb, filepath.Join(mig, base+".down.sql"), down)
		ups = append(ups, base+".up.sql")
	}
	write(tb, filepath.Join(dir, "atlas.hcl"), gmAtlasHCL)
	return ups
}

// gmAtlasHCL is the project file of the golang-migrate history. Atlas's
// CLI reads the bare golang-migrate as the format's name.
const gmAtlasHCL = `# The service's migrations are golang-migrate's; Atlas reviews them.
env "bench" {
  migration {
    dir    = "file://migrations"
    format = golang-migrate
  }
}

lint {
  destructive {
    error = true
  }
  data_depend {
    error = true
  }
  incompatible {
    error = true
  }
}
`

type gmColumn struct {
	name, typ string
	notNull   bool
	def       string // the DEFAULT expression, if any
	fill      string // the value a backfill writes into a nullable column
	pinned    bool   // indexed or constrained: never dropped, renamed or retyped
}

// A gmTable is kept whole, so that a down file can create a dropped table
// again as it was; names are rendered when used, after any rename.
type gmTable struct {
	name    string
	cols    []*gmColumn
	indexes []gmIndex
	checks  []gmIndex // name and column of a CHECK (col >= 0)
	fks     []gmFK
}

type gmIndex struct {
	name, col string
	unique    bool
}

type gmFK struct {
	name, col, onDelete string
	ref                 *gmTable
}

func (i gmIndex) create(t *gmTable) string {
	kind := "INDEX"
	if i.unique {
		kind = "UNIQUE INDEX"
	}
	return fmt.Sprintf("CREATE %s %s ON %s (%s);\n", kind, i.name, t.name, i.col)
}

func (f gmFK) clause() string {
	return fmt.Sprintf("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (id) ON DELETE %s", f.name, f.col, f.ref.name, f.onDelete)
}

func (i gmIndex) check() string { return fmt.Sprintf("CONSTRAINT %s CHECK (%s >= 0)", i.name, i.col) }

type gmGen struct {
	rng     *rand.Rand
	tables  []*gmTable
	used    map[string]bool // every table, index and constraint name ever used
	values  int             // enum values added
	version int             // the trigger function's version
}

var (
	gmNouns = strings.Fields(`organizations users projects api_keys invoices invoice_items payments
		subscriptions plans webhooks webhook_deliveries events audit_logs notifications teams
		team_members customers addresses products prices coupons discounts credits usage_records
		meters entitlements features grants balances ledgers ledger_entries refunds disputes payouts
		tax_rates reports exports imports jobs schedules sessions invitations roles permissions
		tokens devices regions settings quotas alerts incidents comments attachments tags labels
		workflows tasks runs artifacts secrets integrations connections channels messages`)
	gmColumns = []struct{ name, typ, def string }{
		{"description", "text", ""}, {"external_id", "character varying(64)", ""},
		{"amount_cents", "integer", "0"}, {"currency", "character(3)", "'USD'"},
		{"due_at", "timestamp with time zone", ""}, {"archived_at", "timestamp with time zone", ""},
		{"metadata", "jsonb", "'{}'::jsonb"}, {"priority", "smallint", "0"}, {"notes", "text", ""},
		{"region", "character varying(32)", "'eu-west-1'"}, {"retries", "integer", "0"},
		{"last_seen_at", "timestamp with time zone", ""}, {"email", "character varying(255)", ""},
		{"score", "numeric(10,2)", "0"}, {"source", "character varying(32)", "'api'"},
		{"version", "integer", "1"}, {"enabled", "boolean", "true"}, {"display_name", "text", ""},
		{"quantity", "integer", "1"}, {"expires_at", "timestamp with time zone", ""},
	}
)

// step is version i: its name, up and down SQL.
func (g *gmGen) step(i int) (string, string, string) {
	switch i {
	case 1:
		up, down := g.function()
		return "create_set_updated_at", up, down
	case 2:
		return "create_account_status", "CREATE TYPE account_status AS ENUM ('pending', 'active', 'suspended');\n",
			"DROP TYPE account_status;\n"
	}
	if len(g.tables) < 4 {
		return g.createTable()
	}
	kinds := []struct {
		weight int
		fn     func() (string, string, string, bool)
	}{
		{12, g.wrap(g.createTable)}, {18, g.addColumn}, {10, g.addIndex}, {3, g.addUnique},
		{5, g.addForeignKey}, {5, g.addCheck}, {8, g.dataUpdate}, {4, g.setNotNull},
		{3, g.setDefault}, {3, g.widenType}, {2, g.comment}, {2, g.renameColumn}, {1, g.renameTable},
		{2, g.dropColumn}, {2, g.dropIndex}, {1, g.dropTable}, {1, g.addEnumValue}, {1, g.wrap(g.function2)},
	}
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	for {
		r := g.rng.IntN(total)
		for _, k := range kinds {
			if r -= k.weight; r < 0 {
				if name, up, down, ok := k.fn(); ok {
					return name, up, down
				}
				break
			}
		}
	}
}

func (g *gmGen) wrap(f func() (string, string, string)) func() (string, string, string, bool) {
	return func() (string, string, string, bool) {
		n, u, d := f()
		return n, u, d, true
	}
}

func (g *gmGen) function() (string, string) {
	g.version++
	return setUpdatedAt(g.version), "DROP FUNCTION set_updated_at();\n"
}

func (g *gmGen) function2() (string, string, string) {
	prev := g.version
	g.version++
	return fmt.Sprintf("update_set_updated_at_v%d", g.version), setUpdatedAt(g.version), setUpdatedAt(prev)
}

func setUpdatedAt(v int) string {
	return fmt.Sprintf(`-- version %d of the trigger function every table uses
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
`, v)
}

// fresh returns name, or name with a suffix when it was used before.
func (g *gmGen) fresh(name string) string {
	n := name
	for i := 2; g.used[n]; i++ {
		n = fmt.Sprintf("%s_v%d", name, i)
	}
	g.used[n] = true
	return n
}

func (g *gmGen) pick() *gmTable { return g.tables[g.rng.IntN(len(g.tables))] }

func (g *gmGen) createTable() (string, string, string) {
	t := &gmTable{name: g.fresh(gmNouns[len(g.tables)%len(gmNouns)])}
	t.cols = []*gmColumn{{name: "name", typ: "text", notNull: true, pinned: true}}
	if len(g.tables) > 0 {
		t.cols = append(t.cols, &gmColumn{name: "parent_id", typ: "bigint", notNull: true, pinned: true})
		t.fks = append(t.fks, gmFK{name: g.fresh(t.name + "_parent_id_fkey"), col: "parent_id", onDelete: "CASCADE", ref: g.pick()})
		t.indexes = append(t.indexes, gmIndex{name: g.fresh(t.name + "_parent_id_idx"), col: "parent_id"})
	}
	if len(g.tables)%3 == 1 {
		t.cols = append(t.cols, &gmColumn{name: "status", typ: "account_status", notNull: true, def: "'pending'", pinned: true})
	}
	g.tables = append(g.tables, t)
	return "create_" + t.name, t.create(), fmt.Sprintf("DROP TABLE %s;\n", t.name)
}

// create is the table's DDL as it stands, with its indexes and trigger.
func (t *gmTable) create() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n  id bigserial PRIMARY KEY", t.name)
	for _, c := range t.cols {
		fmt.Fprintf(&b, ",\n  %s", c.def1())
	}
	b.WriteString(",\n  created_at timestamp with time zone NOT NULL DEFAULT now(),\n  updated_at timestamp with time zone NOT NULL DEFAULT now()")
	for _, f := range t.fks {
		fmt.Fprintf(&b, ",\n  %s", f.clause())
	}
	for _, c := range t.checks {
		fmt.Fprintf(&b, ",\n  %s", c.check())
	}
	b.WriteString("\n);\n")
	for _, i := range t.indexes {
		b.WriteString(i.create(t))
	}
	fmt.Fprintf(&b, "CREATE TRIGGER %s_set_updated_at BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n", t.name, t.name)
	return b.String()
}

func (c *gmColumn) def1() string {
	s := c.name + " " + c.typ
	if c.notNull {
		s += " NOT NULL"
	}
	if c.def != "" {
		s += " DEFAULT " + c.def
	}
	return s
}

func (t *gmTable) col(name string) *gmColumn {
	for _, c := range t.cols {
		if c.name == name {
			return c
		}
	}
	return nil
}

// loose returns a column of t that nothing depends on, or nil.
func (g *gmGen) loose(t *gmTable, ok func(*gmColumn) bool) *gmColumn {
	var cs []*gmColumn
	for _, c := range t.cols {
		if !c.pinned && (ok == nil || ok(c)) {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return nil
	}
	return cs[g.rng.IntN(len(cs))]
}

func (g *gmGen) addColumn() (string, string, string, bool) {
	t := g.pick()
	spec := gmColumns[g.rng.IntN(len(gmColumns))]
	if t.col(spec.name) != nil {
		return "", "", "", false
	}
	c := &gmColumn{name: spec.name, typ: spec.typ, fill: spec.def}
	if spec.def != "" && g.rng.IntN(2) == 0 {
		c.notNull, c.def = true, spec.def
	}
	t.cols = append(t.cols, c)
	return fmt.Sprintf("add_%s_%s", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s;\n", t.name, c.def1()),
		fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;\n", t.name, c.name), true
}

func (g *gmGen) index(unique bool) (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return c.typ != "jsonb" && c.typ != "text" })
	if c == nil {
		return "", "", "", false
	}
	c.pinned = true
	suffix := "idx"
	if unique {
		suffix = "key"
	}
	i := gmIndex{name: g.fresh(fmt.Sprintf("%s_%s_%s", t.name, c.name, suffix)), col: c.name, unique: unique}
	t.indexes = append(t.indexes, i)
	return "index_" + i.name, i.create(t), fmt.Sprintf("DROP INDEX %s;\n", i.name), true
}

func (g *gmGen) addIndex() (string, string, string, bool)  { return g.index(false) }
func (g *gmGen) addUnique() (string, string, string, bool) { return g.index(true) }

func (g *gmGen) addForeignKey() (string, string, string, bool) {
	t, r := g.pick(), g.pick()
	col := strings.TrimSuffix(r.name, "s") + "_id"
	if t == r || t.col(col) != nil {
		return "", "", "", false
	}
	fk := gmFK{name: g.fresh(fmt.Sprintf("%s_%s_fkey", t.name, col)), col: col, onDelete: "SET NULL", ref: r}
	t.cols = append(t.cols, &gmColumn{name: col, typ: "bigint", pinned: true})
	t.fks = append(t.fks, fk)
	return fmt.Sprintf("add_%s_%s", t.name, col),
		fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s bigint;\nALTER TABLE %s ADD %s;\n", t.name, col, t.name, fk.clause()),
		fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;\nALTER TABLE %s DROP COLUMN %s;\n", t.name, fk.name, t.name, col), true
}

func (g *gmGen) addCheck() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return c.typ == "integer" || c.typ == "smallint" })
	if c == nil {
		return "", "", "", false
	}
	c.pinned = true
	check := gmIndex{name: g.fresh(fmt.Sprintf("%s_%s_check", t.name, c.name)), col: c.name}
	t.checks = append(t.checks, check)
	return "check_" + check.name, fmt.Sprintf("ALTER TABLE %s ADD %s;\n", t.name, check.check()),
		fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;\n", t.name, check.name), true
}

func (g *gmGen) dataUpdate() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return !c.notNull && c.fill != "" })
	if c == nil {
		return "", "", "", false
	}
	return fmt.Sprintf("backfill_%s_%s", t.name, c.name),
		fmt.Sprintf("-- backfill the rows written before the application set it\nUPDATE %s SET %s = %s WHERE %s IS NULL;\n", t.name, c.name, c.fill, c.name),
		"-- a backfill is not undone\nSELECT 1;\n", true
}

func (g *gmGen) setNotNull() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return !c.notNull && c.fill != "" })
	if c == nil {
		return "", "", "", false
	}
	c.notNull = true
	return fmt.Sprintf("require_%s_%s", t.name, c.name),
		fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s IS NULL;\nALTER TABLE %s ALTER COLUMN %s SET NOT NULL;\n", t.name, c.name, c.fill, c.name, t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;\n", t.name, c.name), true
}

func (g *gmGen) setDefault() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return c.def == "" && strings.HasPrefix(c.typ, "timestamp") })
	if c == nil {
		return "", "", "", false
	}
	c.def = "now()"
	return fmt.Sprintf("default_%s_%s", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT now();\n", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;\n", t.name, c.name), true
}

func (g *gmGen) widenType() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, func(c *gmColumn) bool { return c.typ == "integer" || strings.HasPrefix(c.typ, "character varying(") })
	if c == nil {
		return "", "", "", false
	}
	from, to := c.typ, "bigint"
	if c.typ != "integer" {
		to = "text"
	}
	c.typ = to
	return fmt.Sprintf("widen_%s_%s", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s;\n", t.name, c.name, to),
		fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s;\n", t.name, c.name, from), true
}

func (g *gmGen) comment() (string, string, string, bool) {
	t := g.pick()
	return "comment_" + t.name,
		fmt.Sprintf("COMMENT ON TABLE %s IS 'Owned by the %s team.';\n", t.name, strings.TrimSuffix(t.name, "s")),
		fmt.Sprintf("COMMENT ON TABLE %s IS NULL;\n", t.name), true
}

func (g *gmGen) renameColumn() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, nil)
	if c == nil || t.col(c.name+"_old") != nil {
		return "", "", "", false
	}
	from := c.name
	c.name += "_old"
	return fmt.Sprintf("rename_%s_%s", t.name, from),
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;\n", t.name, from, c.name),
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;\n", t.name, c.name, from), true
}

func (g *gmGen) renameTable() (string, string, string, bool) {
	t := g.pick()
	if strings.HasPrefix(t.name, "legacy_") {
		return "", "", "", false
	}
	from := t.name
	t.name = g.fresh("legacy_" + from)
	return "rename_" + from,
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s;\n", from, t.name),
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s;\n", t.name, from), true
}

func (g *gmGen) dropColumn() (string, string, string, bool) {
	t := g.pick()
	c := g.loose(t, nil)
	if c == nil {
		return "", "", "", false
	}
	t.cols = slices.DeleteFunc(t.cols, func(x *gmColumn) bool { return x == c })
	return fmt.Sprintf("drop_%s_%s", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;\n", t.name, c.name),
		fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s;\n", t.name, c.def1()), true
}

func (g *gmGen) dropIndex() (string, string, string, bool) {
	t := g.pick()
	if len(t.indexes) == 0 {
		return "", "", "", false
	}
	k := g.rng.IntN(len(t.indexes))
	i := t.indexes[k]
	if i.col == "parent_id" {
		return "", "", "", false // the foreign key's index stays
	}
	t.indexes = slices.Delete(t.indexes, k, k+1)
	// The column stays pinned: a down file may index it again.
	return "drop_" + i.name, fmt.Sprintf("DROP INDEX %s;\n", i.name), i.create(t), true
}

func (g *gmGen) dropTable() (string, string, string, bool) {
	t := g.pick()
	for _, o := range g.tables {
		if slices.ContainsFunc(o.fks, func(fk gmFK) bool { return fk.ref == t }) {
			return "", "", "", false // referenced
		}
	}
	g.tables = slices.DeleteFunc(g.tables, func(x *gmTable) bool { return x == t })
	return "drop_" + t.name, fmt.Sprintf("DROP TABLE %s;\n", t.name), t.create(), true
}

func (g *gmGen) addEnumValue() (string, string, string, bool) {
	g.values++
	v := fmt.Sprintf("archived_%d", g.values)
	return "account_status_" + v,
		fmt.Sprintf("ALTER TYPE account_status ADD VALUE '%s';\n", v),
		"-- PostgreSQL cannot drop an enum value\nSELECT 1;\n", true
}

// historyOut is where TestGolangMigrateHistory also writes the history, for
// scripts/bench-vs-atlas.sh:
//
//	go test ./internal/cli -run TestGolangMigrateHistory -args -history-out DIR
var historyOut = flag.String("history-out", "", "also write the golang-migrate benchmark history (migrations/, atlas.hcl) into this directory")

// gmVersions is the benchmark history's length: 270 versions, 540 files.
const gmVersions = 270

// The golang-migrate history is what a real one is: its up files apply in
// order, each in a transaction as Atlas replays them, and its down files
// undo them in reverse, leaving nothing behind.
func TestGolangMigrateHistory(t *testing.T) {
	dir := t.TempDir()
	if *historyOut != "" {
		dir = *historyOut
	}
	ups := gmHistory(t, dir, gmVersions)
	all, err := filepath.Glob(filepath.Join(dir, "migrations", "*.sql"))
	if err != nil || len(ups) != gmVersions || len(all) != 2*gmVersions {
		t.Fatalf("want %d up and %d files, got %d and %d (%v)", gmVersions, 2*gmVersions, len(ups), len(all), err)
	}
	ctx := context.Background()
	conn, err := pgdb.ConnectDev(ctx, freshDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(name string) {
		body, err := os.ReadFile(filepath.Join(dir, "migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.DB.ExecContext(ctx, "BEGIN;\n"+string(body)+"\nCOMMIT;"); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, body)
		}
	}
	for _, up := range ups {
		exec(up)
	}
	kinds := map[string]int{}
	for _, up := range ups {
		kinds[strings.SplitN(strings.SplitN(up, "_", 2)[1], "_", 2)[0]]++
	}
	t.Logf("%d versions: %v", len(ups), kinds)
	for _, up := range slices.Backward(ups) {
		exec(strings.TrimSuffix(up, ".up.sql") + ".down.sql")
	}
	var left int
	err = conn.DB.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)
		+ (SELECT count(*) FROM pg_type WHERE typnamespace = 'public'::regnamespace)
		+ (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)`).Scan(&left)
	if err != nil || left != 0 {
		t.Fatalf("the down files left %d objects behind (%v)", left, err)
	}
}
