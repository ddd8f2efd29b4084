// Package replaycache keeps stopped dev clusters that hold an already
// replayed prefix of a migration directory (and the normalised Ent schema),
// so the next run starts from one and replays only the files after it.
//
// An entry is keyed by atlas.sum's running hash of its last file: that hash
// covers the names and contents of every file up to it, so an entry matches
// exactly when none of those files changed. Entries live beside the dev
// database's template cluster, at most MaxEntries per PostgreSQL major.
package replaycache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ledgerforge/schemactl/internal/buildid"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// layout versions the entries: bump it when what an entry holds changes.
const layout = "replay-v1"

// MaxEntries bounds the store; the least recently used entry goes first.
// Each entry is a small cluster (about 20 MB plus the schema).
const MaxEntries = 4

// The databases an entry's cluster holds.
const (
	ReplayDB  = "replay"  // the directory's first Meta.Files files, replayed
	DesiredDB = "desired" // the Ent schema, normalised (when Meta.Desired is set)
)

const clusterFile = "cluster.tar"

// Meta describes an entry.
type Meta struct {
	Tool    string `json:"tool"`    // the schemactl build that wrote it
	Files   int    `json:"files"`   // how many files ReplayDB holds
	Last    string `json:"last"`    // the last of them, for people reading the cache
	Sum     string `json:"sum"`     // atlas.sum's running hash of the last of them
	Desired string `json:"desired"` // key of the normalised Ent schema in DesiredDB, or ""
	// Baseline is the key of the dev database baseline every database of
	// the cluster was built on ("" for none): an entry serves only runs
	// with the same baseline.
	Baseline string `json:"baseline,omitempty"`
}

// Store is the cache for one PostgreSQL major version and baseline.
type Store struct {
	dir      string
	tool     string
	baseline string // Meta.Baseline of the entries it finds and stores
}

// Open returns the store for PostgreSQL major version major, without a
// baseline.
func Open(major int) (*Store, error) { return OpenFor(major, "") }

// OpenFor returns the store for PostgreSQL major version major and the
// dev database baseline whose key (BaselineKey) is baseline.
func OpenFor(major int, baseline string) (*Store, error) {
	root, err := cachedir.Dir()
	if err != nil {
		return nil, fmt.Errorf("replay cache: %w", err)
	}
	dir := filepath.Join(root, layout, "pg"+strconv.Itoa(major))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("replay cache: %w", err)
	}
	tool, err := buildid.Self()
	if err != nil {
		return nil, fmt.Errorf("replay cache: %w", err)
	}
	// Entries being written or removed by runs that were killed.
	lockdir.Sweep(dir, tmpPrefix, nil)
	return &Store{dir: dir, tool: tool, baseline: baseline}, nil
}

// BaselineKey is the key of a baseline script: "" for none.
func BaselineKey(sql string) string {
	if sql == "" {
		return ""
	}
	h := sha256.Sum256([]byte(sql))
	return hex.EncodeToString(h[:])
}

// tmpPrefix names the store's scratch directories: an entry being written,
// or entries being removed. Each is owned by a lockdir lock.
const tmpPrefix = ".tmp-"

// Dir is where the entries live.
func (s *Store) Dir() string { return s.dir }

// Entry is a found entry; its cluster stays readable until Release.
type Entry struct {
	Meta
	Cluster string // the archived cluster, for devdb.StartFrom
	unlock  func()
}

// Release lets other runs replace or evict the entry.
func (e *Entry) Release() {
	if e != nil && e.unlock != nil {
		e.unlock()
		e.unlock = nil
	}
}

// Find returns the entry holding the longest prefix of the files whose
// running hashes are sums, or nil. The entry is locked against eviction
// until Release.
func (s *Store) Find(sums []string) (*Entry, error) {
	unlock, err := s.lock(false)
	if err != nil {
		return nil, err
	}
	var best *Entry
	for _, m := range s.entries() {
		if m.Tool != s.tool || m.Baseline != s.baseline || m.Files > len(sums) || (m.Files > 0 && sums[m.Files-1] != m.Sum) {
			continue
		}
		if best == nil || m.Files > best.Files {
			best = &Entry{Meta: m.Meta, Cluster: filepath.Join(m.dir, clusterFile)}
		}
	}
	if best == nil {
		unlock()
		return nil, nil
	}
	touch(filepath.Dir(best.Cluster)) // recently used
	best.unlock = unlock
	return best, nil
}

