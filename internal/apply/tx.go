package apply

import (
	"context"
	"database/sql"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/revisions"
)

// txProxy lets one Atlas driver run on a new transaction per file: opening
// a driver costs a round trip to read the server's settings.
type txProxy struct {
	db *sql.DB
	tx *sql.Tx
}

func (p *txProxy) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if p.tx != nil {
		return p.tx.ExecContext(ctx, q, args...)
	}
	return p.db.ExecContext(ctx, q, args...)
}

func (p *txProxy) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if p.tx != nil {
		return p.tx.QueryContext(ctx, q, args...)
	}
	return p.db.QueryContext(ctx, q, args...)
}

// buffered keeps a file's revision in memory while its transaction runs:
// Atlas's executor writes the revision after every statement, which inside a
// transaction only matters at commit. One write per file instead of one per
// statement.
type buffered struct {
	*revisions.Store
	pending *migrate.Revision
	known   map[string]bool // versions with a revision when the apply began (under the lock)
}

func (b *buffered) ReadRevision(ctx context.Context, v string) (*migrate.Revision, error) {
	if b.pending != nil && b.pending.Version == v {
		r := *b.pending
		return &r, nil
	}
	if b.known != nil && !b.known[v] {
		return nil, migrate.ErrRevisionNotExist // saves a round trip per new file
	}
	return b.Store.ReadRevision(ctx, v)
}

func (b *buffered) WriteRevision(_ context.Context, r *migrate.Revision) error {
	c := *r
	c.PartialHashes = append([]string(nil), r.PartialHashes...)
	b.pending = &c
	return nil
}

// flush writes the buffered revision, inside the transaction.
func (b *buffered) flush(ctx context.Context) error {
	if b.pending == nil {
		return nil
	}
	err := b.Store.WriteRevision(ctx, b.pending)
	b.pending = nil
	return err
}
