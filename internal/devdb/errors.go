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
	// ErrNotSupported is the embedded dev database on Windows: it runs a
	// Unix PostgreSQL (unix sockets, process groups, run as another user),
	// which Windows does not have. --dev-url works there.
	ErrNotSupported = errors.New("devdb: the embedded dev database is not supported on Windows: it needs a Unix PostgreSQL; run schemactl in WSL2, or pass --dev-url postgres://... (an empty database of yours)")
)
