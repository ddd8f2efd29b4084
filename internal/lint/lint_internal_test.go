package lint

import (
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

func TestFirstAdded(t *testing.T) {
	files := []migrate.File{migrate.NewLocalFile("1_a.sql", nil), migrate.NewLocalFile("2_b.sql", nil), migrate.NewLocalFile("3_c.sql", nil)}
	require.Equal(t, 3, firstAdded(files, nil), "no review: every file is history")
	require.Equal(t, 1, firstAdded(files, &Review{Added: []string{"2_b.sql", "3_c.sql"}}))
	require.Equal(t, 0, firstAdded(files, &Review{Added: []string{"1_a.sql"}}))
	require.Equal(t, 3, firstAdded(files, &Review{}), "nothing added")
}
