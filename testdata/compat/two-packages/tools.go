//go:build tools

// Package tools pins the Ent code generator, so that go.sum holds what
// `go run entgo.io/ent/cmd/ent` and entc/load need.
package tools

import _ "entgo.io/ent/cmd/ent"
