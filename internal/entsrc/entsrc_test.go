package entsrc

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/report"
)

var (
	graphMu sync.Mutex
	graphs  = map[string]*gen.Graph{}
)

// locator loads the graph of dir (relative to this package) once per test
// binary, since entc compiles the schema package, then chdirs to wd so the
// locations are relative to it, as the CLI's are to the repository root.
func locator(t *testing.T, dir, wd string) *Locator {
	t.Helper()
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	graphMu.Lock()
	g := graphs[abs]
	if g == nil {
		g, err = entc.LoadGraph(abs, &gen.Config{})
		require.NoError(t, err)
		graphs[abs] = g
	}
	graphMu.Unlock()
	t.Chdir(wd)
	l, err := New([]string{abs}, g)
	require.NoError(t, err)
	return l
}

// want asserts a location and that its line really holds text.
type want struct {
	file, elem, text string
}

func check(t *testing.T, loc report.Location, ok bool, w want) {
	t.Helper()
	require.True(t, ok, "not found, want %s", w.elem)
	require.Equal(t, w.file, loc.File)
	require.Equal(t, w.elem, loc.Element)
	b, err := os.ReadFile(loc.File)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	require.True(t, loc.Line >= 1 && loc.Line <= len(lines), "line %d", loc.Line)
	require.Contains(t, lines[loc.Line-1], w.text, "%s", loc)
}

func TestRealSchema(t *testing.T) {
	l := locator(t, "../../ent/schema", "../..")
	const dir = "ent/schema/"
	cases := map[string]struct {
		get  func() (report.Location, bool)
		want want
	}{
		"table": {func() (report.Location, bool) { return l.Table("invoices") },
			want{dir + "invoice.go", `schema "Invoice"`, "type Invoice struct"}},
		"join table": {func() (report.Location, bool) { return l.Table("tariff_plan_addons") },
			want{dir + "tariff_plan.go", `edge "addons"`, `edge.To("addons", Addon.Type)`}},
		"on delete of an inverse edge": {func() (report.Location, bool) { return l.Action("invoices", []string{"user_id"}) },
			want{dir + "user.go", `edge "invoices" of User (its entsql.OnDelete)`, `edge.To("invoices", Invoice.Type)`}},
		"field": {func() (report.Location, bool) { return l.Column("invoices", "number") },
			want{dir + "invoice.go", `field "number"`, `field.String("number")`}},
		"mixin field": {func() (report.Location, bool) { return l.Column("invoices", "created_at") },
			want{dir + "mixin.go", `field "created_at"`, `field.Time("created_at")`}},
		"enum field": {func() (report.Location, bool) { return l.Column("subscriptions", "status") },
			want{dir + "subscription.go", `field "status"`, `field.Enum("status")`}},
		"implicit id": {func() (report.Location, bool) { return l.Column("invoices", "id") },
			want{dir + "invoice.go", `field "id"`, "type Invoice struct"}},
		"unknown column": {func() (report.Location, bool) { return l.Column("invoices", "memo") },
			want{dir + "invoice.go", `column "memo"`, "type Invoice struct"}},
		"join column": {func() (report.Location, bool) { return l.Column("tariff_plan_addons", "addon_id") },
			want{dir + "tariff_plan.go", `edge "addons"`, `edge.To("addons"`}},
		"index": {func() (report.Location, bool) { return l.Index("invoices", []string{"user_id", "issued_at"}, false) },
			want{dir + "invoice.go", `index ("user_id","issued_at")`, `index.Fields("user_id", "issued_at")`}},
		"unique field index": {func() (report.Location, bool) { return l.Index("users", []string{"email"}, true) },
			want{dir + "user.go", `field "email" (Unique)`, `field.String("email")`}},
		"composite unique index": {func() (report.Location, bool) {
			return l.Index("coupon_redemptions", []string{"coupon_id", "user_id"}, true)
		}, want{dir + "coupon_redemption.go", `index ("coupon_id","user_id")`, `index.Fields("coupon_id", "user_id")`}},
		"O2O unique index": {func() (report.Location, bool) { return l.Index("user_token_balances", []string{"user_id"}, true) },
			want{dir + "user_token_balance.go", `edge "user" (Unique)`, `edge.From("user", User.Type)`}},
		"unknown index": {func() (report.Location, bool) { return l.Index("invoices", []string{"total_cents"}, false) },
			want{dir + "invoice.go", `index ("total_cents")`, "type Invoice struct"}},
		"fk with edge field": {func() (report.Location, bool) { return l.ForeignKey("invoices", []string{"user_id"}) },
			want{dir + "invoice.go", `edge "user"`, `edge.From("user", User.Type)`}},
		"join table fk": {func() (report.Location, bool) { return l.ForeignKey("tariff_plan_addons", []string{"addon_id"}) },
			want{dir + "tariff_plan.go", `edge "addons"`, `edge.To("addons", Addon.Type)`}},
		"check": {func() (report.Location, bool) { return l.Check("coupons", "coupons_exactly_one_discount") },
			want{dir + "coupon.go", `check "coupons_exactly_one_discount"`, `"coupons_exactly_one_discount":`}},
		"unknown check": {func() (report.Location, bool) { return l.Check("coupons", "coupons_nope") },
			want{dir + "coupon.go", `check "coupons_nope"`, "type Coupon struct"}},
		// AddonSubscription precedes Subscription in the graph and shares its type.
		"enum type": {func() (report.Location, bool) { return l.EnumType("subscriptionstatus") },
			want{dir + "addon_subscription.go", `field "status" (enum subscriptionstatus)`, `field.Enum("status")`}},
		"enum type of a mixin-free schema": {func() (report.Location, bool) { return l.EnumType("userrole") },
			want{dir + "user.go", `field "role" (enum userrole)`, `field.Enum("role")`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			loc, ok := c.get()
			check(t, loc, ok, c.want)
		})
	}

	t.Run("partial unique index", func(t *testing.T) {
		// subscriptions has index.Fields("user_id") twice: plain, and the
		// unique partial subscriptions_user_id_live_key; uniqueness picks one.
		live, ok := l.Index("subscriptions", []string{"user_id"}, true)
		check(t, live, ok, want{dir + "subscription.go", `index ("user_id")`, `index.Fields("user_id")`})
		plain, ok := l.Index("subscriptions", []string{"user_id"}, false)
		check(t, plain, ok, want{dir + "subscription.go", `index ("user_id")`, `index.Fields("user_id")`})
		require.Less(t, plain.Line, live.Line)
		b, err := os.ReadFile(live.File)
		require.NoError(t, err)
		require.Contains(t, strings.Split(string(b), "\n")[live.Line], "Unique()")
	})

	t.Run("unknown table", func(t *testing.T) {
		for _, get := range []func() (report.Location, bool){
			func() (report.Location, bool) { return l.Table("nope") },
			func() (report.Location, bool) { return l.Column("nope", "id") },
			func() (report.Location, bool) { return l.Index("nope", []string{"id"}, true) },
			func() (report.Location, bool) { return l.ForeignKey("nope", []string{"id"}) },
			func() (report.Location, bool) { return l.Check("nope", "x") },
			func() (report.Location, bool) { return l.EnumType("nope") },
		} {
			_, ok := get()
			require.False(t, ok)
		}
	})
}

