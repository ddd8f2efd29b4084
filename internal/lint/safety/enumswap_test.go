package safety

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A type swap, as `migrate diff` writes it and as by hand: the column is
// rewritten to the new type, not changed "from userstatus to userstatus";
// the old type's drop ends the swap (no SC101); the remedy fits Ent.
func TestTypeSwap(t *testing.T) {
	const swap = `SET lock_timeout = '5s';
DO $guard$
BEGIN
  PERFORM 1;
END
$guard$;
ALTER TYPE "userstatus" RENAME TO "userstatus_old";
CREATE TYPE "userstatus" AS ENUM ('active');
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "userstatus" USING "status"::text::"userstatus", ALTER COLUMN "status" SET DEFAULT 'active';
DROP TYPE "userstatus_old";
`
	fs := run(t, nil, swap)
	require.Equal(t, []string{"SC303"}, codes(fs))
	require.Equal(t, `column "users"."status" is rewritten to the new enum type "userstatus" (type swap): the table is rewritten under an ACCESS EXCLUSIVE lock`, fs[0].Message)
	require.Equal(t, enumRemedy, fs[0].Remedy)
	require.Contains(t, fs[0].Remedy, "`-- atlas:nolint SC303`")
	require.Equal(t, 9, fs[0].Fix.Line)

	// Accepted where it happens: nothing left.
	require.Empty(t, run(t, nil, `SET lock_timeout = '5s';
ALTER TYPE userstatus RENAME TO userstatus_old;
CREATE TYPE userstatus AS ENUM ('active');
-- atlas:nolint SC303
ALTER TABLE users ALTER COLUMN status TYPE userstatus USING status::text::userstatus;
DROP TYPE userstatus_old;`))

	// Across files: the rename in one, the conversion in the next.
	fs = run(t, nil, "ALTER TYPE userstatus RENAME TO userstatus_old;\nCREATE TYPE userstatus AS ENUM ('active');",
		"SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN status TYPE userstatus USING status::text::userstatus;\nDROP TYPE userstatus_old;")
	require.Equal(t, []string{"SC303"}, codes(fs))
	require.Contains(t, fs[0].Message, "(type swap)")
}

// Without the new type, a renamed type that is dropped is still an enum
// type of the earlier schema dropped: SC101 names it as it was.
func TestRenamedTypeDropped(t *testing.T) {
	fs := run(t, nil, "ALTER TYPE userstatus RENAME TO userstatus_old;\nDROP TYPE userstatus_old;")
	require.Equal(t, []string{"SC101"}, codes(fs))
	require.Equal(t, `enum type "userstatus" is dropped`, fs[0].Message)
}

// A column moved to another enum type: a rewrite from one type to the
// other, with the remedy that fits Ent; any other rewrite keeps its own.
func TestEnumMove(t *testing.T) {
	fs := run(t, nil, "SET lock_timeout = '5s';\nCREATE TYPE casestatus AS ENUM ('active', 'gone');\n"+
		"ALTER TABLE users ALTER COLUMN status TYPE casestatus USING status::text::casestatus;\nDROP TYPE userstatus;")
	require.Equal(t, []string{"SC303", "SC101"}, codes(fs))
	require.Equal(t, `the type of column "users"."status" (userstatus to casestatus) changes: the table is rewritten under an ACCESS EXCLUSIVE lock`, fs[0].Message)
	require.Equal(t, enumRemedy, fs[0].Remedy)
	fs = run(t, nil, "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN amount TYPE bigint;")
	require.Equal(t, remedy["SC303"], fs[0].Remedy)
}

// An array column of the swapped type: the same swap, and a move between
// arrays names both array types.
func TestTypeSwapArray(t *testing.T) {
	fs := run(t, nil, "SET lock_timeout = '5s';\nALTER TYPE userstatus RENAME TO userstatus_old;\nCREATE TYPE userstatus AS ENUM ('active');\n"+
		"ALTER TABLE users ALTER COLUMN status TYPE userstatus[] USING status::text[]::userstatus[];")
	require.Equal(t, []string{"SC303"}, codes(fs))
	require.Equal(t, `column "users"."status" is rewritten to the new enum type "userstatus" (type swap): the table is rewritten under an ACCESS EXCLUSIVE lock`, fs[0].Message)
	fs = run(t, nil, "SET lock_timeout = '5s';\nCREATE TYPE mood AS ENUM ('a');\nALTER TABLE users ALTER COLUMN name TYPE mood[] USING name::text[]::mood[];")
	require.Equal(t, `the type of column "users"."name" (text to mood[]) changes: the table is rewritten under an ACCESS EXCLUSIVE lock`, fs[0].Message)
	require.Equal(t, enumRemedy, fs[0].Remedy)
}
