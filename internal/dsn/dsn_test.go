package dsn

import (
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
	} {
		got := Redact(tt.in)
		require.Equal(t, tt.want, got)
		require.NotContains(t, got, "s3cret")
	}
}