// TestDerived covers what the real schemas lack: foreign-key columns Ent
// derives from edges, aliased imports, an explicit id and shadowing mixins.
func TestDerived(t *testing.T) {
	l := locator(t, "testdata/schema", ".")
	const dir = "testdata/schema/"
	cases := map[string]struct {
		get  func() (report.Location, bool)
		want want
	}{
		"fk of an edge.To without inverse": {func() (report.Location, bool) { return l.ForeignKey("posts", []string{"author_drafts"}) },
			want{dir + "author.go", `edge "drafts"`, `edge.To("drafts", Post.Type)`}},
		"fk column of an inverse edge": {func() (report.Location, bool) { return l.Column("posts", "author_posts") },
			want{dir + "post.go", `edge "author"`, `edge.From("author", Author.Type)`}},
		"fk of an inverse edge": {func() (report.Location, bool) { return l.ForeignKey("posts", []string{"author_posts"}) },
			want{dir + "post.go", `edge "author"`, `edge.From("author", Author.Type)`}},
		"aliased field import": {func() (report.Location, bool) { return l.Column("posts", "title") },
			want{dir + "post.go", `field "title"`, `f.String("title")`}},
		"explicit id": {func() (report.Location, bool) { return l.Column("posts", "id") },
			want{dir + "post.go", `field "id"`, `f.Int("id")`}},
		"field of the schema's own mixin": {func() (report.Location, bool) { return l.Column("posts", "created_at") },
			want{dir + "mixin.go", `field "created_at"`, `field.Time("created_at")`}},
		"index with an edge": {func() (report.Location, bool) { return l.Index("posts", []string{"title", "author_posts"}, false) },
			want{dir + "post.go", `index ("title","author_posts")`, `ix.Fields("title").Edges("author")`}},
		"view defined with an aliased entsql.View": {func() (report.Location, bool) { return l.View("post_titles") },
			want{dir + "views.go", `view "PostTitle" (entsql.View)`, `sqlann.View("SELECT`}},
		"view without a definition": {func() (report.Location, bool) { return l.View("drafts") },
			want{dir + "views.go", `view "Draft"`, "type Draft struct"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			loc, ok := c.get()
			check(t, loc, ok, c.want)
		})
	}
	t.Run("mixin is the one the schema uses", func(t *testing.T) {
		post, _ := l.Column("posts", "created_at")
		author, _ := l.Column("authors", "created_at")
		require.Greater(t, post.Line, author.Line, "StampMixin is declared after AuditMixin")
	})
}

// TestAbsolutePaths: files outside the working directory stay absolute.
func TestAbsolutePaths(t *testing.T) {
	abs, err := filepath.Abs("testdata/schema/post.go")
	require.NoError(t, err)
	l := locator(t, "testdata/schema", t.TempDir())
	loc, ok := l.Table("posts")
	check(t, loc, ok, want{filepath.ToSlash(abs), `schema "Post"`, "type Post struct"})
}

// An ent.View is found at the entsql.ViewFor that defines it; a table in
// another schema (entsql.Schema) is found by its name, as any other.
func TestViewsAndSchemas(t *testing.T) {
	l := locator(t, "../../testdata/fixture-realm/ent/schema", "../../testdata/fixture-realm")
	const dir = "ent/schema/"
	loc, ok := l.View("active_users")
	check(t, loc, ok, want{dir + "active_user.go", `view "ActiveUser" (entsql.ViewFor)`, "entsql.ViewFor(dialect.Postgres"})
	loc, ok = l.Table("order_histories")
	check(t, loc, ok, want{dir + "order_history.go", `schema "OrderHistory"`, "type OrderHistory struct"})
	_, ok = l.View("orders")
	require.False(t, ok, "a table is no view")
	_, ok = l.View("nowhere")
	require.False(t, ok)
}
