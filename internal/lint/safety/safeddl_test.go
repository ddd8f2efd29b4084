package safety

import (
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// The files `migrate diff` writes for existing tables (diffplan's safe
// DDL) draw no lock finding: constraints added NOT VALID and validated in
// a later file, SET NOT NULL after the validated check (in the same
// review, or, with --latest 1, a check an earlier file added), the guard
// before a conversion, the concurrent index swap, each locking file under
// SET LOCAL lock_timeout. What remains is the data dependency: validating
// the NOT NULL check fails on a NULL (MF104, a warning, on the VALIDATE).
func TestSafeDDLFiles(t *testing.T) {
	const main = `-- Wait at most 5s for a table lock: queries queue behind a waiting migration
SET LOCAL lock_timeout = '5s';
DO $guard$
BEGIN
  IF EXISTS (SELECT 1 FROM users WHERE name::text <> ALL (ARRAY['a'])) THEN
    RAISE EXCEPTION 'cannot convert';
  END IF;
END
$guard$;
ALTER TABLE "users" ADD CONSTRAINT "users_amount_pos" CHECK (amount > 0) NOT VALID;
ALTER TABLE "users" ADD CONSTRAINT "users_org_fk2" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") NOT VALID;
ALTER TABLE "users" ADD CONSTRAINT "users_name_not_null" CHECK ("name" IS NOT NULL) NOT VALID;
`
	const swap = `-- atlas:txmode none

CREATE INDEX CONCURRENTLY "users_name_ccnew" ON "users" ("name");
DROP INDEX CONCURRENTLY "users_email_key";
ALTER INDEX "users_name_ccnew" RENAME TO "users_email_key";
`
	const validate = `SET LOCAL lock_timeout = '5s';
ALTER TABLE "users" VALIDATE CONSTRAINT "users_amount_pos";
ALTER TABLE "users" VALIDATE CONSTRAINT "users_org_fk2";
ALTER TABLE "users" VALIDATE CONSTRAINT "users_name_not_null";
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
ALTER TABLE "users" DROP CONSTRAINT "users_name_not_null";
`
	require.Equal(t, []string{"MF104"}, codes(run(t, nil, main, swap, validate)))

	// The validation file alone, the check an earlier file's.
	b := before()
	users, _ := b.Table("users")
	users.AddChecks(schema.NewCheck().SetName("users_name_not_null").SetExpr(`(name IS NOT NULL)`))
	f, err := sqlparse.Parse("3.sql", []byte(validate))
	require.NoError(t, err)
	fs := Analyze(Input{Dir: "migrations", Files: []*sqlparse.File{f}, Before: b})
	require.Equal(t, []string{"MF104"}, codes(fs))
	require.Equal(t, `ALTER TABLE "users" VALIDATE CONSTRAINT "users_name_not_null"`, fs[0].Stmt)

	// Without them, each hazard is back: the same statements, validated in
	// the adding transaction, SET NOT NULL unproven, no lock_timeout.
	got := codes(run(t, nil, `ALTER TABLE "users" ADD CONSTRAINT "users_amount_pos" CHECK (amount > 0) NOT VALID;
ALTER TABLE "users" VALIDATE CONSTRAINT "users_amount_pos";
ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL;
`))
	require.Subset(t, got, []string{"SC301", "SC302", "MF104", "SC306"})
}
