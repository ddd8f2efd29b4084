//go:build tools

// Package tools requires what an Ent project's generated code and code
// generator import, as a real project's go.mod and go.sum hold them.
package tools

import (
	_ "entgo.io/ent/dialect/sql/schema"
	_ "entgo.io/ent/entc/gen"
	_ "entgo.io/ent/entc/load"
)
