package dsn

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://u:s3cret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://u@h/db?password=s3cret", "postgres://u@h/db?password=xxxxx"},
		{"host=h user=u password=s3cret dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"host=h password='s3 cret' dbname=d", "host=h password=xxxxx dbname=d"},
		{`connect postgres://u:s3cret@h/db: refused`, `connect postgres://u:xxxxx@h/db: refused`},
		// A module proxy's URL with a port is no user:password@.
		{`reading http://127.0.0.1:39403/example.com/x/@v/v1.0.0.zip: 403 Forbidden`, `reading http://127.0.0.1:39403/example.com/x/@v/v1.0.0.zip: 403 Forbidden`},
		{`connect postgres://u:s3/cret@h/db: refused`, `connect postgres://u:xxxxx@h/db: refused`},
	} {
		got := Redact(tt.in)
		require.Equal(t, tt.want, got)
		require.NotContains(t, got, "s3cret")
	}
}

func TestLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"connect postgres://u:s3cret@h/db: failed to connect to `user=u database=db`:\n\t127.0.0.1:1 (h): dial error: refused\n\t127.0.0.1:1 (h): dial error: refused",
			"connect postgres://u:xxxxx@h/db: failed to connect to `user=u database=db`: 127.0.0.1:1 (h): dial error: refused"},
		{"failed to connect to `user=u database=db`:\n\t10.0.0.1:5432 (a): tls error: x\n\t10.0.0.2:5432 (b): dial error: y",
			"failed to connect to `user=u database=db`: 10.0.0.1:5432 (a): tls error: x; 10.0.0.2:5432 (b): dial error: y"},
		{"one line", "one line"},
	} {
		got := Line(errors.New(tt.in))
		require.Equal(t, tt.want, got)
		require.NotContains(t, got, "\n")
	}
}
