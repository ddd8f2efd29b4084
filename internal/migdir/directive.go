package migdir

import (
	"bytes"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// Atlas's `-- atlas:NAME args` directives, read where Atlas reads them
// (ariga.io/atlas sql/migrate: LocalFile.Directive, Stmt.Directive, the
// lexer's delimiter and NewHashFile's sum; cmd/atlas: txmode and nolint),
// except that a UTF-8 BOM is skipped and CRLF line endings count as LF.
// Atlas itself finds no file directive in a CRLF file (its header must be
// followed by "\n\n"), so `-- atlas:txmode none` would silently run in a
// transaction; schemactl reads it.

// Directive names.
const (
	DirectiveTxMode     = "txmode"     // file header: none | file
	DirectiveNolint     = "nolint"     // file header or above a statement: [codes and analyzers]
	DirectiveDelimiter  = "delimiter"  // first line: the statement delimiter
	DirectiveSum        = "sum"        // first line: ignore
	DirectiveCheckpoint = "checkpoint" // file header: [tag]
)

// knownDirectives are the directives Atlas's open-source CLI and library
// act on; proDirectives are Atlas Pro's, whose files schemactl cannot run
// (a txtar archive would be executed as one SQL script).
var (
	knownDirectives = []string{DirectiveTxMode, DirectiveNolint, DirectiveDelimiter, DirectiveSum, DirectiveCheckpoint}
	proDirectives   = []string{"import", "txtar", "assert"}
)

// Place is where a directive line sits in its file, which decides whether
// Atlas acts on it.
type Place int

const (
	// InHeader: the file header, the comment lines that start the file and
	// are followed by a blank line (or end a comments-only file).
	InHeader Place = iota + 1
	// AboveStmt: a comment block directly above a statement, no blank line
	// between: Atlas attaches it to that statement.
	AboveStmt
	// Detached: anywhere else (after a blank line, or a header that does
	// not start on line 1): Atlas ignores it.
	Detached
)

// Directive is one directive line of a migration file.
type Directive struct {
	Name   string   // e.g. "txmode"
	Args   []string // the rest of the line, split on blanks
	Line   int      // 1-based
	Place  Place
	Prefix string // what precedes "atlas:", e.g. "-- "
}

// reDirective is Atlas's directive pattern (sql/migrate.reDirective): any
// printable prefix, "atlas:", a name, then spaces and the arguments.
var reDirective = regexp.MustCompile(`^([ -~]*)atlas:(\w+)(?: +(.*))?`)

// reMarker is a comment line that is meant as a directive: the comment
// marker, optional blanks, "atlas:". Only such lines are reported when
// their name is unknown, so prose mentioning "atlas:" is left alone.
var reMarker = regexp.MustCompile(`^(?:--|#|/\*)[ \t]*atlas:`)

// bom is the UTF-8 byte order mark.
var bom = []byte("\xef\xbb\xbf")

// HasBOM reports whether b starts with a UTF-8 byte order mark.
func HasBOM(b []byte) bool { return bytes.HasPrefix(b, bom) }

// lines splits content into lines without their "\n" or "\r\n"; a final
// newline does not start another line.
func lines(content []byte) []string {
	s := string(bytes.TrimPrefix(content, bom))
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}

// headerLen is the number of header lines of content (split into ls): as
// Atlas's LocalFile.comments, the lines from the first that start with
// "--" or "#", if a blank line or the end of the file follows them. Like
// Atlas, a comments-only file must end with a newline to have a header.
func headerLen(content []byte, ls []string) int {
	n := 0
	for n < len(ls) && (strings.HasPrefix(ls[n], "--") || strings.HasPrefix(ls[n], "#")) {
		n++
	}
	switch {
	case n < len(ls) && strings.TrimLeft(ls[n], " \t") != "":
		return 0
	case n == len(ls) && !bytes.HasSuffix(content, []byte("\n")):
		return 0
	}
	return n
}

// parseLine returns the directive on a comment line, if any. marked tells
// whether the line starts with a comment marker and "atlas:".
func parseLine(line string) (d Directive, ok, marked bool) {
	if !strings.Contains(line, "atlas:") {
		return d, false, false
	}
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "/*") {
		if !strings.HasSuffix(t, "*/") {
			return d, false, false
		}
		t = strings.TrimSpace(strings.TrimSuffix(t, "*/"))
	}
	m := reDirective.FindStringSubmatch(t)
	if m == nil {
		return d, false, false
	}
	return Directive{Name: m[2], Args: strings.Fields(m[3]), Prefix: m[1]}, true, reMarker.MatchString(t)
}

// HeaderLines is the number of lines of content's file header, 0 when it
// has none (see InHeader).
func HeaderLines(content []byte) int { return headerLen(content, lines(content)) }

