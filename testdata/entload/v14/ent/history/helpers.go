package history

// Change is an exported struct that is no schema: the loader leaves it.
type Change struct{ Before, After string }

// Page is generic: it cannot be a schema either.
type Page[T any] struct{ Items []T }
