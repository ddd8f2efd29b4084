package pgerr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func TestMessage(t *testing.T) {
	require.Equal(t, "plain", Message(errors.New("plain")))
	pe := &pgconn.PgError{Severity: "ERROR", Message: `relation "x" does not exist`, Code: "42P01"}
	require.Equal(t, `ERROR: relation "x" does not exist (SQLSTATE 42P01)`, Message(pe))
	pe.Detail = "Key (id)=(1) already exists."
	require.Equal(t, `ERROR: relation "x" does not exist (SQLSTATE 42P01); Key (id)=(1) already exists.`, Message(fmt.Errorf("wrapped: %w", pe)))
}
