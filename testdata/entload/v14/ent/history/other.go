//go:build ignore

package history

// Elsewhere is in a file the build leaves out.
type Elsewhere struct{ ent.Schema }