// HeaderDirectives returns the directives of the file header that are
// named name, as LocalFile.Directive does but through a BOM and with CRLF
// line endings. Each is the rest of its line.
func HeaderDirectives(content []byte, name string) []string {
	ls := lines(content)
	var out []string
	for _, l := range ls[:headerLen(content, ls)] {
		if d, ok, _ := parseLine(l); ok && d.Name == name {
			out = append(out, strings.Join(d.Args, " "))
		}
	}
	return out
}

// TxModes returns the file's `-- atlas:txmode` values; a goose or dbmate
// file that its own format runs outside a transaction (`-- +goose NO
// TRANSACTION`, `-- migrate:up transaction:false`) and has no such
// directive says "none".
func TxModes(f migrate.File) []string {
	ds := HeaderDirectives(f.Bytes(), DirectiveTxMode)
	if len(ds) == 0 && dirformat.NoTransaction(f) {
		ds = []string{"none"}
	}
	return ds
}

// TxMode returns the file's transaction mode (TxModes; "" when it has
// none); with more than one, the first (CheckFiles reports the others).
func TxMode(f migrate.File) string {
	if ds := TxModes(f); len(ds) > 0 {
		return ds[0]
	}
	return ""
}

// NoTx reports whether the file says `-- atlas:txmode none`.
func NoTx(f migrate.File) bool { return TxMode(f) == "none" }

// Directives returns every directive line of content and where it sits.
// Header lines are read as Atlas reads them (any prefix before "atlas:"
// counts); elsewhere only comment lines that start with "atlas:" are, and
// comments inside a statement (a function body, say) are skipped.
func Directives(content []byte) []Directive {
	if !bytes.Contains(content, []byte("atlas:")) {
		return nil // most files: no need to scan their statements
	}
	ls := lines(content)
	header := headerLen(content, ls)
	var starts, inside map[int]bool
	for _, l := range ls[header:] {
		if _, ok, marked := parseLine(l); ok && marked {
			starts, inside = stmtLines(content, len(ls))
			break
		}
	}
	var out []Directive
	for i, l := range ls {
		d, ok, marked := parseLine(l)
		if !ok {
			continue
		}
		d.Line = i + 1
		switch {
		case i < header:
			if !marked && !isKnown(d.Name) {
				continue // prose that mentions "atlas:"
			}
			d.Place = InHeader
		case !marked || inside[i]:
			continue
		case attached(ls, i, starts):
			d.Place = AboveStmt
		default:
			d.Place = Detached
		}
		out = append(out, d)
	}
	return out
}

func isKnown(name string) bool {
	for _, n := range append(knownDirectives, proDirectives...) {
		if n == name {
			return true
		}
	}
	return false
}

// attached reports whether line i is in a block of comment lines that ends
// right above a statement's first line, as Atlas's lexer attaches them.
func attached(ls []string, i int, starts map[int]bool) bool {
	for j := i + 1; j < len(ls); j++ {
		t := strings.TrimSpace(ls[j])
		switch {
		case starts[j]:
			return true
		case t == "":
			return false
		case strings.HasPrefix(t, "--") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "#"):
			continue
		default:
			// A line of a statement the scanner did not report (it failed):
			// take the first non-comment line as the statement.
			return len(starts) == 0
		}
	}
	return false
}

// stmtLines returns, by 0-based line, where statements start and which
// lines lie inside one, using the statement scanner Atlas uses for
// PostgreSQL. If the file does not scan, both are empty and every comment
// line followed by a non-comment line counts as above a statement.
func stmtLines(content []byte, n int) (starts, inside map[int]bool) {
	starts, inside = map[int]bool{}, map[int]bool{}
	text := string(bytes.TrimPrefix(content, bom))
	offset := 0
	// The lexer drops a first-line delimiter directive and counts positions
	// from the line after it.
	if _, ok := delimiterOf(text); ok {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			offset = i + 1
		}
	}
	stmts, err := (*postgres.Driver)(nil).ScanStmts(text)
	if err != nil {
		return map[int]bool{}, map[int]bool{}
	}
	lineOf := func(pos int) int { return strings.Count(text[:min(max(pos, 0), len(text))], "\n") }
	for _, s := range stmts {
		first := lineOf(offset + s.Pos)
		last := lineOf(offset + s.Pos + len(s.Text))
		starts[first] = true
		for l := first + 1; l <= last && l < n; l++ {
			inside[l] = true
		}
	}
	return starts, inside
}

// delimiterOf returns the delimiter set on the first line, as Atlas's
// lexer reads it: "-- atlas:delimiter X" exactly.
func delimiterOf(text string) (string, bool) {
	first, _, _ := strings.Cut(text, "\n")
	d, ok, _ := parseLine(strings.TrimSuffix(first, "\r"))
	if !ok || d.Name != DirectiveDelimiter || d.Prefix != "-- " {
		return "", false
	}
	return strings.Join(d.Args, " "), true
}

// HasDelimiter reports whether the file sets its own statement delimiter.
func HasDelimiter(f migrate.File) bool {
	_, ok := delimiterOf(string(bytes.TrimPrefix(f.Bytes(), bom)))
	return ok
}
