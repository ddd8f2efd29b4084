// Package pgerr renders PostgreSQL errors for one-line messages. It is a
// leaf, so that devdb (whose baseline errors need it) and sqlscript (whose
// tests start dev databases) can both use it.
package pgerr

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Message renders a PostgreSQL error with its SQLSTATE and detail; any
// other error as it is.
func Message(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	msg := fmt.Sprintf("%s: %s (SQLSTATE %s)", pe.Severity, pe.Message, pe.Code)
	if pe.Detail != "" {
		msg += "; " + pe.Detail
	}
	return msg
}
