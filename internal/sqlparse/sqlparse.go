// Package sqlparse splits and parses migration files with PostgreSQL's own
// parser (libpg_query), so dollar-quoted bodies, DO blocks and comments are
// understood exactly as the server understands them, and reads Atlas's
// `-- atlas:` directives around the statements.
package sqlparse

import (
	"bytes"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Stmt is one statement of a file.
type Stmt struct {
	Node   *pg_query.Node
	Text   string     // the statement, without its leading comments
	Line   int        // 1-based line where it starts
	Nolint Directives // `-- atlas:nolint` right above it
}

// File is a parsed migration file.
type File struct {
	Name   string
	Stmts  []Stmt
	NoTx   bool       // `-- atlas:txmode none` in the file header
	Nolint Directives // `-- atlas:nolint` in the file header
}

// Directives are the arguments of the `-- atlas:nolint` lines that apply:
// nil means none; an empty, non-nil set silences everything.
type Directives []string

// Silences reports whether the directives silence code or analyzer.
func (d Directives) Silences(code, analyzer string) bool {
	if d == nil {
		return false
	}
	if len(d) == 0 {
		return true
	}
	for _, a := range d {
		if a == code || a == analyzer {
			return true
		}
	}
	return false
}

// Parse parses src. A syntax error names the file and line.
//
// File directives are read from the header exactly as migdir (and Atlas)
// read them: the comment lines that start the file, followed by a blank
// line; CRLF line endings count as LF. A UTF-8 BOM is skipped here, so the
// review still runs; migdir.CheckFile reports it.
func Parse(name string, src []byte) (*File, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	text := string(src)
	tree, err := pg_query.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("sqlparse: %s: %w", name, err)
	}
	f := &File{Name: name}
	if txmode := migdir.HeaderDirectives(src, migdir.DirectiveTxMode); len(txmode) > 0 {
		f.NoTx = txmode[0] == "none"
	}
	for _, args := range migdir.HeaderDirectives(src, migdir.DirectiveNolint) {
		f.Nolint = merge(f.Nolint, append(Directives{}, strings.Fields(args)...))
	}
	header := migdir.HeaderLines(src) > 0
	for i, raw := range tree.Stmts {
		start := int(raw.StmtLocation)
		end := len(text)
		if raw.StmtLen > 0 {
			end = start + int(raw.StmtLen)
		}
		prefix, body := splitComments(text[start:end])
		groups := commentGroups(prefix)
		if i == 0 && header && len(groups) > 0 {
			groups = groups[1:] // the header, read above
		}
		var stmtNolint Directives
		if len(groups) > 0 && groups[len(groups)-1].adjacent {
			stmtNolint = nolint(groups[len(groups)-1])
		}
		offset := start + len(prefix)
		f.Stmts = append(f.Stmts, Stmt{
			Node:   raw.Stmt,
			Text:   strings.TrimSpace(body),
			Line:   1 + strings.Count(text[:offset], "\n"),
			Nolint: stmtNolint,
		})
	}
	return f, nil
}

// group is a run of comment lines; adjacent ones touch the statement.
type group struct {
	lines    []string
	adjacent bool
}

// splitComments separates the leading blank lines and line comments of a
// statement's text from the statement itself.
func splitComments(s string) (prefix, body string) {
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '\n')
		line := s[i:]
		if j >= 0 {
			line = s[i : i+j+1]
		}
		if t := strings.TrimSpace(line); t != "" && !isComment(t) {
			break
		}
		i += len(line)
	}
	return s[:i], s[i:]
}

// isComment: a line comment, or a block comment on one line, which Atlas
// also reads directives from (/*atlas:nolint*/).
func isComment(t string) bool {
	return strings.HasPrefix(t, "--") || strings.HasPrefix(t, "/*") && strings.HasSuffix(t, "*/")
}

func commentGroups(prefix string) []group {
	var gs []group
	var cur *group
	for _, line := range strings.Split(prefix, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case isComment(t):
			if cur == nil {
				gs = append(gs, group{})
				cur = &gs[len(gs)-1]
			}
			cur.lines = append(cur.lines, t)
		default:
			cur = nil
		}
	}
	// The last group is adjacent when no blank line follows it.
	if n := len(gs); n > 0 {
		trimmed := strings.TrimRight(prefix, " \t")
		lines := strings.Split(strings.TrimSuffix(trimmed, "\n"), "\n")
		gs[n-1].adjacent = isComment(strings.TrimSpace(lines[len(lines)-1]))
	}
	return gs
}

func directiveArgs(g group, name string) ([][]string, bool) {
	var out [][]string
	for _, l := range g.lines {
		c := strings.TrimPrefix(l, "--")
		if strings.HasPrefix(l, "/*") {
			c = strings.TrimSuffix(strings.TrimPrefix(l, "/*"), "*/")
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(c), "atlas:"+name)
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		out = append(out, strings.Fields(rest))
	}
	return out, len(out) > 0
}

func nolint(g group) Directives {
	args, ok := directiveArgs(g, "nolint")
	if !ok {
		return nil
	}
	d := Directives{}
	for _, a := range args {
		if len(a) == 0 {
			return Directives{}
		}
		d = append(d, a...)
	}
	return d
}

func merge(a, b Directives) Directives {
	switch {
	case b == nil:
		return a
	case a == nil:
		return b
	case len(a) == 0 || len(b) == 0:
		return Directives{}
	}
	return append(a, b...)
}

// Walk calls fn for every message in the tree under m, depth first.
func Walk(m proto.Message, fn func(protoreflect.Message)) {
	if m == nil {
		return
	}
	walk(m.ProtoReflect(), fn)
}

func walk(m protoreflect.Message, fn func(protoreflect.Message)) {
	if !m.IsValid() {
		return
	}
	fn(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walk(l.Get(i).Message(), fn)
			}
		case fd.Message() != nil && !fd.IsMap():
			walk(v.Message(), fn)
		}
		return true
	})
}
