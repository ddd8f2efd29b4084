package desired

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/entsrc"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/pgerr"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// ApplyError is the Ent schemas' script failing on the dev database: the
// desired state could not be computed, so the command could not run (exit
// 2). It names the Ent declaration behind the failing statement where it
// can be told (the field whose column type PostgreSQL does not know), the
// schema package otherwise.
type ApplyError struct {
	At   report.Location
	Stmt string
	Err  error // PostgreSQL's
}

func (e *ApplyError) Error() string {
	hint := ""
	var pe *pgconn.PgError
	if errors.As(e.Err, &pe) && pe.Code == "42704" && strings.HasPrefix(pe.Message, "type ") {
		// A type the dev database lacks: an extension's, usually.
		hint = "; if an extension provides it, create the extension in a migration or in the dev database's baseline (atlas.hcl's docker block)"
	}
	return fmt.Sprintf("desired: %s: the Ent schema does not apply on PostgreSQL: %s%s", e.At, pgerr.Message(e.Err), hint)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Apply runs the script on the clean dev database conn (see DDL.Exec); a
// failing statement is an *ApplyError.
func (s *State) Apply(ctx context.Context, conn *pgdb.Conn) error {
	if err := s.DDL.Exec(ctx, conn); err != nil {
		return s.applyError(err)
	}
	return nil
}

// applyError turns the script's failing statement err into an *ApplyError.
func (s *State) applyError(err error) error {
	var se *sqlscript.StmtError
	if !errors.As(err, &se) || se.File != "" {
		return err // not a statement of Ent's: a SQL source's, named by its file
	}
	title := strings.Join(s.Dirs(), ", ")
	at := report.Location{File: title}
	if table, column := failingColumn(se); table != "" {
		if loc, err := entsrc.New(s.Dirs(), s.Graph); err == nil {
			var ok bool
			if column != "" {
				at, ok = loc.Column(table, column)
			}
			if !ok {
				if at, ok = loc.Table(table); !ok {
					at = report.Location{File: title, Element: "table " + table}
				}
			}
		}
	}
	return &ApplyError{At: at, Stmt: se.Stmt, Err: se.Err}
}

// failingColumn names the table, and the column where PostgreSQL points
// (its error position) into a CREATE TABLE's column definitions.
func failingColumn(se *sqlscript.StmtError) (table, column string) {
	tree, err := pg_query.Parse(se.Stmt)
	if err != nil || len(tree.Stmts) != 1 {
		return "", ""
	}
	pos := -1
	var pe *pgconn.PgError
	if errors.As(se.Err, &pe) && pe.Position > 0 {
		pos = int(pe.Position) - 1 // 1-based, in characters: Ent's names are ASCII
	}
	switch x := tree.Stmts[0].Stmt.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		table = x.CreateStmt.GetRelation().GetRelname()
		// The element PostgreSQL points into: the last that starts before
		// the position (a column, or a table constraint).
		for _, e := range x.CreateStmt.TableElts {
			if c := e.GetColumnDef(); c != nil && pos >= 0 && int(c.Location) <= pos {
				column = c.Colname
			} else if k := e.GetConstraint(); k != nil && pos >= 0 && int(k.Location) <= pos {
				column = ""
			}
		}
	case *pg_query.Node_IndexStmt:
		table = x.IndexStmt.GetRelation().GetRelname()
	case *pg_query.Node_AlterTableStmt:
		table = x.AlterTableStmt.GetRelation().GetRelname()
	}
	return table, column
}
