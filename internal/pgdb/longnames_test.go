package pgdb

import (
	"crypto/md5"
	"fmt"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// A long index name Ent hashed matches the name PostgreSQL cut only when the
// index is the same: same columns, same uniqueness.
func TestMatchLongNames(t *testing.T) {
	const long = "supervisionrequestapproval_reviewer_comment_requested_at_decided_at"
	hashed := fmt.Sprintf("%s_%x", long[:30], md5.Sum([]byte(long)))
	table := func(index string, cols ...string) *schema.Schema {
		t := schema.NewTable("approvals")
		idx := schema.NewIndex(index)
		for _, c := range cols {
			col := schema.NewStringColumn(c, "text")
			t.AddColumns(col)
			idx.AddColumns(col)
		}
		t.AddIndexes(idx)
		return schema.New("public").AddTables(t)
	}
	from, to := table(long[:63], "reviewer_comment", "requested_at"), table(hashed, "reviewer_comment", "requested_at")
	matchSchemaLongNames(from, to)
	require.Equal(t, long[:63], to.Tables[0].Indexes[0].Name)

	from, to = table(long[:63], "reviewer_comment"), table(hashed, "reviewer_comment", "requested_at")
	matchSchemaLongNames(from, to)
	require.Equal(t, hashed, to.Tables[0].Indexes[0].Name, "another index keeps its name")

	from, to = table(hashed, "reviewer_comment"), table(hashed, "reviewer_comment")
	matchSchemaLongNames(from, to)
	require.Equal(t, hashed, to.Tables[0].Indexes[0].Name, "a directory Ent wrote already matches")
}
