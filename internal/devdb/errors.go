package devdb

import "errors"

var (
	// ErrNoBinaries means no PostgreSQL server programs were found.
	ErrNoBinaries = errors.New("devdb: no PostgreSQL server binaries (initdb, postgres) found on PATH or in /usr/lib/postgresql/*/bin; install them with `apt-get install postgresql` or pass --dev-url")
	// ErrNotEmpty means a --dev-url database holds objects; schemactl wipes
	// what it creates there, so it refuses to touch a database with data.
	ErrNotEmpty = errors.New("dev database is not empty")
	// ErrUnreachable means the dev database could not be connected to.
	ErrUnreachable = errors.New("dev database is unreachable")
)
