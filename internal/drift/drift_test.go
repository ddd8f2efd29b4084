package drift

import (
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

func names(fs []migrate.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name())
	}
	return out
}

// The database should hold the files up to its last complete revision or
// baseline; a partly applied or failed file does not count.
func TestAppliedFiles(t *testing.T) {
	files := []migrate.File{migrate.NewLocalFile("1_a.sql", nil), migrate.NewLocalFile("2_b.sql", nil), migrate.NewLocalFile("3_c.sql", nil)}
	rev := func(v string, applied, total int, typ migrate.RevisionType) *migrate.Revision {
		return &migrate.Revision{Version: v, Applied: applied, Total: total, Type: typ, ExecutedAt: time.Now()}
	}
	require.Empty(t, appliedFiles(files, nil))
	require.Equal(t, []string{"1_a.sql", "2_b.sql"}, names(appliedFiles(files, []*migrate.Revision{
		rev("1", 1, 1, migrate.RevisionTypeExecute), rev("2", 2, 2, migrate.RevisionTypeExecute), rev("3", 1, 4, migrate.RevisionTypeExecute)})))
	require.Equal(t, []string{"1_a.sql", "2_b.sql"}, names(appliedFiles(files, []*migrate.Revision{rev("2", 0, 0, migrate.RevisionTypeBaseline)})))
}
