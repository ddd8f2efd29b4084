package migdir

import (
	"bytes"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
)

// versionFormat is Atlas's version layout (migrate.NewVersion), always UTC.
const versionFormat = "20060102150405"

// NextVersion returns the version for a new migration file created at now:
// now's UTC stamp in Atlas's layout (20060102150405), unless that is not
// greater than the newest version among files. Then it returns the newest
// version plus one, as a number padded to 14 digits, so that two diffs in
// the same second (or a clock behind the newest file) still get strictly
// increasing versions and the new file sorts last.
//
// Versions are compared as numbers when both are all digits and as strings
// otherwise. If the newest version is not numeric and sorts after the
// stamp, there is no "+1"; a "1" is appended instead, which still sorts
// after it.
func NextVersion(files []migrate.File, now time.Time) string {
	stamp := now.UTC().Format(versionFormat)
	newest := ""
	for _, f := range files {
		if v := f.Version(); newest == "" || CompareVersions(v, newest) > 0 {
			newest = v
		}
	}
	if newest == "" || CompareVersions(stamp, newest) > 0 {
		return stamp
	}
	if !isDigits(newest) {
		return newest + "1"
	}
	next := increment(newest)
	if pad := len(versionFormat) - len(next); pad > 0 {
		next = strings.Repeat("0", pad) + next
	}
	return next
}

// CompareVersions orders a and b as numbers when both are all digits (so
// "9" < "10"), else as strings. Numbers are compared by their digits, not
// parsed, so arbitrarily long versions cannot overflow.
func CompareVersions(a, b string) int {
	if isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) - len(b)
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// increment adds one to a decimal digit string, growing it on overflow
// ("999" -> "1000").
func increment(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// StmtLine returns the 1-based line number of byte offset pos in content,
// e.g. to turn a migrate.Stmt's Pos into "file.sql:LINE" in messages. An
// offset outside content is clamped to it.
func StmtLine(content []byte, pos int) int {
	pos = max(0, min(pos, len(content)))
	return 1 + bytes.Count(content[:pos], []byte{'\n'})
}
