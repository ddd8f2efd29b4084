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
// greater than the newest version among files, or a file named with it
// would not sort after the last file by name (Atlas runs files in name
// order: after 2_b.sql, "20260101000000_c.sql" would run between 1_a.sql
// and 2_b.sql). Then it is the newest version plus one, padded to 14
// digits, or else kept to the newest version's width ("3" after "2"), the
// first of these that sorts last. When none does (after 9_a.sql), it is
// the stamp or the newest plus one, and WriteFiles refuses the name.
//
// Versions are compared as numbers when both are all digits and as strings
// otherwise. If the newest version is not numeric and sorts after the
// stamp, there is no "+1"; a "1" is appended instead, which still sorts
// after it.
func NextVersion(files []migrate.File, now time.Time) string {
	stamp := now.UTC().Format(versionFormat)
	newest, last := "", ""
	for _, f := range files {
		if v := f.Version(); newest == "" || CompareVersions(v, newest) > 0 {
			newest = v
		}
		last = max(last, f.Name())
	}
	if newest == "" {
		return stamp
	}
	// A file named v+".sql" or v+"_name.sql" sorts after last alike when v
	// is not last's own version, which is lower.
	sortsLast := func(v string) bool { return v+".sql" > last }
	newer := CompareVersions(stamp, newest) > 0
	if newer && sortsLast(stamp) {
		return stamp
	}
	if !isDigits(newest) {
		if newer {
			return stamp
		}
		return newest + "1"
	}
	next := increment(newest)
	padded := next
	if pad := len(versionFormat) - len(next); pad > 0 {
		padded = strings.Repeat("0", pad) + next
	}
	same := next
	if pad := len(newest) - len(next); pad > 0 {
		same = strings.Repeat("0", pad) + next
	}
	for _, v := range []string{padded, same} {
		if sortsLast(v) {
			return v
		}
	}
	if newer {
		return stamp
	}
	return padded
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

// Increment adds one to a decimal digit string ("9" -> "10").
func Increment(s string) string { return increment(s) }

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
