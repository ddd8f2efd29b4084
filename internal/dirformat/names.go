package dirformat

import (
	"path"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

var (
	// reAtlasName is <version>[_<name>].sql, as Atlas, goose and dbmate
	// name files (the version all digits).
	reAtlasName = regexp.MustCompile(`^([0-9]+)(?:_(.*))?\.sql$`)
	// reUpName is golang-migrate's <version>_<name>.up.sql.
	reUpName = regexp.MustCompile(`^([0-9]+)_(.*)\.up\.sql$`)
	// reFlywayName is a versioned or baseline file; R__<name>.sql has no
	// version.
	reFlywayName  = regexp.MustCompile(`^[VB]([0-9]+(?:[._][0-9]+)*)__(.+)\.sql$`)
	reRepeatables = regexp.MustCompile(`^R__(.+)\.sql$`)
)

// ParseName splits a migration's file name (as Files names it) into its
// version and name as format f names files; ok is false when the tool the
// format is named after would not take the name. A Flyway repeatable
// file has no version.
func ParseName(f Format, name string) (version, desc string, ok bool) {
	var m []string
	switch f {
	case GolangMigrate:
		m = reUpName.FindStringSubmatch(name)
	case Flyway:
		base := path.Base(name)
		if r := reRepeatables.FindStringSubmatch(base); r != nil {
			return "", r[1], true
		}
		m = reFlywayName.FindStringSubmatch(base)
	default:
		m = reAtlasName.FindStringSubmatch(name)
	}
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Reads reports whether a file named name (a base name) is a migration
// in format f: not golang-migrate's .down.sql nor Flyway's undo files.
func Reads(f Format, name string) bool {
	switch f {
	case GolangMigrate:
		return strings.HasSuffix(name, ".up.sql")
	case Flyway:
		return name != "" && strings.ContainsRune("VBR", rune(name[0])) && strings.HasSuffix(name, ".sql")
	}
	return strings.HasSuffix(name, ".sql")
}

// Wanted describes the names format f takes, for messages.
func Wanted(f Format) string {
	switch f {
	case GolangMigrate:
		return "<version>_<name>.up.sql (and .down.sql) with an all-digit version"
	case Flyway:
		return "V<version>__<description>.sql with a version of digits and dots, or R__<description>.sql"
	}
	return "<version>_<name>.sql with an all-digit version"
}

// Example is a valid name in format f for a file called name.
func Example(f Format, version, name string) string {
	switch f {
	case GolangMigrate:
		return version + "_" + name + ".up.sql"
	case Flyway:
		return "V" + version + "__" + name + ".sql"
	}
	return version + "_" + name + ".sql"
}

// Skipped says why a top-level .sql file that Files does not return is
// neither a migration nor meant to be left out, or "" when leaving it out
// is the format's rule (golang-migrate's .down.sql, Flyway's U files).
func Skipped(f Format, name string) string {
	switch f {
	case GolangMigrate:
		if strings.HasSuffix(name, ".down.sql") || strings.HasSuffix(name, ".up.sql") {
			return ""
		}
		return "neither <version>_<name>.up.sql nor .down.sql: golang-migrate and Atlas skip it"
	case Flyway:
		if reFlyway.MatchString(name) {
			return ""
		}
		return "not a Flyway migration name (V<version>__<description>.sql, R__<description>.sql): Flyway and Atlas skip it"
	}
	return ""
}

// Check says what is wrong with a migration's content in its format, and
// on which line (0: the whole file), or "": a goose or dbmate file without
// an up annotation (goose refuses it; Atlas would run a goose file as one
// statement and a dbmate file as nothing), or an annotation out of place.
func Check(file migrate.File) (line int, detail string) {
	switch f := file.(type) {
	case *gooseFile:
		s := parseGoose(f.Name(), f.Bytes())
		switch {
		case s.bad != "":
			return s.badLine, s.bad
		case !s.hasUp:
			return 0, "no `-- +goose Up` annotation: goose refuses the file, and Atlas would run all of it as one statement; start the up section with `-- +goose Up`"
		}
	case *dbmateFile:
		if s := parseDBMate(f.Name(), f.Bytes()); !s.hasUp {
			return 0, "no `-- migrate:up` annotation: nothing in the file runs; start the up section with `-- migrate:up`"
		}
	}
	return 0, ""
}
