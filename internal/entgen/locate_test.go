package entgen_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/entgen"
)

// project writes a txtar archive of files into a new working directory,
// with a go.mod for module example.com/app unless the archive has one.
func project(t *testing.T, archive string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	a := txtar.Parse([]byte(archive))
	a.Files = append([]txtar.File{{Name: "go.mod", Data: []byte("module example.com/app\n\ngo 1.22\n")}}, a.Files...)
	for _, f := range a.Files {
		require.NoError(t, os.MkdirAll(filepath.Dir(f.Name), 0o755))
		require.NoError(t, os.WriteFile(f.Name, f.Data, 0o644))
	}
}

// The layouts real Ent projects use, each with the schema package it
// generates from and what Locate reads off its go:generate line.
func TestLocate(t *testing.T) {
	for _, tc := range []struct {
		name, files, schema string
		want                *entgen.Generation
	}{
		{
			name:   "ent's default: ent/generate.go, code beside the schema package",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert,schema/snapshot ./schema
`,
			want: &entgen.Generation{Line: "ent/generate.go:3", Directive: "go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert,schema/snapshot ./schema",
				Dir: "ent", Target: "ent", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "internal/ent/schema and internal/ent/generated, --target",
			schema: "internal/ent/schema",
			files: `
-- internal/ent/generate.go --
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --target ./generated --feature schema/snapshot ./schema
`,
			want: &entgen.Generation{Line: "internal/ent/generate.go:3", Directive: "go run -mod=mod entgo.io/ent/cmd/ent generate --target ./generated --feature schema/snapshot ./schema",
				Dir: "internal/ent", Target: "internal/ent/generated", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "flags with =, repeated features, a pinned version, no snapshot",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent@v0.12.5 generate --target=./gen --feature sql/upsert --feature=sql/lock ./schema
`,
			want: &entgen.Generation{Line: "ent/generate.go:3", Directive: "go run -mod=mod entgo.io/ent/cmd/ent@v0.12.5 generate --target=./gen --feature sql/upsert --feature=sql/lock ./schema",
				Dir: "ent", Target: "ent/gen", SnapshotKnown: true},
		},
		{
			name:   "go run entc.go with gen.Config{Target, Package, Features}",
			schema: "internal/ent/schema",
			files: `
-- internal/ent/generate.go --
package ent

//go:generate go run -mod=mod entc.go
-- internal/ent/entc.go --
//go:build ignore

//go:generate echo "an ignored file's directives never run"

package main

import (
	"log"

	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	err := entc.Generate("./schema", &gen.Config{
		Target:   "./generated",
		Package:  "example.com/app/internal/ent/generated",
		Features: []gen.Feature{gen.FeatureVersionedMigration, gen.FeatureSnapshot},
	})
	if err != nil {
		log.Fatal(err)
	}
}
`,
			want: &entgen.Generation{Line: "internal/ent/generate.go:3", Directive: "go run -mod=mod entc.go", Dir: "internal/ent",
				Entc: "internal/ent/entc.go", Target: "internal/ent/generated", Package: "example.com/app/internal/ent/generated", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "entc in a directory, its config in a variable, the feature by name",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

//go:generate go run ./cmd/entc
-- ent/cmd/entc/main.go --
package main

import (
	entcode "entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	cfg := gen.Config{Target: "./db", Package: "example.com/app/ent/db"}
	if err := entcode.Generate("./schema", &cfg, entcode.FeatureNames("schema/snapshot")); err != nil {
		panic(err)
	}
}
`,
			want: &entgen.Generation{Line: "ent/generate.go:3", Directive: "go run ./cmd/entc", Dir: "ent",
				Entc: "ent/cmd/entc/main.go", Target: "ent/db", Package: "example.com/app/ent/db", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "entc run by import path",
			schema: "internal/ent/schema",
			files: `
-- internal/ent/generate.go --
package ent

//go:generate go run example.com/app/cmd/entc
-- cmd/entc/main.go --
package main

import (
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	_ = entc.Generate("./schema", &gen.Config{Target: "./generated", Features: gen.AllFeatures})
}
`,
			want: &entgen.Generation{Line: "internal/ent/generate.go:3", Directive: "go run example.com/app/cmd/entc", Dir: "internal/ent",
				Entc: "cmd/entc/main.go", Target: "internal/ent/generated", Snapshot: true, SnapshotKnown: true, GlobalID: true}, // gen.AllFeatures holds sql/globalid
		},
		{
			name:   "entc without the feature, default target",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

//go:generate go run -mod=mod entc.go
-- ent/entc.go --
//go:build ignore

package main

import (
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	_ = entc.Generate("./schema", &gen.Config{Features: []gen.Feature{gen.FeatureUpsert}}, entc.Storage("sql"))
}
`,
			want: &entgen.Generation{Line: "ent/generate.go:3", Directive: "go run -mod=mod entc.go", Dir: "ent", Entc: "ent/entc.go", Target: "ent", SnapshotKnown: true},
		},
		{
			name:   "entc with an extension: its features are not in the source",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

//go:generate go run -mod=mod entc.go
-- ent/entc.go --
//go:build ignore

package main

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, _ := entgql.NewExtension()
	_ = entc.Generate("./schema", &gen.Config{}, entc.Extensions(ex))
}
`,
			want: &entgen.Generation{Line: "ent/generate.go:3", Directive: "go run -mod=mod entc.go", Dir: "ent", Entc: "ent/entc.go", Target: "ent"},
		},
		{
			name:   "a go:generate at the module root, the schema by import path",
			schema: "internal/ent/schema",
			files: `
-- generate.go --
package app

//go:generate go run entgo.io/ent/cmd/ent generate --target internal/ent/generated --feature schema/snapshot example.com/app/internal/ent/schema
`,
			want: &entgen.Generation{Line: "generate.go:3", Directive: "go run entgo.io/ent/cmd/ent generate --target internal/ent/generated --feature schema/snapshot example.com/app/internal/ent/schema",
				Dir: ".", Target: "internal/ent/generated", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "a -command alias, go tool, and a line for another schema package first",
			schema: "db/schema",
			files: `
-- db/generate.go --
package db

//go:generate -command entgen go tool ent generate --feature schema/snapshot
//go:generate entgen ./history
//go:generate entgen "./schema"
`,
			want: &entgen.Generation{Line: "db/generate.go:5", Directive: `entgen "./schema"`, Dir: "db", Target: "db", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "two lines for one package: the later one's code stays",
			schema: "store/schema",
			files: `
-- store/generate.go --
package store

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --target ./gen ./schema
//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --target ./gen --feature sql/upsert --template ./templates --feature schema/snapshot ./schema
`,
			want: &entgen.Generation{Line: "store/generate.go:4", Directive: "go run -mod=mod entgo.io/ent/cmd/ent generate --target ./gen --feature sql/upsert --template ./templates --feature schema/snapshot ./schema",
				Dir: "store", Target: "store/gen", Snapshot: true, SnapshotKnown: true},
		},
		{
			name:   "a line in another branch of the module, flags after the path",
			schema: "app/database/schema",
			files: `
-- cmd/ent/generate.go --
package main

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --target=../../internal/ent ../../app/database/schema --feature sql/versioned-migration
-- app/database/db.go --
package database
-- testdata/generate.go --
package testdata

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate ../app/database/schema
`,
			want: &entgen.Generation{Line: "cmd/ent/generate.go:3", Directive: "go run -mod=mod entgo.io/ent/cmd/ent generate --target=../../internal/ent ../../app/database/schema --feature sql/versioned-migration",
				Dir: "cmd/ent", Target: "internal/ent", SnapshotKnown: true},
		},
		{
			name:   "commented out",
			schema: "ent/schema",
			files: `
-- ent/generate.go --
package ent

// //go:generate go run -mod=mod entgo.io/ent/cmd/ent generate ./schema
`,
		},
		{
			name:   "no go:generate line",
			schema: "ent/schema",
			files: `
-- ent/ent.go --
package ent
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			project(t, tc.files)
			require.NoError(t, os.MkdirAll(tc.schema, 0o755))
			got, err := entgen.Locate(tc.schema)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// The sql/globalid feature changes the SQL (each table's identity range),
// so the loader must know it: from the command's --feature flag, or from
// entc.go's gen.Config.Features or entc.FeatureNames.
func TestGlobalID(t *testing.T) {
	for name, tc := range map[string]struct {
		files string
		want  bool
	}{
		"flag":          {"-- ent/generate.go --\npackage ent\n\n//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/globalid,schema/snapshot ./schema\n-- ent/schema/user.go --\npackage schema\n", true},
		"no flag":       {"-- ent/generate.go --\npackage ent\n\n//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature schema/snapshot ./schema\n-- ent/schema/user.go --\npackage schema\n", false},
		"entc features": {"-- ent/generate.go --\npackage ent\n\n//go:generate go run -mod=mod entc.go\n-- ent/entc.go --\n//go:build ignore\n\npackage main\n\nimport (\n\t\"entgo.io/ent/entc\"\n\t\"entgo.io/ent/entc/gen\"\n)\n\nfunc main() {\n\t_ = entc.Generate(\"./schema\", &gen.Config{Features: []gen.Feature{gen.FeatureGlobalID}})\n}\n-- ent/schema/user.go --\npackage schema\n", true},
		"entc names":    {"-- ent/generate.go --\npackage ent\n\n//go:generate go run -mod=mod entc.go\n-- ent/entc.go --\n//go:build ignore\n\npackage main\n\nimport (\n\t\"entgo.io/ent/entc\"\n\t\"entgo.io/ent/entc/gen\"\n)\n\nfunc main() {\n\t_ = entc.Generate(\"./schema\", &gen.Config{}, entc.FeatureNames(\"sql/globalid\"))\n}\n-- ent/schema/user.go --\npackage schema\n", true},
	} {
		t.Run(name, func(t *testing.T) {
			project(t, tc.files)
			g, err := entgen.Locate("ent/schema")
			require.NoError(t, err)
			require.NotNil(t, g)
			require.Equal(t, tc.want, g.GlobalID)
		})
	}
}
