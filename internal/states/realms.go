package states

import (
	"context"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/realmcache"
	"github.com/ledgerforge/schemactl/internal/replaycache"
)

// The kinds of state whose inspected realm the realm cache keeps.
const (
	replayRealm  = "replay"  // a directory's files replayed, keyed by the last one's running hash
	desiredRealm = "desired" // a desired state normalised, keyed by its script's key
)

// realmKey is the cache key of a state's realm: the server's exact version
// (its catalog prints the expressions) with the state's own key, and the
// dev database baseline it was built on (and whose objects it leaves out).
func (e *Env) realmKey(kind, state string) string {
	k := e.serverBuild + "\x00" + state
	if b := replaycache.BaselineKey(e.opts.Baseline); b != "" {
		k += "\x00baseline " + b
	}
	return e.realms.Key(kind, k)
}

// cachedRealm is the realm the cache holds for a state, without exclude
// patterns applied, or false (always with the cache off).
func (e *Env) cachedRealm(kind, state string) (*schema.Realm, bool) {
	if e.realms == nil || state == "" {
		return nil, false
	}
	return e.realms.Get(e.realmKey(kind, state))
}

// hasRealm reports whether the cache holds a state's realm, without
// reading it: Open only decides whether to start the server up front, and
// the command reads the realm itself once.
func (e *Env) hasRealm(kind, state string) bool {
	return e.realms != nil && state != "" && e.realms.Has(e.realmKey(kind, state))
}

// storeRealm encodes a state's freshly inspected realm, before exclude
// patterns change it, for Close to store: after the replay cache's entry,
// so that a run killed before that leaves neither, and the next run
// rebuilds both. A failure only costs the next run an inspection, so it is
// a cache warning.
func (e *Env) storeRealm(kind, state string, r *schema.Realm) {
	if e.realms == nil || state == "" {
		return
	}
	b, err := realmcache.Marshal(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.realmErr = err
		return
	}
	if b != nil {
		e.pending = append(e.pending, pendingRealm{e.realmKey(kind, state), b})
	}
}

// pendingRealm is an encoded realm Close stores.
type pendingRealm struct {
	key string
	b   []byte
}

// storeRealms stores the pending realms; it returns why one was not.
func (e *Env) storeRealms() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.realmErr
	for _, p := range e.pending {
		if perr := e.realms.Put(p.key, p.b); perr != nil {
			err = perr
		}
	}
	e.pending = nil
	return err
}

// Differ diffs realms as a dev database's driver does, without a database
// when it can. Atlas's PostgreSQL differ needs its connection only to ask
// the server whether two default expressions that print differently are
// equal (and otherwise uses the connection's search_path, which a dev
// database's URL never sets). So when the connection-less differ finds no
// change, neither would the connected one: that answer is final. Any
// change, or an error, is worked out again on a dev database, so every
// answer is the connected differ's. A run whose states both came from the
// realm cache then never starts the dev cluster.
func (e *Env) Differ(ctx context.Context) schema.Differ { return differ{e, ctx} }

type differ struct {
	e   *Env
	ctx context.Context
}

func (d differ) RealmDiff(from, to *schema.Realm, opts ...schema.DiffOption) ([]schema.Change, error) {
	return d.diff(func(x schema.Differ) ([]schema.Change, error) { return x.RealmDiff(from, to, opts...) })
}

func (d differ) SchemaDiff(from, to *schema.Schema, opts ...schema.DiffOption) ([]schema.Change, error) {
	return d.diff(func(x schema.Differ) ([]schema.Change, error) { return x.SchemaDiff(from, to, opts...) })
}

func (d differ) TableDiff(from, to *schema.Table, opts ...schema.DiffOption) ([]schema.Change, error) {
	return d.diff(func(x schema.Differ) ([]schema.Change, error) { return x.TableDiff(from, to, opts...) })
}

func (d differ) diff(run func(schema.Differ) ([]schema.Change, error)) ([]schema.Change, error) {
	if changes, err := run(postgres.DefaultDiff); err == nil && len(changes) == 0 {
		return nil, nil
	}
	var (
		changes []schema.Change
		err     error
	)
	derr := d.e.Dev(d.ctx, func(c *pgdb.Conn) error {
		changes, err = run(c.Driver)
		return nil
	})
	if derr != nil {
		return nil, derr
	}
	return changes, err
}
