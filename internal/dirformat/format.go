// Package dirformat reads migration directories written for other tools
// the way Atlas reads them (its ?format= query and `migration { format }`):
// golang-migrate, goose, flyway and dbmate, besides Atlas's own. For each
// it says which files are migrations, in which order, with which version
// and description, and which statements of a file run: the rules of
// Atlas's sql/sqltool, reimplemented so that statements keep their lines
// in the file and so that atlas.sum is the one the Atlas CLI (v1.2) writes.
//
// Where sqltool drops or misreads lines (see goose.go and dbmate.go) this
// package follows the tool the files were written for; docs/formats.md
// lists the differences.
package dirformat

import (
	"fmt"
	"slices"
	"strings"
)

// Format is a directory format, named as in Atlas's ?format= query.
type Format string

// The formats. Liquibase is Atlas's too but not read here: its changesets
// carry their own ids and rollbacks.
const (
	Atlas         Format = "atlas"
	GolangMigrate Format = "golang-migrate"
	Goose         Format = "goose"
	Flyway        Format = "flyway"
	DBMate        Format = "dbmate"
	Liquibase     Format = "liquibase"
)

// Formats are the formats this package reads, in the order misdetection
// names them.
var Formats = []Format{Atlas, GolangMigrate, Goose, Flyway, DBMate}

// Parse returns the format named s; "" is Atlas's. A format Atlas knows
// but this package does not read is an error saying so.
func Parse(s string) (Format, error) {
	switch f := Format(s); {
	case s == "":
		return Atlas, nil
	case slices.Contains(Formats, f):
		return f, nil
	case f == Liquibase:
		return "", fmt.Errorf("format %q is not supported (supported: %s)", s, list())
	default:
		return "", fmt.Errorf("unknown format %q (supported: %s)", s, list())
	}
}

func list() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// Declare says how to declare the format for the directory at url (a
// --dir value, e.g. "file://migrations"), on the command line and in
// atlas.hcl.
func (f Format) Declare(url string) string {
	base, _, _ := strings.Cut(url, "?")
	if !strings.Contains(base, "://") {
		base = "file://" + base
	}
	return fmt.Sprintf("--dir %q or migration { format = %s } in atlas.hcl", base+"?format="+string(f), f)
}
