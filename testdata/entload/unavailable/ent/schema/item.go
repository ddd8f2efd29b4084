// Package schema imports a module the module proxy refuses.
package schema

import (
	"entgo.io/ent"

	"example.com/forbidden/mixin"
)

// Item uses the unavailable module's mixin.
type Item struct{ ent.Schema }

// Mixin of the Item.
func (Item) Mixin() []ent.Mixin { return []ent.Mixin{mixin.Time{}} }
