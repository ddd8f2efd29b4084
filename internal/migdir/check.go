package migdir

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// FileProblemKind classifies what is wrong with a migration file itself.
type FileProblemKind int

// File problem kinds.
const (
	// BadName: a *.sql file not named <version>[_<name>].sql with an
	// all-digit version and no blanks: Atlas would run it, with a version
	// such as "add_memo", in an order nobody chose.
	BadName FileProblemKind = iota + 1
	// OutOfOrder: the file sorts after another by name (the order Atlas
	// runs them in) but its version is not higher, e.g. 2026_x.sql after
	// 20260101000000_init.sql, or two files share a version.
	OutOfOrder
	// WrongCase: a file ending in .SQL (or .Sql...): Atlas only reads *.sql
	// and would skip it without a word.
	WrongCase
	// ByteOrderMark: the file starts with a UTF-8 BOM, which PostgreSQL
	// rejects as a syntax error and Atlas does not strip.
	ByteOrderMark
	// UnknownDirective: an `atlas:` directive Atlas does not know, or one
	// only Atlas Pro runs.
	UnknownDirective
	// BadDirectiveValue: a directive with an unknown, missing or repeated
	// value, or repeated where only one may be.
	BadDirectiveValue
	// MisplacedDirective: a directive where Atlas does not read it, so it
	// has no effect.
	MisplacedDirective
	// BadSection: a goose or dbmate file without its up annotation, or
	// with an annotation out of place.
	BadSection
)

// FileProblem is one problem, naming the file and, for directives, the line.
type FileProblem struct {
	Kind   FileProblemKind
	File   string // base name
	Line   int    // 1-based, 0 when about the whole file
	Detail string // what is wrong and how to fix it
}

// String is one line: "file:line: detail".
func (p FileProblem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Detail)
	}
	return p.File + ": " + p.Detail
}

// CheckFiles reports what the directory's format does not allow in its
// files (read by Files), each naming the file: names, order, wrong-case
// extensions, a BOM, directives, and a goose or dbmate file's annotations.
// Other files (README.md, .gitkeep, atlas.sum, subdirectories, and the
// files the format leaves out, such as golang-migrate's .down.sql) are
// not migrations and are left alone, as Atlas leaves them.
func (d *Dir) CheckFiles(files []migrate.File) ([]FileProblem, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", d.path, err)
	}
	var ps []FileProblem
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		if ext := filepath.Ext(n); strings.EqualFold(ext, ".sql") && ext != ".sql" {
			ps = append(ps, FileProblem{Kind: WrongCase, File: n, Detail: fmt.Sprintf(
				"ends in %q, not \".sql\": Atlas and schemactl skip it; rename it to %s", ext, strings.TrimSuffix(n, ext)+".sql")})
		} else if why := dirformat.Skipped(d.format, n); ext == ".sql" && why != "" {
			ps = append(ps, FileProblem{Kind: BadName, File: n, Detail: fmt.Sprintf(
				"%s; rename it to %s (then run `schemactl migrate hash`), or move it out of the directory", why, dirformat.Example(d.format, "1", SafeName(strings.TrimSuffix(n, ".sql"))))})
		}
	}
	ps = append(ps, checkNames(d.format, files)...)
	for _, f := range files {
		ps = append(ps, CheckFile(f.Name(), f.Bytes())...)
		if line, detail := dirformat.Check(f); detail != "" {
			ps = append(ps, FileProblem{Kind: BadSection, File: f.Name(), Line: line, Detail: detail})
		}
	}
	return ps, nil
}

