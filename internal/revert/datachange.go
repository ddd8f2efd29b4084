package revert

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
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

// NotRevertedText says what a statement the down does not revert leaves.
func NotRevertedText(d DataChange) string {
	return fmt.Sprintf("%s:%d: %s is not reverted (the down reverts what schemactl inspects), it stays: %s", d.File, d.Line, d.Kind, short(d.Statement))
}

// scan lists the statements of the reverted files (as far as each ran)
// that change rows, and those that change what the down does not revert
// (unreverted.go). A DO block or a function call may do either; what they
// run is not read.
func scan(dir string, stmts []parsed) (rows, other []DataChange) {
	rows, other = []DataChange{}, []DataChange{} // JSON lists, never null
	for _, s := range stmts {
		for _, n := range s.nodes {
			d := DataChange{File: pathIn(dir, s.file), Line: s.line, Statement: s.text}
			if d.Kind = changesRows(n); d.Kind != "" {
				rows = append(rows, d)
			} else if d.Kind = unreverted(n); d.Kind != "" {
				other = append(other, d)
			}
		}
	}
	return rows, other
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
