package states

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replaycache"
)

// state is a replayed prefix of a directory: its first files files, the
// last of which has running hash sum and name last. Zero: nothing usable.
type state struct {
	files     int
	sum, last string
}

// hashedFiles are the files a build replays, with their running hashes, computed
// once per build.
type hashedFiles struct {
	list []migrate.File
	sums []string
}

func hashed(list []migrate.File) hashedFiles { return hashedFiles{list, RunningSums(list)} }

// last is the running hash of the last file, the key of the state after
// all of them: "" for none.
func (f hashedFiles) last() string {
	if len(f.sums) == 0 {
		return ""
	}
	return f.sums[len(f.sums)-1]
}

// prefix is the state after the first k files.
func (f hashedFiles) prefix(k int) state {
	if k == 0 {
		return state{}
	}
	return state{files: k, sum: f.sums[k-1], last: f.list[k-1].Name()}
}

// cached is how many leading files of f's first k the cluster's ReplayDB
// holds.
func (e *Env) cached(f hashedFiles, k int) int {
	e.mu.Lock()
	held := e.held
	e.mu.Unlock()
	if held.files == 0 || held.files > k || f.sums[held.files-1] != held.sum {
		return 0
	}
	return held.files
}

// take reports whether ReplayDB may be used in place rather than copied:
// by the first user only, so that two never share it.
func (e *Env) take() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	first := !e.taken
	e.taken = true
	return first
}

// hold records what ReplayDB holds after it was used in place; the zero
// state says it holds nothing usable any more.
func (e *Env) hold(s state) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.held = s
}

// offer gives the cache db, which holds f's first k files and took cost to
// build, when that is the prefix worth caching and the cache lacks it. It
// reports whether the cache took it: db must then stay as it is.
func (e *Env) offer(db *devdb.DB, f hashedFiles, k int, cost time.Duration) bool {
	if e.store == nil || db.Name == "" || k == 0 || k != len(e.prefix.list) || cost < e.after {
		return false
	}
	if e.entry != nil && e.entry.Files == k && e.entry.Sum == e.prefix.sums[k-1] {
		return false // the entry already holds it
	}
	if f.sums[k-1] != e.prefix.sums[k-1] {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.replay != "" {
		return false
	}
	e.replay = db.Name
	return true
}

func (e *Env) offerDesired(db *devdb.DB, key string, cost time.Duration) {
	if e.store == nil || db.Name == "" || cost < e.after {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.desired == "" {
		e.desired, e.key = db.Name, key
	}
}

// newEntry says what a new cache entry would hold: nil when this run
// built nothing worth storing.
func (e *Env) newEntry() (replaycache.Meta, map[string]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store == nil || (e.replay == "" && e.desired == "") {
		return replaycache.Meta{}, nil
	}
	keep := map[string]string{}
	var m replaycache.Meta
	switch {
	case e.replay != "":
		keep[replaycache.ReplayDB] = e.replay
		st := e.prefix.prefix(len(e.prefix.list))
		m.Files, m.Sum, m.Last = st.files, st.sum, st.last
	case e.held.files > 0:
		keep[replaycache.ReplayDB] = replaycache.ReplayDB
		m.Files, m.Sum, m.Last = e.held.files, e.held.sum, e.held.last
	}
	switch {
	case e.desired != "":
		keep[replaycache.DesiredDB], m.Desired = e.desired, e.key
	case e.entry != nil && e.entry.Desired != "":
		keep[replaycache.DesiredDB], m.Desired = replaycache.DesiredDB, e.entry.Desired
	}
	return m, keep
}

// cachedDesired connects to the cached normalised schema, if any.
func (e *Env) cachedDesired(ctx context.Context, pool *devdb.Pool) *pgdb.Conn {
	if e.entry == nil || e.entry.Desired == "" || pool.Server() == nil {
		return nil
	}
	conn, err := pgdb.ConnectDev(ctx, pool.Server().URL(replaycache.DesiredDB))
	if err != nil {
		return nil
	}
	return conn
}

// RunningSums are atlas.sum's running hashes of files, one per file: each
// covers the names and contents of the files up to it. Unlike atlas.sum,
// a file marked `-- atlas:sum ignore` counts too: the cache must notice
// any edit.
func RunningSums(files []migrate.File) []string {
	h := sha256.New()
	out := make([]string, len(files))
	for i, f := range files {
		h.Write([]byte(f.Name()))
		h.Write(f.Bytes())
		out[i] = base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	return out
}
