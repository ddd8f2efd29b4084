// Package replay executes a migration directory on a clean dev database and
// reads back the schema it produces: the "current state" that new
// migrations are planned against and that the gate compares with Ent.
package replay

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// bomNote explains an otherwise invisible cause: PostgreSQL reports a BOM
// as `syntax error at or near "\uFEFF..."`, which shows as nothing.
const bomNote = "; the file starts with a UTF-8 byte order mark (BOM), which PostgreSQL rejects: save it as UTF-8 without a BOM"

// Dir applies every file of dir on conn in order, each in its own
// transaction unless the file says `-- atlas:txmode none`, and returns the
// resulting schemas (pgdb.Conn.Inspect).
func Dir(ctx context.Context, conn *pgdb.Conn, dir *migdir.Dir) (*schema.Realm, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	return Files(ctx, conn, files)
}

// Files applies files in order and returns the resulting schemas.
func Files(ctx context.Context, conn *pgdb.Conn, files []migrate.File) (*schema.Realm, error) {
	for _, f := range files {
		if err := File(ctx, conn.DB, f); err != nil {
			return nil, err
		}
	}
	return conn.Inspect(ctx)
}

// File applies one migration file. A file that runs in a transaction is
// sent whole, in one round trip inside an explicit transaction (a lone
// simple query would otherwise run outside one, and CONCURRENTLY would
// wrongly pass); only when that fails is it replayed statement by
// statement, to pinpoint the failing statement, its line and its error.
func File(ctx context.Context, db *sql.DB, f migrate.File) error {
	if batchable(f) {
		err := batch(ctx, db, f)
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return fileByStatement(ctx, db, f)
}

func batch(ctx context.Context, db *sql.DB, f migrate.File) error {
	return sqlscript.Batch(ctx, db, string(f.Bytes()))
}

// batchable: files outside a transaction, with a custom delimiter that
// only Atlas's lexer understands, or of which only a section runs (goose,
// dbmate), run statement by statement.
func batchable(f migrate.File) bool {
	return dirformat.Whole(f) && !migdir.NoTx(f) && !migdir.HasDelimiter(f)
}

// fileByStatement applies a file one statement at a time.
func fileByStatement(ctx context.Context, db *sql.DB, f migrate.File) error {
	stmts, err := f.StmtDecls()
	if err != nil {
		return fmt.Errorf("replay: %s: %w", f.Name(), err)
	}
	list := make([]sqlscript.Stmt, len(stmts))
	for i, s := range stmts {
		list[i] = sqlscript.Stmt{Text: s.Text, Line: migdir.StmtLine(f.Bytes(), s.Pos)}
	}
	// The header is read through CRLF line endings too (migdir.TxMode).
	noTx := migdir.NoTx(f)
	if err := sqlscript.Each(ctx, db, list, !noTx); err != nil {
		var se *sqlscript.StmtError
		if errors.As(err, &se) {
			se.File = f.Name()
			if se.Line == 1 && migdir.HasBOM(f.Bytes()) {
				se.Note = bomNote
			}
			// An extension the server lacks is the machine's problem, not
			// the file's: one line saying how to install it.
			if ee := devdb.AsExtensionError(se.File, se.Line, se.Err, devdb.MajorOf(ctx, db)); ee != se.Err {
				return ee
			}
		}
		return err
	}
	return nil
}
