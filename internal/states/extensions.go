package states

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/pgerr"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// Ent cannot declare an extension, yet a field may use its type
// (SchemaType citext). Atlas's answer is the dev database's baseline; the
// other common one is a migration that creates the extension. So Ent
// schemas alone are normalised on a database holding both: the baseline,
// and the extensions the directory's files create (created first, each as
// the file wrote it, but IF NOT EXISTS). Both sides then hold the same
// extensions. A desired state with a SQL source (composite_schema) declares
// its extensions itself, and they are compared: nothing is copied then.

// extensionStmt creates one extension a migration file creates.
type extensionStmt struct {
	sqlscript.Stmt        // the statement, at the line the file creates it
	File           string // the file's name
	Name           string // the extension
}

// desiredExtensions are the extensions the directory leaves created, in
// the order the files create them.
type desiredExtensions []extensionStmt

// key identifies them, for the cache key of the normalised schema.
func (d desiredExtensions) key() string {
	if len(d) == 0 {
		return ""
	}
	h := sha256.New()
	for _, s := range d {
		fmt.Fprintf(h, "%d:%s;", len(s.Text), s.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// extensionsOf reads the CREATE and DROP EXTENSION statements of files
// with PostgreSQL's parser. Only files that mention extensions are parsed;
// one that does not parse is skipped (its replay reports it).
func extensionsOf(files []migrate.File) (desiredExtensions, error) {
	var out desiredExtensions
	for _, f := range files {
		if !bytes.Contains(bytes.ToLower(f.Bytes()), []byte("extension")) {
			continue
		}
		p, err := sqlparse.Parse(f.Name(), f.Bytes())
		if err != nil {
			continue
		}
		for _, st := range p.Stmts {
			switch x := st.Node.GetNode().(type) {
			case *pg_query.Node_CreateExtensionStmt:
				text := createExtension(x.CreateExtensionStmt)
				out = dropExtension(out, x.CreateExtensionStmt.Extname)
				out = append(out, extensionStmt{Stmt: sqlscript.Stmt{Text: text, Line: st.Line}, File: f.Name(), Name: x.CreateExtensionStmt.Extname})
			case *pg_query.Node_DropStmt:
				if x.DropStmt.RemoveType != pg_query.ObjectType_OBJECT_EXTENSION {
					continue
				}
				for _, o := range x.DropStmt.Objects {
					out = dropExtension(out, o.GetString_().GetSval())
				}
			}
		}
	}
	return out, nil
}

// createExtension renders the statement, IF NOT EXISTS, with the schema
// it names created first (the migrations create it: so must this side).
func createExtension(c *pg_query.CreateExtensionStmt) string {
	var opts []string
	schema := ""
	for _, o := range c.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "schema":
			schema = d.GetArg().GetString_().GetSval()
			opts = append(opts, "SCHEMA "+quote(schema))
		case "cascade":
			opts = append(opts, "CASCADE")
		}
	}
	text := "CREATE EXTENSION IF NOT EXISTS " + quote(c.Extname)
	if len(opts) > 0 {
		text += " " + strings.Join(opts, " ")
	}
	if schema != "" {
		text = "CREATE SCHEMA IF NOT EXISTS " + quote(schema) + "; " + text
	}
	return text
}

func dropExtension(list desiredExtensions, name string) desiredExtensions {
	out := list[:0:0]
	for _, s := range list {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// create runs the statements on conn, each in its own transaction. An
// extension the server lacks is named with the file and line that create
// it (devdb.ExtensionError).
func (d desiredExtensions) create(ctx context.Context, conn *pgdb.Conn) error {
	for _, s := range d {
		if err := sqlscript.Each(ctx, conn.DB, []sqlscript.Stmt{s.Stmt}, true); err != nil {
			var se *sqlscript.StmtError
			if !errors.As(err, &se) {
				return err
			}
			if ee := devdb.AsExtensionError(s.File, s.Line, se.Err, devdb.MajorOf(ctx, conn.DB)); ee != se.Err {
				return ee
			}
			return fmt.Errorf("states: %s:%d: the extension does not create for the Ent schemas: %s", s.File, s.Line, pgerr.Message(se.Err))
		}
	}
	return nil
}
