package revert

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// parsed is one statement of a migration file, as the file's format
// splits it (a goose or dbmate file's up section only), parsed by
// PostgreSQL's own parser: the data changes, the renames and the NOT VALID
// constraints are all read from it.
type parsed struct {
	file    string // the file's name
	line    int
	text    string
	nodes   []*pg_query.Node
	version int32 // the parse tree's, for deparsing
}

// parse parses f's first n statements, all of them when n < 0.
func parse(f migrate.File, n int) ([]parsed, error) {
	stmts, err := f.StmtDecls()
	if err != nil {
		return nil, fmt.Errorf("revert: %s: %w", f.Name(), err)
	}
	if n >= 0 && n < len(stmts) {
		stmts = stmts[:n]
	}
	out := make([]parsed, len(stmts))
	for i, s := range stmts {
		line := migdir.StmtLine(f.Bytes(), s.Pos)
		tree, err := pg_query.Parse(s.Text)
		if err != nil {
			return nil, fmt.Errorf("revert: %s:%d: %w", f.Name(), line, err)
		}
		out[i] = parsed{file: f.Name(), line: line, text: strings.TrimSpace(s.Text), version: tree.Version}
		for _, raw := range tree.Stmts {
			out[i].nodes = append(out[i].nodes, raw.Stmt)
		}
	}
	return out, nil
}

// statementsRan is what the reverted files ran, in order: each file's statements,
// as far as it ran.
func statementsRan(files []File) ([]parsed, error) {
	var out []parsed
	for _, f := range files {
		stmts, err := parse(f.file, f.Applied)
		if err != nil {
			return nil, err
		}
		out = append(out, stmts...)
	}
	return out, nil
}
