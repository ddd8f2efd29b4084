package diffplan

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Planned is a change planned for a directory of some format.
type Planned struct {
	// Files are the files to write, as the format names them.
	Files []migdir.NewFile
	// Downs are the down migrations of the new versions, oldest first, as
	// plain SQL: the caller replays them after the up files to prove
	// they apply. Atlas's format has none.
	Downs []migdir.NewFile
	// Skipped are the changes the diff policy left out.
	Skipped []Skipped
}

// defaultName names a change in the formats whose tools want a name
// (golang-migrate, goose and Flyway refuse "<version>.sql").
const defaultName = "migration"

// PlanFormat is Plan for a directory in format f. The formats other than
// Atlas's hold down migrations, which are planned too, on the dev
// database, as the change from desired back to current (enum values
// added are removed by a type swap, see planEnums), each version's down
// reverting that version alone when the change is split (versionDowns):
// golang-migrate gets <version>_<name>.up.sql and .down.sql, Flyway
// V<version>__<name>.sql and its undo U<version>__<name>.sql, goose and
// dbmate one file with both sections, as Atlas's formatters write them.
func PlanFormat(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, current, desired *schema.Realm, name string, existing []migrate.File, now time.Time, f dirformat.Format, p Policy) (*Planned, error) {
	if f == dirformat.Atlas {
		files, skipped, err := Plan(ctx, drv, dev, current, desired, name, existing, now, p)
		return &Planned{Files: files, Skipped: skipped}, err
	}
	ups, skipped, err := plan(ctx, drv, dev, current, desired, name, false, p)
	if err != nil || len(ups) == 0 {
		return &Planned{Skipped: skipped}, err
	}
	if f == dirformat.GolangMigrate || f == dirformat.DBMate {
		ups = oneStatementEach(ups)
	}
	down, err := downsOf(ctx, drv, dev, current, desired, ups, name, p)
	if err != nil {
		return nil, err
	}
	version := nextVersion(f, existing, now)
	out := &Planned{Skipped: skipped}
	for i, up := range ups {
		n := up.Name
		if n == "" {
			n = defaultName
		}
		files, err := formatFiles(f, version, n, up, down[i])
		if err != nil {
			return nil, err
		}
		out.Files = append(out.Files, files...)
		out.Downs = append(out.Downs, migdir.NewFile{Name: version + "_" + n + ".down.sql", Data: []byte(down[i])})
		version = migdir.NextVersion([]migrate.File{migrate.NewLocalFile(version+".sql", nil)}, now)
	}
	return out, nil
}

// downsOf is the down migration of each version of ups. One version's is
// the plan from desired back to current; a change split into several
// versions gets a down per version (versionDowns), which costs the dev
// database a copy of what the versions touch of the directory's schema
// and an inspection per version.
func downsOf(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, current, desired *schema.Realm, ups []*migrate.Plan, name string, p Policy) ([]string, error) {
	if len(ups) > 1 {
		return versionDowns(ctx, drv, dev, current, desired, ups, name, p)
	}
	downs, _, err := plan(ctx, drv, dev, desired, current, name, true, p)
	if err != nil {
		return nil, fmt.Errorf("diffplan: down: %w", err)
	}
	down := ""
	for _, d := range downs {
		down += body(d)
	}
	return []string{down}, nil
}

// oneStatementEach gives every statement of a plan that runs outside a
// transaction a version of its own. golang-migrate's PostgreSQL driver
// sends a file as one query, and dbmate's transaction:false runs a section
// as one too: PostgreSQL runs a query of several statements as one
// implicit transaction, which CONCURRENTLY refuses (25001), whatever the
// file's `-- atlas:txmode none` says. One statement per file runs alone.
func oneStatementEach(plans []*migrate.Plan) []*migrate.Plan {
	var out []*migrate.Plan
	for _, p := range plans {
		if !noTransaction(p) || len(p.Changes) < 2 {
			out = append(out, p)
			continue
		}
		for _, c := range p.Changes {
			q := *p
			q.Changes = []*migrate.Change{c}
			out = append(out, &q)
		}
	}
	return out
}

// formatFiles writes one version's files.
func formatFiles(f dirformat.Format, version, name string, up *migrate.Plan, down string) ([]migdir.NewFile, error) {
	upSQL := body(up)
	noTx := noTransaction(up)
	switch f {
	case dirformat.GolangMigrate:
		return []migdir.NewFile{
			{Name: version + "_" + name + ".up.sql", Data: []byte(header(up) + upSQL)},
			{Name: version + "_" + name + ".down.sql", Data: []byte(down)},
		}, nil
	case dirformat.Flyway:
		return []migdir.NewFile{
			{Name: "V" + version + "__" + name + ".sql", Data: []byte(header(up) + upSQL)},
			{Name: "U" + version + "__" + name + ".sql", Data: []byte(down)},
		}, nil
	case dirformat.Goose:
		first := ""
		if noTx {
			first = "-- +goose NO TRANSACTION\n"
		}
		return []migdir.NewFile{{Name: version + "_" + name + ".sql",
			Data: []byte(first + "-- +goose Up\n" + upSQL + "\n-- +goose Down\n" + down)}}, nil
	case dirformat.DBMate:
		opt := ""
		if noTx {
			opt = " transaction:false"
		}
		return []migdir.NewFile{{Name: version + "_" + name + ".sql",
			Data: []byte("-- migrate:up" + opt + "\n" + upSQL + "\n-- migrate:down\n" + down)}}, nil
	}
	return nil, fmt.Errorf("diffplan: cannot write format %q", f)
}

// body is a plan's statements as sqltool's formatters write them: each
// change's comment on a line of its own, then its statement.
func body(p *migrate.Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		if c.Comment != "" {
			b.WriteString("-- " + c.Comment + "\n")
		}
		b.WriteString(c.Cmd + ";\n")
	}
	return b.String()
}

// header is the plan's `-- atlas:` directives as a file header (Atlas
// reads it in golang-migrate and Flyway files too), or "".
func header(p *migrate.Plan) string {
	if len(p.Directives) == 0 {
		return ""
	}
	return strings.Join(p.Directives, "\n") + "\n\n"
}

// noTransaction reports whether the plan must run outside a transaction.
func noTransaction(p *migrate.Plan) bool {
	for _, d := range p.Directives {
		if strings.Join(strings.Fields(d), " ") == "-- atlas:txmode none" {
			return true
		}
	}
	return false
}

// nextVersion is migdir.NextVersion, but for Flyway, whose files run in
// version order (numbers part by part) and whose versions Atlas's
// executor compares as text: a version after the newest both ways.
func nextVersion(f dirformat.Format, existing []migrate.File, now time.Time) string {
	if f != dirformat.Flyway {
		return migdir.NextVersion(existing, now)
	}
	stamp := now.UTC().Format("20060102150405")
	newest := ""
	for _, e := range existing {
		if v := e.Version(); v != "" && (newest == "" || dirformat.CompareFlyway(v, newest) > 0) {
			newest = v
		}
	}
	after := func(v string) bool {
		return newest == "" || dirformat.CompareFlyway(v, newest) > 0 && v > newest
	}
	if after(stamp) {
		return stamp
	}
	major := strings.FieldsFunc(newest, func(r rune) bool { return r == '.' || r == '_' })[0]
	for _, v := range []string{migdir.Increment(major), newest + "1"} {
		if after(v) {
			return v
		}
	}
	return newest + ".1"
}
