//go:build tools

// Package tools keeps the code generator's modules in go.sum (ent/entc.go
// is a build-ignored program, which go mod tidy does not see).
package tools

import (
	_ "entgo.io/contrib/entgql"
	_ "entgo.io/ent/entc"
)
