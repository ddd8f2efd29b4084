package dirformat

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// Evidence is a sign that a directory is in some format: the first file
// that shows it, and what it shows.
type Evidence struct {
	Format Format
	File   string
	Line   int    // 1-based, 0 when the name is the sign
	What   string // e.g. "-- +goose Up"
}

// String names the file (and line) and the sign.
func (e Evidence) String() string {
	if e.File == "" {
		return e.What
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d has %q", e.File, e.Line, e.What)
	}
	return e.File + " " + e.What
}

// reFlyway are Flyway's file names: V1__x.sql, V1.1__x.sql, B2__x.sql,
// U1__x.sql, R__x.sql. An Atlas, goose or dbmate name starts with a digit.
var reFlyway = regexp.MustCompile(`^(?:[VBU][0-9][0-9._]*__.*|R__.+)\.sql$`)

// Detect returns the signs of each format other than Atlas's among the
// top-level files of fsys, at most one per format, in the order goose,
// dbmate, golang-migrate, flyway: annotations are the stronger sign.
func Detect(fsys fs.FS) ([]Evidence, error) {
	es, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	found := map[Format]*Evidence{}
	note := func(e Evidence) {
		if found[e.Format] == nil {
			found[e.Format] = &e
		}
	}
	for _, e := range es {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".sql") {
			continue
		}
		switch {
		case strings.HasSuffix(n, ".down.sql"):
			note(Evidence{Format: GolangMigrate, File: n, What: "is a down migration"})
		case strings.HasSuffix(n, ".up.sql"):
			note(Evidence{Format: GolangMigrate, File: n, What: "is an up migration"})
		case reFlyway.MatchString(n):
			note(Evidence{Format: Flyway, File: n, What: "is named as Flyway names migrations"})
		}
		if found[Goose] != nil && found[DBMate] != nil {
			continue
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		if e, ok := annotated(n, b); ok {
			note(e)
		}
	}
	var out []Evidence
	for _, f := range []Format{Goose, DBMate, GolangMigrate, Flyway} {
		if e := found[f]; e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// annotated finds a goose or dbmate up annotation in a file.
func annotated(name string, b []byte) (Evidence, bool) {
	if !bytes.Contains(b, []byte(goosePragma)) && !bytes.Contains(b, []byte(dbmatePragma)) {
		return Evidence{}, false
	}
	for i, line := range split(name, b).texts {
		if a, ok := annotation(line, goosePragma); ok && a == "Up" {
			return Evidence{Format: Goose, File: name, Line: i + 1, What: strings.TrimSpace(line)}, true
		}
		if a, ok := annotation(line, dbmatePragma); ok && (a == "up" || strings.HasPrefix(a, "up ")) {
			return Evidence{Format: DBMate, File: name, Line: i + 1, What: strings.TrimSpace(line)}, true
		}
	}
	return Evidence{}, false
}

// Mismatch returns the sign of another format in a directory declared as
// f that shows no sign of f itself (nil when there is none). Read in the
// wrong format, a golang-migrate directory runs its down migrations, a
// goose one its Down sections, and `migrate hash` writes an atlas.sum the
// Atlas CLI rejects.
func Mismatch(fsys fs.FS, f Format) (*Evidence, error) {
	signs, err := Detect(fsys)
	if err != nil {
		return nil, err
	}
	own := slices.ContainsFunc(signs, func(e Evidence) bool { return e.Format == f })
	if f == GolangMigrate {
		// Down files alone are not golang-migrate's sign: up files are.
		ups, err := fs.Glob(fsys, "*.up.sql")
		if err != nil {
			return nil, err
		}
		own = len(ups) > 0
	}
	if own {
		return nil, nil
	}
	for _, e := range signs {
		if e.Format != f {
			return &e, nil
		}
	}
	if f == Atlas {
		return nil, nil
	}
	// Declared in a format none of its files is in: Atlas would read
	// nothing (golang-migrate, Flyway, dbmate), or each goose file as one
	// statement. Plain .sql files are Atlas's.
	sqls, err := fs.Glob(fsys, "*.sql")
	if err != nil || len(sqls) == 0 {
		return nil, err
	}
	return &Evidence{Format: Atlas, What: "no file " + sign[f]}, nil
}

// sign is what marks a directory's files as the format's.
var sign = map[Format]string{
	GolangMigrate: "is named <version>_<name>.up.sql",
	Goose:         "has a `-- +goose Up` annotation",
	Flyway:        "is named V<version>__<description>.sql",
	DBMate:        "has a `-- migrate:up` annotation",
}

// Article is the format's name with its article, for messages: "an Atlas",
// "a goose".
func (f Format) Article() string {
	if f == Atlas {
		return "an Atlas"
	}
	return "a " + string(f)
}
