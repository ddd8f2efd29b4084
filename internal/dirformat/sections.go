package dirformat

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"ariga.io/atlas/sql/migrate"
)

// Goose and dbmate files hold both directions; their annotations say
// where the up section starts and ends. Atlas's sqltool copies the up
// lines into a new text and scans that; here each copied line remembers
// the line of the file it came from, so a statement's position (and so
// the line errors name) is in the file, not in the copy.

const (
	goosePragma  = "-- +goose"
	dbmatePragma = "-- migrate:"
	// gooseDelim ends a goose statement in the copy, as in sqltool: goose
	// statements end at a line ending in ";" or at StatementEnd, not where
	// a SQL scanner would end them.
	gooseDelim = "-- ATLAS_DELIM_END"
)

// section is a goose or dbmate file read: its lines, the copy handed to
// Atlas's statement scanner, and what the annotations said.
type section struct {
	name    string
	content []byte
	starts  []int      // byte offset of each line of the file
	texts   []string   // each line, without "\n" or "\r\n"
	out     []copyLine // the copy, one entry per line
	header  string     // the copy's first line (goose: its delimiter directive), or ""
	noTx    bool
	hasUp   bool // an up annotation was found
	// bad is an annotation out of place, on line badLine (1-based).
	bad     string
	badLine int
}

// copyLine is a line of the copy and the file line it came from (-1: added).
type copyLine struct {
	text string
	from int
}

// split cuts content into lines as bufio.ScanLines does (a final newline
// ends the last line; "\r\n" counts as "\n").
func split(name string, content []byte) *section {
	s := &section{name: name, content: content}
	for off := 0; off < len(content); {
		end := bytes.IndexByte(content[off:], '\n')
		next := len(content)
		if end >= 0 {
			next = off + end + 1
			end = off + end
		} else {
			end = len(content)
		}
		s.starts = append(s.starts, off)
		s.texts = append(s.texts, strings.TrimSuffix(string(content[off:end]), "\r"))
		off = next
	}
	return s
}

// annotation returns what follows prefix on a line that starts with it.
func annotation(line, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(line, prefix)
	return strings.TrimSpace(rest), ok
}

// parseGoose reads a goose file as sqltool's GooseFile.StmtDecls does:
// everything up to `-- +goose Down`, annotations left out, each statement
// ending at a line that ends in ";" (not a comment line) or at
// `-- +goose StatementEnd`. Unlike sqltool, only a line that is an
// annotation is left out (sqltool drops any line containing "Down",
// "StatementBegin" or "StatementEnd"), and `-- +goose NO TRANSACTION` is
// read.
func parseGoose(name string, content []byte) *section {
	const (
		none = iota
		up
		begin
		end
	)
	s := split(name, content)
	s.header = "-- atlas:delimiter " + gooseDelim
	s.out = []copyLine{{"", -1}}
	state := none
	unexpected := func(i int, a string) {
		if s.bad == "" {
			s.bad, s.badLine = fmt.Sprintf("unexpected `%s %s`", goosePragma, a), i+1
		}
	}
Scan:
	for i, line := range s.texts {
		a, isPragma := annotation(line, goosePragma)
		if isPragma {
			switch a {
			case "Up":
				if state != none {
					unexpected(i, a)
					break Scan
				}
				state, s.hasUp = up, true
			case "Down":
				if state != up {
					unexpected(i, a)
				}
				break Scan
			case "StatementBegin":
				if state != up {
					unexpected(i, a)
					break Scan
				}
				state = begin
			case "StatementEnd":
				if state != begin {
					unexpected(i, a)
					break Scan
				}
				state = end
			case "NO TRANSACTION":
				s.noTx = true
				isPragma = false // a comment line to sqltool, kept
			default:
				isPragma = false
			}
		}
		if !isPragma && state != end {
			line = strings.TrimRightFunc(line, unicode.IsSpace)
			s.out = append(s.out, copyLine{line, i})
			if state == up && strings.HasSuffix(line, ";") && !strings.HasPrefix(line, "--") {
				s.out = append(s.out, copyLine{gooseDelim, -1})
			}
		}
		if state == end {
			state = up
			s.out = append(s.out, copyLine{gooseDelim, -1})
		}
	}
	if !s.noTx {
		// goose reads the annotation wherever it is, after Down too.
		for _, line := range s.texts {
			if a, ok := annotation(line, goosePragma); ok && a == "NO TRANSACTION" {
				s.noTx = true
			}
		}
	}
	return s
}

// parseDBMate reads a dbmate file as sqltool's DBMateFile.StmtDecls does:
// the lines after `-- migrate:up`, up to `-- migrate:down`. Unlike
// sqltool, `-- migrate:up transaction:false` starts the up section too
// (sqltool reads nothing from such a file) and runs it outside a
// transaction, and only annotation lines are left out (sqltool drops any
// up line containing "down").
func parseDBMate(name string, content []byte) *section {
	s := split(name, content)
	inUp := false
	for i, line := range s.texts {
		if a, ok := annotation(line, dbmatePragma); ok {
			fields := strings.Fields(a)
			if len(fields) > 0 && fields[0] == "up" {
				inUp, s.hasUp = true, true
				for _, opt := range fields[1:] {
					if opt == "transaction:false" {
						s.noTx = true
					}
				}
				continue
			}
			if len(fields) > 0 && fields[0] == "down" {
				break
			}
		}
		if inUp {
			s.out = append(s.out, copyLine{line, i})
		}
	}
	return s
}

// stmts scans the copy with Atlas's statement scanner and moves each
// statement's position back into the file.
func (s *section) stmts() ([]*migrate.Stmt, error) {
	if s.bad != "" {
		return nil, fmt.Errorf("goose: %s:%d: %s", s.name, s.badLine, s.bad)
	}
	lines := make([]string, len(s.out))
	for i, l := range s.out {
		lines[i] = l.text
	}
	input := strings.Join(lines, "\n")
	text := input
	if s.header != "" {
		text = s.header + "\n" + input
	}
	stmts, err := migrate.Stmts(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	for _, st := range stmts {
		st.Pos = s.filePos(input, st.Pos)
	}
	return stmts, nil
}

// filePos turns an offset in the copy into one in the file.
func (s *section) filePos(input string, pos int) int {
	pos = max(0, min(pos, len(input)))
	line := strings.Count(input[:pos], "\n")
	col := pos - (strings.LastIndexByte(input[:pos], '\n') + 1)
	if line >= len(s.out) || s.out[line].from < 0 {
		return 0
	}
	return s.starts[s.out[line].from] + col
}

// up is the file with the lines that do not run blanked.
func (s *section) up() []byte {
	kept := make([]bool, len(s.texts))
	for _, l := range s.out {
		if l.from >= 0 {
			kept[l.from] = true
		}
	}
	var b strings.Builder
	for i, t := range s.texts {
		if kept[i] {
			b.WriteString(t)
		}
		if i < len(s.texts)-1 || bytes.HasSuffix(s.content, []byte("\n")) {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}
