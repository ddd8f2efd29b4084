package apply

import (
	"context"
	"errors"
	"fmt"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// Status is where a database stands against the directory.
type Status struct {
	Current   string   `json:"current"`        // version of the last fully applied file ("" none)
	Next      string   `json:"next,omitempty"` // version of the next file to apply
	Pending   []string `json:"pending"`        // file names still to apply
	Applied   int      `json:"applied"`        // revisions recorded
	LastError string   `json:"last_error,omitempty"`
	ErrorStmt string   `json:"error_statement,omitempty"`
	Note      string   `json:"note,omitempty"`

	// For Atlas's template form (internal/cmdlog): the revisions and
	// pending files themselves.
	Revisions    []*migrate.Revision `json:"-"`
	PendingFiles []migrate.File      `json:"-"`
}

// ReadStatus reads the revisions table (without creating it) and the
// pending files.
func ReadStatus(ctx context.Context, conn *pgdb.Conn, dir *migdir.Dir, revisionsSchema string) (*Status, error) {
	store := revisions.New(conn.DB, revisionsSchema)
	revs, err := store.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	st := &Status{Applied: len(revs), Pending: []string{}, Revisions: revs}
	for _, r := range revs {
		if r.Applied == r.Total || r.Type.Has(migrate.RevisionTypeBaseline) {
			st.Current = r.Version
		}
	}
	if n := len(revs); n > 0 && revs[n-1].Error != "" {
		st.LastError, st.ErrorStmt = revs[n-1].Error, revs[n-1].ErrorStmt
	}
	// Atlas's executor would say "checksum mismatch" alone: name the file
	// and the fix, as apply and validate do.
	if problems, err := dir.CheckSum(); err != nil {
		return nil, fmt.Errorf("status: %w", err)
	} else if len(problems) > 0 {
		return nil, fmt.Errorf("status: %s", problems[0])
	}
	ex, err := migrate.NewExecutor(conn.Driver, dir.Migrate(), readOnly{store}, migrate.WithOperatorVersion(Operator))
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	pending, err := ex.Pending(ctx)
	var notClean *migrate.NotCleanError
	switch {
	case errors.Is(err, migrate.ErrNoPendingFiles):
	case errors.As(err, &notClean):
		st.Note = "the database is not empty and has no revisions: adopt it with `migrate apply --baseline VERSION`"
		pending, err = dir.Files()
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("status: %w", err)
	}
	st.PendingFiles = pending
	for _, f := range pending {
		st.Pending = append(st.Pending, f.Name())
	}
	if len(pending) > 0 {
		st.Next = pending[0].Version()
	}
	return st, nil
}
