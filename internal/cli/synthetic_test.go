package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModels writes syntheticModel's n models into dir/ent/schema.
func writeModels(tb testing.TB, dir string, n int) {
	tb.Helper()
	schemaDir := filepath.Join(dir, "ent", "schema")
	if err := os.MkdirAll(schemaDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(schemaDir, fmt.Sprintf("t%d.go", i)), []byte(syntheticModel(i)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func syntheticModel(i int) string {
	var edges, idx string
	if i > 0 {
		edges = fmt.Sprintf(`edge.To("parent", T%d.Type).Field("parent_id").Unique().Annotations(entsql.OnDelete(entsql.Cascade)),`, i-1)
		idx = `index.Fields("parent_id", "created_at"),`
	}
	parentField := ""
	if i > 0 {
		parentField = `field.Int("parent_id").Optional(),`
	}
	return strings.NewReplacer("NAME", fmt.Sprintf("T%d", i), "TABLE", fmt.Sprintf("t%ds", i), "EDGES", edges, "IDX", idx, "PARENT", parentField).Replace(`package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

var _ = edge.To

type NAME struct{ ent.Schema }

func (NAME) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Unique(),
		field.Enum("status").Values("draft", "active", "closed").Default("draft").SchemaType(map[string]string{dialect.Postgres: "synstatus"}),
		field.Int64("amount_cents").Default(0),
		field.Time("created_at").Default(time.Now),
		PARENT
	}
}

func (NAME) Edges() []ent.Edge { return []ent.Edge{EDGES} }

func (NAME) Indexes() []ent.Index {
	return []ent.Index{IDX index.Fields("status").Annotations(entsql.IndexWhere("status <> 'closed'"))}
}

func (NAME) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Checks(map[string]string{"TABLE_amount_nonnegative": "amount_cents >= 0"})}
}
`)
}

func run(b testing.TB, dir string, args ...string) {
	b.Helper()
	bin, err := exec.LookPath("schemactl")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("schemactl %v: %v\n%s", args, err, out)
	}
}
