package safety

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A dropped column's remedy names --rename and StorageKey when the same
// file adds a column to that table (a renamed Ent field that diff wrote as
// a drop and an add), and stays the plain one otherwise.
func TestDropRemedyNamesRename(t *testing.T) {
	const lt = "SET lock_timeout = '5s';\n"
	plain := remedy["DS103"]
	for _, tt := range []struct {
		src, want string
	}{
		{lt + `ALTER TABLE users DROP COLUMN name, ADD COLUMN display_name text;`,
			"if the column was renamed (the file adds \"display_name\" to \"users\"), keep its data: delete the file and run `schemactl migrate diff --rename users.name=display_name`, " +
				"or keep the old column name in the Ent schema with .StorageKey(\"name\") on field \"display_name\"; otherwise " + plain},
		// The add in a later statement of the file counts too.
		{lt + "ALTER TABLE users DROP COLUMN name;\nALTER TABLE users ADD COLUMN a text, ADD COLUMN b text;",
			"if the column was renamed (the file adds \"a\", \"b\" to \"users\"), keep its data: delete the file and run `schemactl migrate diff --rename users.name=NEW`, " +
				"or keep the old column name in the Ent schema with .StorageKey(\"name\") on field \"NEW\"; otherwise " + plain},
		{lt + "ALTER TABLE users DROP COLUMN name, DROP COLUMN amount, ADD COLUMN a text;",
			"if the column was renamed (the file adds \"a\" to \"users\"), keep its data: delete the file and run `schemactl migrate diff --rename users.OLD=a`, " +
				"or keep the old column name in the Ent schema with .StorageKey(\"OLD\") on field \"a\"; otherwise " + plain},
		// Another table's column, or the same column added back (a type
		// change written as a drop and an add): no rename.
		{lt + "ALTER TABLE users DROP COLUMN name;\nALTER TABLE orgs ADD COLUMN name text;", plain},
		{lt + "ALTER TABLE users DROP COLUMN name, ADD COLUMN name integer;", plain},
	} {
		fs := run(t, nil, tt.src)
		require.Equal(t, []string{"DS103"}, codes(fs), tt.src)
		require.Equal(t, tt.want, fs[0].Remedy, tt.src)
	}
}