// checkNames reports bad names, then files whose version does not exceed
// that of every file running before them. Flyway's versions are compared
// as text, as Atlas's executor compares them (V10 after V9 would count as
// applied once 9 is); the other formats' are all digits, compared as
// numbers. A Flyway repeatable file has no version.
func checkNames(format dirformat.Format, files []migrate.File) []FileProblem {
	var (
		ps           []FileProblem
		newest, prev string
	)
	compare := CompareVersions
	if format == dirformat.Flyway {
		compare = strings.Compare
	}
	for _, f := range files {
		n := f.Name()
		v, name, ok := dirformat.ParseName(format, n)
		switch {
		case !ok:
			ps = append(ps, FileProblem{Kind: BadName, File: n, Detail: fmt.Sprintf(
				"not a migration file name: want %s, e.g. %s (rename it, then run `schemactl migrate hash`)", dirformat.Wanted(format), suggestName(format, n))})
			continue
		case strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			ps = append(ps, FileProblem{Kind: BadName, File: n, Detail: fmt.Sprintf(
				"the name has blanks: rename it to %s, then run `schemactl migrate hash`", dirformat.Example(format, v, SafeName(name)))})
		}
		if v == "" {
			continue
		}
		if newest != "" && compare(v, newest) <= 0 {
			what := "is lower than"
			if compare(v, newest) == 0 {
				what = "is the same as"
			}
			ps = append(ps, FileProblem{Kind: OutOfOrder, File: n, Detail: fmt.Sprintf(
				"version %s %s that of %s, which %s before it: Atlas runs files in %s order and records them by version; give every file a version of the same width (schemactl and Atlas write 14-digit UTC timestamps) so that %s and version order agree",
				v, what, prev, runsBefore(format), orderOf(format), orderOf(format))})
			continue
		}
		newest, prev = v, n
	}
	return ps
}

// orderOf is what a format orders its files by, and runsBefore how a
// message says a file comes first.
func orderOf(f dirformat.Format) string {
	if f == dirformat.Flyway {
		return "Flyway version"
	}
	return "name"
}

func runsBefore(f dirformat.Format) string {
	if f == dirformat.Flyway {
		return "runs"
	}
	return "sorts"
}

// suggestName proposes a valid name for a bad one: a timestamp-like
// version of zeros in front of the name, blanks replaced.
func suggestName(f dirformat.Format, n string) string {
	base, cut := strings.TrimSuffix(filepath.Base(n), filepath.Ext(n)), "0123456789_.-"
	switch f {
	case dirformat.GolangMigrate:
		base = strings.TrimSuffix(base, ".up")
	case dirformat.Flyway:
		cut += "VB"
	}
	name := SafeName(strings.TrimLeft(base, cut))
	if name == "" {
		name = "migration"
	}
	return dirformat.Example(f, "20260101000000", name)
}

// SafeName replaces each run of blanks in a migration name with one "_",
// so that `migrate diff "add memo"` writes ..._add_memo.sql.
func SafeName(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), "_")
}

// CheckFile reports a BOM and the directive problems of one file's content.
func CheckFile(name string, content []byte) []FileProblem {
	var ps []FileProblem
	if HasBOM(content) {
		ps = append(ps, FileProblem{Kind: ByteOrderMark, File: name, Line: 1, Detail: "the file starts with a UTF-8 byte order mark (BOM), which PostgreSQL rejects (syntax error at or near \"\\uFEFF\") and Atlas does not strip: save it as UTF-8 without a BOM, then run `schemactl migrate hash`"})
	}
	seen := map[string]int{}
	for _, d := range Directives(content) {
		bad := func(k FileProblemKind, format string, args ...any) {
			ps = append(ps, FileProblem{Kind: k, File: name, Line: d.Line, Detail: fmt.Sprintf(format, args...)})
		}
		switch {
		case slices.Contains(proDirectives, d.Name):
			bad(UnknownDirective, "atlas:%s is an Atlas Pro directive; schemactl cannot run such a file", d.Name)
			continue
		case !slices.Contains(knownDirectives, d.Name):
			bad(UnknownDirective, "unknown directive atlas:%s%s; the directives are atlas:%s", d.Name, didYouMeanDirective(d.Name), strings.Join(knownDirectives, ", atlas:"))
			continue
		}
		if msg := misplaced(d); msg != "" {
			bad(MisplacedDirective, "%s", msg)
			continue
		}
		if d.Name != DirectiveNolint {
			if first, ok := seen[d.Name]; ok {
				bad(BadDirectiveValue, "atlas:%s repeated (first on line %d): keep one", d.Name, first)
				continue
			}
			seen[d.Name] = d.Line
		}
		if msg := badValue(d); msg != "" {
			bad(BadDirectiveValue, "%s", msg)
		}
	}
	return ps
}