// Put stores a new entry: snapshot writes the cluster archive to the file
// it is given. The entry appears whole or not at all, replacing any entry
// for the same prefix; the least recently used entries beyond MaxEntries
// are evicted.
func (s *Store) Put(m Meta, snapshot func(cluster string) error) error {
	m.Tool, m.Baseline = s.tool, s.baseline
	tmp, err := lockdir.New(s.dir, tmpPrefix, 0o755)
	if err != nil {
		return fmt.Errorf("replay cache: %w", err)
	}
	defer tmp.Remove()
	if err := snapshot(filepath.Join(tmp.Path, clusterFile)); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp.Path, metaFile), b, 0o644); err != nil {
		return fmt.Errorf("replay cache: %w", err)
	}
	touch(tmp.Path)
	killpoint.Here("replaycache.put")
	unlock, err := s.lock(true)
	if err != nil {
		return err
	}
	var trash []*lockdir.Dir
	final := filepath.Join(s.dir, entryName(m.Sum+m.Baseline))
	if _, err := os.Stat(final); err == nil {
		t, err := s.retire(final)
		if err != nil {
			unlock()
			return fmt.Errorf("replay cache: %w", err)
		}
		trash = append(trash, t)
	}
	err = os.Rename(tmp.Path, final)
	if err == nil {
		tmp.Release()
		trash = append(trash, s.evict()...)
	}
	unlock()
	for _, t := range trash {
		t.Remove()
	}
	if err != nil {
		return fmt.Errorf("replay cache: %w", err)
	}
	return nil
}

// Discard removes an entry that turned out unusable (a damaged archive),
// so that it is not chosen again.
func (s *Store) Discard(e *Entry) error {
	unlock, err := s.lock(true)
	if err != nil {
		return err
	}
	t, err := s.retire(filepath.Dir(e.Cluster))
	unlock()
	if errors.Is(err, fs.ErrNotExist) {
		return nil // another run removed it already
	}
	if err != nil {
		return fmt.Errorf("replay cache: %w", err)
	}
	return t.Remove()
}

// metaFile holds an entry's Meta; its modification time is when the entry
// was last used.
const metaFile = "meta.json"

// touch marks the entry in dir as used now. The time is set explicitly:
// a file's own mtime comes from a coarse clock, on which two entries
// written in one tick would tie.
func touch(dir string) {
	now := time.Now()
	_ = os.Chtimes(filepath.Join(dir, metaFile), now, now)
}

type stored struct {
	Meta
	dir  string
	used time.Time
}

// entries lists the complete entries, most recently used first.
func (s *Store) entries() []stored {
	des, _ := os.ReadDir(s.dir)
	var out []stored
	for _, de := range des {
		if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		dir := filepath.Join(s.dir, de.Name())
		p := filepath.Join(dir, metaFile)
		b, err := os.ReadFile(p)
		fi, statErr := os.Stat(p)
		var m Meta
		if err != nil || statErr != nil || json.Unmarshal(b, &m) != nil {
			continue
		}
		out = append(out, stored{Meta: m, dir: dir, used: fi.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].used.Equal(out[j].used) {
			return out[i].used.After(out[j].used)
		}
		return out[i].dir < out[j].dir
	})
	return out
}

// evict moves the entries beyond MaxEntries, damaged entries, and scratch
// directories that a schemactl before lockdir locks left, out of the way;
// the caller removes what it returns. It runs under the exclusive lock.
func (s *Store) evict() []*lockdir.Dir {
	var gone []*lockdir.Dir
	good := map[string]bool{}
	for i, e := range s.entries() {
		good[e.dir] = true
		if i >= MaxEntries {
			if t, err := s.retire(e.dir); err == nil {
				gone = append(gone, t)
			}
		}
	}
	des, _ := os.ReadDir(s.dir)
	for _, de := range des {
		p := filepath.Join(s.dir, de.Name())
		if de.IsDir() && !strings.HasPrefix(de.Name(), ".") && !good[p] {
			// Entries appear whole (renamed into place with their meta), so
			// one without a readable meta is damaged: never found, never
			// evicted, it would stay for good.
			if t, err := s.retire(p); err == nil {
				gone = append(gone, t)
			}
			continue
		}
		if !de.IsDir() || !strings.HasPrefix(de.Name(), tmpPrefix) {
			continue
		}
		if _, err := os.Lstat(p + ".lock"); err == nil {
			continue // lockdir's: Open sweeps it once its owner is dead
		}
		// Without a lock nothing tells a dead writer from a live one but
		// age: writing an entry takes well under a second.
		if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			if t, err := s.retire(p); err == nil {
				gone = append(gone, t)
			}
		}
	}
	return gone
}

// retire hides an entry from readers at once, in a scratch directory the
// caller removes later (or a sweep, should this run die first).
func (s *Store) retire(dir string) (*lockdir.Dir, error) {
	t, err := lockdir.New(s.dir, tmpPrefix+"evicted-", 0o755)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(dir, filepath.Join(t.Path, "entry")); err != nil {
		t.Remove()
		return nil, err
	}
	return t, nil
}

// lock takes the store's lock (shared to read, exclusive to change).
func (s *Store) lock(exclusive bool) (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("replay cache: %w", err)
	}
	if err := lockdir.LockFile(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("replay cache: lock: %w", err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

func entryName(sum string) string {
	h := sha256.Sum256([]byte(sum))
	return hex.EncodeToString(h[:12])
}
