//go:build ignore

package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(entgql.WithSchemaGenerator(), entgql.WithSchemaPath("ent.graphql"))
	if err != nil {
		log.Fatalf("entgql: %v", err)
	}
	if err := entc.Generate("./schema", &gen.Config{Features: []gen.Feature{gen.FeatureVersionedMigration}}, entc.Extensions(ex)); err != nil {
		log.Fatalf("entc: %v", err)
	}
}