// misplaced says why a directive has no effect where it is, or "".
func misplaced(d Directive) string {
	switch d.Name {
	case DirectiveSum, DirectiveDelimiter:
		if d.Line != 1 || d.Name == DirectiveDelimiter && d.Prefix != "-- " {
			return fmt.Sprintf("atlas:%s only counts as the file's first line, written `-- atlas:%s ...`: here it is ignored", d.Name, d.Name)
		}
	case DirectiveTxMode, DirectiveCheckpoint:
		if d.Place != InHeader {
			return fmt.Sprintf("atlas:%s only counts in the file header (comment lines that start the file, followed by a blank line): here it is ignored", d.Name)
		}
	case DirectiveNolint:
		switch {
		case d.Place == Detached:
			return "atlas:nolint is neither directly above a statement nor in the file header (followed by a blank line): it silences nothing"
		case d.Place == AboveStmt && !slices.Contains([]string{"--", "-- ", "#", "/*"}, d.Prefix):
			return "write `-- atlas:nolint ...` (one space at most): Atlas ignores this spelling"
		}
	}
	return ""
}

// txModes are the values a file may give atlas:txmode (Atlas's txmodeFor).
var txModes = []string{"none", "file"}

// analyzers are the analyzer names atlas:nolint accepts: schemactl's and
// Atlas's. Codes (DS103, PG101...) are accepted by their shape, since
// Atlas has codes schemactl does not check.
var analyzers = []string{"destructive", "data_depend", "incompatible", "condrop", "concurrent_index", "locking", "naming"}

var reCode = regexp.MustCompile(`^[A-Z]{2,}[0-9]{3}$`)

// badValue checks a directive's arguments.
func badValue(d Directive) string {
	switch d.Name {
	case DirectiveTxMode:
		switch {
		case len(d.Args) == 0:
			return "atlas:txmode needs a value: none or file"
		case len(d.Args) > 1:
			return fmt.Sprintf("atlas:txmode takes one value, got %q: none or file", strings.Join(d.Args, " "))
		case d.Args[0] == "all":
			return `txmode "all" is not allowed in a file (it is --tx-mode all); use "file"`
		case !slices.Contains(txModes, d.Args[0]):
			return fmt.Sprintf("unknown txmode %q%s: want none or file", d.Args[0], didYouMean(d.Args[0], txModes))
		}
	case DirectiveSum:
		if len(d.Args) != 1 || d.Args[0] != "ignore" {
			return fmt.Sprintf("atlas:sum takes one value, ignore; got %q", strings.Join(d.Args, " "))
		}
	case DirectiveDelimiter:
		if len(d.Args) == 0 {
			return "atlas:delimiter needs a delimiter"
		}
	case DirectiveCheckpoint:
		if len(d.Args) > 1 {
			return fmt.Sprintf("atlas:checkpoint takes at most one tag, got %q", strings.Join(d.Args, " "))
		}
	case DirectiveNolint:
		seen := map[string]bool{}
		for _, a := range d.Args {
			switch {
			case seen[a]:
				return fmt.Sprintf("atlas:nolint names %s twice", a)
			case !reCode.MatchString(a) && !slices.Contains(analyzers, a):
				return fmt.Sprintf("atlas:nolint: %q is neither a code (DS103) nor an analyzer%s; analyzers: %s; put explanations on a comment line of their own", a, didYouMean(a, analyzers), strings.Join(analyzers, ", "))
			}
			seen[a] = true
		}
	}
	return ""
}

// didYouMean suggests the closest of names to s, if close.
func didYouMean(s string, names []string) string {
	if best := closest(s, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func didYouMeanDirective(s string) string {
	if best := closest(s, knownDirectives); best != "" {
		return " (did you mean atlas:" + best + "?)"
	}
	return ""
}

// closest is the name nearest to s within two edits, or "".
func closest(s string, names []string) string {
	best, dist := "", 3
	for _, n := range names {
		if d := levenshtein(strings.ToLower(s), n); d < dist {
			best, dist = n, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
