package revisions

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Each tool's history table, as the tool writes it, is found with its last
// version; an empty one, or none, is no foreign history.
func TestFindForeign(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		sql  string
		want *Foreign
	}{
		{"", nil},
		{"CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)", nil},
		{"CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (20240101120000, false)",
			&Foreign{Tool: "golang-migrate or dbmate", Table: "schema_migrations", Version: "20240101120000"}},
		{"CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20230101000000'), ('20240101000000')",
			&Foreign{Tool: "golang-migrate or dbmate", Table: "schema_migrations", Version: "20240101000000"}},
		{"CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now()); INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (3, true), (4, false)",
			&Foreign{Tool: "goose", Table: "goose_db_version", Version: "3"}},
		{"CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), success boolean NOT NULL); INSERT INTO flyway_schema_history VALUES (1, '1', true), (2, '1.1', true), (3, NULL, true)",
			&Foreign{Tool: "Flyway", Table: "flyway_schema_history", Version: "1.1"}},
	} {
		u, err := server.CreateDatabase(ctx)
		require.NoError(t, err)
		conn, err := pgdb.Connect(ctx, u)
		require.NoError(t, err)
		if tc.sql != "" {
			_, err = conn.DB.ExecContext(ctx, tc.sql)
			require.NoError(t, err)
		}
		got, err := FindForeign(ctx, conn.DB)
		require.NoError(t, err)
		require.Equal(t, tc.want, got, tc.sql)
		conn.Close()
	}
	require.Equal(t, "the database records goose's history (goose_db_version, at version 3), which schemactl does not read: adopt it with `schemactl migrate apply --baseline 3`; a down then stops at that baseline",
		(&Foreign{Tool: "goose", Table: "goose_db_version", Version: "3"}).Note())
}
