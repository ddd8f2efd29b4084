package revert

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// DataChange is a statement of a reverted file that changed rows. The down
// puts the schema back, not the rows: the rows stay as the file left them.
type DataChange struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Kind      string `json:"kind"` // INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY
	Statement string `json:"statement"`
}

func (d DataChange) String() string {
	return fmt.Sprintf("%s:%d: %s changes rows, which a down does not put back: %s", d.File, d.Line, d.Kind, short(d.Statement))
}

// dataChanges lists the statements of the reverted files (as far as each
// ran) that change rows. A DO block or a function call may change rows
// too; what they run is not read.
func dataChanges(dir string, files []File) ([]DataChange, error) {
	out := []DataChange{} // a JSON list, never null
	for _, f := range files {
		stmts, err := f.file.StmtDecls()
		if err != nil {
			return nil, fmt.Errorf("revert: %s: %w", f.Name, err)
		}
		if f.Applied < len(stmts) {
			stmts = stmts[:f.Applied]
		}
		for _, s := range stmts {
			tree, err := pg_query.Parse(s.Text)
			if err != nil {
				return nil, fmt.Errorf("revert: %s:%d: %w", f.Name, migdir.StmtLine(f.file.Bytes(), s.Pos), err)
			}
			for _, raw := range tree.Stmts {
				if kind := changesRows(raw.Stmt); kind != "" {
					out = append(out, DataChange{File: pathIn(dir, f.Name), Line: migdir.StmtLine(f.file.Bytes(), s.Pos), Kind: kind, Statement: strings.TrimSpace(s.Text)})
				}
			}
		}
	}
	return out, nil
}

// changesRows names the kind of a statement that writes rows, "" for one
// that does not.
func changesRows(n *pg_query.Node) string {
	switch {
	case n.GetInsertStmt() != nil:
		return "INSERT"
	case n.GetUpdateStmt() != nil:
		return "UPDATE"
	case n.GetDeleteStmt() != nil:
		return "DELETE"
	case n.GetMergeStmt() != nil:
		return "MERGE"
	case n.GetTruncateStmt() != nil:
		return "TRUNCATE"
	case n.GetCopyStmt() != nil && n.GetCopyStmt().IsFrom:
		return "COPY"
	}
	return ""
}

// short is a statement on one line, cut at 80 characters.
func short(s string) string {
	s = strings.TrimSuffix(strings.Join(strings.Fields(s), " "), ";")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

func pathIn(dir, name string) string {
	if dir == "" {
		return name
	}
	return strings.TrimSuffix(dir, "/") + "/" + name
}
