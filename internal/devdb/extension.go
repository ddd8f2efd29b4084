package devdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ExtensionError means a CREATE EXTENSION failed because the dev
// database's server does not have the extension installed: a fact about the
// machine, not about the migration, so the command could not run (exit 2).
type ExtensionError struct {
	File  string // where the statement is: a migration file, the baseline
	Line  int
	Name  string // the extension
	Major int    // the dev server's major version; 0 when unknown
}

func (e *ExtensionError) Error() string {
	where := "PostgreSQL"
	if e.Major > 0 {
		where += " " + strconv.Itoa(e.Major)
	}
	return fmt.Sprintf("%s:%d: extension %q is not installed on the dev database's server (%s): install it there (on Debian: `apt-get install %s`), then run again",
		e.File, e.Line, e.Name, where, debianPackage(e.Name, e.Major))
}

var (
	// PostgreSQL 15 and later: `extension "postgis" is not available`;
	// before: `could not open extension control file ".../postgis.control"`.
	notAvailable = regexp.MustCompile(`^extension "(.+)" is not available$`)
	noControl    = regexp.MustCompile(`extension control file ".*/([^/"]+)\.control"`)
)

// MissingExtension returns the extension err says is not installed, if
// that is what err says.
func MissingExtension(err error) (string, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return "", false
	}
	if m := notAvailable.FindStringSubmatch(pe.Message); m != nil {
		return m[1], true
	}
	if m := noControl.FindStringSubmatch(pe.Message); m != nil && pe.Code == "58P01" {
		return m[1], true
	}
	return "", false
}

// AsExtensionError turns err, the failure of the statement at file:line,
// into an *ExtensionError when it is about a missing extension, with the
// server's major version from major (asked only then); other errors come
// back as they are.
func AsExtensionError(file string, line int, err error, major func() int) error {
	name, ok := MissingExtension(err)
	if !ok {
		return err
	}
	return &ExtensionError{File: file, Line: line, Name: name, Major: major()}
}

// MajorOf asks db for its server's major version (0 when it cannot tell),
// for AsExtensionError.
func MajorOf(ctx context.Context, db *sql.DB) func() int {
	return func() int {
		var v string
		if db.QueryRowContext(ctx, "SHOW server_version_num").Scan(&v) != nil {
			return 0
		}
		n, _ := strconv.Atoi(v)
		return n / 10000
	}
}

// extensionPackages are the Debian (PGDG) packages of the extensions asked
// for most, by extension; %d is the major version.
var extensionPackages = map[string]string{
	"postgis": "postgresql-%d-postgis-3", "postgis_topology": "postgresql-%d-postgis-3",
	"postgis_raster": "postgresql-%d-postgis-3", "postgis_tiger_geocoder": "postgresql-%d-postgis-3",
	"address_standardizer": "postgresql-%d-postgis-3", "postgis_sfcgal": "postgresql-%d-postgis-3",
	"vector": "postgresql-%d-pgvector", "pgrouting": "postgresql-%d-pgrouting",
	"pg_partman": "postgresql-%d-partman", "pg_cron": "postgresql-%d-cron", "h3": "postgresql-%d-h3",
	"pgaudit": "postgresql-%d-pgaudit", "hypopg": "postgresql-%d-hypopg", "pg_repack": "postgresql-%d-repack",
	"pg_squeeze": "postgresql-%d-squeeze", "pgtap": "postgresql-%d-pgtap", "plpgsql_check": "postgresql-%d-plpgsql-check",
	"timescaledb": "timescaledb-2-postgresql-%d", "plpython3u": "postgresql-plpython3-%d", "plperl": "postgresql-plperl-%d",
	"pg_hint_plan": "postgresql-%d-pg-hint-plan", "semver": "postgresql-%d-semver", "ip4r": "postgresql-%d-ip4r",
	"prefix": "postgresql-%d-prefix", "pgmq": "postgresql-%d-pgmq", "age": "postgresql-%d-age",
	"rum": "postgresql-%d-rum", "orafce": "postgresql-%d-orafce", "periods": "postgresql-%d-periods",
}

// debianPackage names the package that installs extension name for
// PostgreSQL major (0: unknown); contrib extensions come with the server.
func debianPackage(name string, major int) string {
	v := "<version>"
	if major > 0 {
		v = strconv.Itoa(major)
	}
	if p, ok := extensionPackages[name]; ok {
		return strings.ReplaceAll(p, "%d", v)
	}
	return "postgresql-" + v + "-" + name + " (or the package that provides it; the server's own contrib extensions come with postgresql-" + v + ")"
}
