package apply

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/revisions"
)

// history is the revisions store Atlas's executor reads and writes during an
// apply, corrected where Atlas's executor would record a lie about a file it
// resumes. Execute keeps the total and hash of the revision it reads, so:
//   - a revision recording nothing applied (statement 1 failed with no
//     transaction, or an older schemactl wrote it after a rollback) keeps
//     the total and hash of the broken file once it is fixed: it is read as
//     no revision, and the file starts afresh, recorded as it is now;
//   - a half-applied file (none mode) fixed after the failed statement ends
//     with applied = its new statement count, total = the old one, and the
//     old file's hash: applied != total reads as half applied forever, and
//     the hash no longer matches the file. When the statements that ran are
//     unchanged (their running hashes match, as Execute then checks), the
//     revision is read with the file's current total and hash;
//   - a file now shorter than what already ran makes Execute index past
//     its statements and panic: that is a changed history, reported as
//     Atlas reports one.
//
// Either way both tools read the same history afterwards.
type history struct {
	*revisions.Store
	files map[string]fileNow // the pending files, by version
}

// fileNow is a pending file as it is now.
type fileNow struct {
	name  string
	total int
	hash  string   // its atlas.sum entry, as Atlas records it
	sums  []string // running hashes of its statements, as Atlas computes them
}

// filesNow computes fileNow for each file the way Execute does.
func filesNow(drv migrate.Driver, sum migrate.HashFile, files []migrate.File) (map[string]fileNow, error) {
	m := make(map[string]fileNow, len(files))
	for _, f := range files {
		hash, err := sum.SumByName(f.Name())
		if err != nil {
			return nil, fmt.Errorf("apply: %s: %w", f.Name(), err)
		}
		stmts, err := migrate.FileStmtDecls(drv, f)
		if err != nil {
			return nil, fmt.Errorf("apply: %s: %w", f.Name(), err)
		}
		sums, h := make([]string, len(stmts)), sha256.New()
		for i, s := range stmts {
			h.Write([]byte(s.Text))
			sums[i] = base64.StdEncoding.EncodeToString(h.Sum(nil))
		}
		m[f.Version()] = fileNow{name: f.Name(), total: len(stmts), hash: hash, sums: sums}
	}
	return m, nil
}

func (h history) ReadRevision(ctx context.Context, v string) (*migrate.Revision, error) {
	r, err := h.Store.ReadRevision(ctx, v)
	if err != nil {
		return nil, err
	}
	return h.correct(r)
}

func (h history) correct(r *migrate.Revision) (*migrate.Revision, error) {
	f, ok := h.files[r.Version]
	if !ok || r.Type != migrate.RevisionTypeExecute || r.Applied >= r.Total {
		return r, nil
	}
	if unstarted(r) {
		return nil, migrate.ErrRevisionNotExist
	}
	if r.Applied > f.total {
		return nil, migrate.HistoryChangedError{File: f.name, Stmt: f.total + 1}
	}
	if len(r.PartialHashes) < r.Applied {
		return nil, fmt.Errorf("apply: the revision of %s records %d statements applied but %d partial hashes", f.name, r.Applied, len(r.PartialHashes))
	}
	for i := range r.Applied {
		if f.sums[i] != strings.TrimPrefix(r.PartialHashes[i], "h1:") {
			return r, nil // Execute reports the change
		}
	}
	r.Total, r.Hash = f.total, f.hash
	return r, nil
}

// buffered keeps a file's revision in memory while its transaction runs.
// Atlas's Executor.Execute reads the file's revision once, then writes it
// when it starts, after every statement, and once more when it returns (a
// deferred write, with the error if it failed); inside a transaction only
// the last write matters, and only if the transaction commits. So writes
// are buffered, and flush writes the last one, in the transaction, after
// Execute succeeded: one write per file instead of one per statement. A
// failure discards the buffer along with the transaction. The package tests
// pin that call order.
type buffered struct {
	history
	pending *migrate.Revision
	known   map[string]*migrate.Revision // the revisions when the apply began (under the lock)
}

func (b *buffered) ReadRevision(ctx context.Context, v string) (*migrate.Revision, error) {
	if b.pending != nil && b.pending.Version == v {
		r := *b.pending
		return &r, nil
	}
	if _, ok := b.known[v]; b.known != nil && !ok {
		return nil, migrate.ErrRevisionNotExist // saves a round trip per new file
	}
	return b.history.ReadRevision(ctx, v)
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
