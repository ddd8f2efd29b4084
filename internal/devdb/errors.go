package devdb

import "errors"

var (
	// ErrNoBinaries means no PostgreSQL server programs were found; the
	// error is a *BinariesError saying which.
	ErrNoBinaries = errors.New("devdb: PostgreSQL server programs not found")
	// ErrNotEmpty means a --dev-url database holds objects; schemactl wipes
	// what it creates there, so it refuses to touch a database with data.
	ErrNotEmpty = errors.New("dev database is not empty")
	// ErrUnreachable means the dev database could not be connected to.
	ErrUnreachable = errors.New("dev database is unreachable")
)
