// Package realmcache keeps the inspected schema of a state the replay
// cache already holds (the directory replayed, the Ent schema normalised),
// so that a run whose inputs did not change reads it from a file instead
// of starting the dev cluster and inspecting it: at 400 tables that is 0.2 s
// against 0.5 s.
//
// An entry is keyed by what decides the inspected schema: the schemactl
// build (its inspection code), the PostgreSQL major version, and the
// state's own key (the running hash of the replayed files, or the desired
// state's script key). Exclude patterns are applied after reading, as
// after an inspection.
package realmcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/atomicfile"
	"github.com/ledgerforge/schemactl/internal/buildid"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// layout versions the files; the build ID in every key versions the codec.
const layout = "realm-v1"

// MaxEntries bounds the store (entries are about 1 MB at 400 tables); the
// least recently used go first.
const MaxEntries = 16

// Store holds the realms inspected on one PostgreSQL major version.
type Store struct {
	dir  string
	tool string
}

// Open returns the store for PostgreSQL major version major.
func Open(major int) (*Store, error) {
	root, err := cachedir.Dir()
	if err != nil {
		return nil, fmt.Errorf("realm cache: %w", err)
	}
	tool, err := buildid.Self()
	if err != nil {
		return nil, fmt.Errorf("realm cache: %w", err)
	}
	dir := filepath.Join(root, layout, "pg"+strconv.Itoa(major))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("realm cache: %w", err)
	}
	// Files being written by runs that were killed.
	lockdir.Sweep(dir, tmpPrefix, nil)
	return &Store{dir: dir, tool: tool}, nil
}

// tmpPrefix names the store's scratch directories, each owned by a lockdir
// lock for as long as its writer lives.
const tmpPrefix = ".tmp-"

// Key names the realm of a state of kind ("replay", "desired") whose own
// key is state.
func (s *Store) Key(kind, state string) string {
	h := sha256.New()
	for _, p := range []string{s.tool, kind, state} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the realm stored under key, or false. A file that does not
// decode is removed and is a miss.
func (s *Store) Get(key string) (*schema.Realm, bool) {
	p := s.path(key)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	r, err := Decode(b)
	if err != nil {
		os.Remove(p)
		return nil, false
	}
	cachedir.Touch(p) // least recently used goes first
	return r, true
}

// Has reports whether an entry is stored under key (it may still fail to
// decode: Get says).
func (s *Store) Has(key string) bool {
	_, err := os.Stat(s.path(key))
	return err == nil
}

// Marshal encodes r for Put. A realm holding something the codec cannot
// write faithfully gives nil and no error: it is not stored, and the next
// run inspects again.
func Marshal(r *schema.Realm) ([]byte, error) {
	var b bytes.Buffer
	if err := Encode(&b, r); errors.Is(err, ErrUnknown) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Put stores an encoded realm under key, atomically: it is written in a
// scratch directory of its own, locked for the life of this process, and
// renamed into place, so that a killed run leaves no file half-written and
// its scratch directory is removed by the next Open.
func (s *Store) Put(key string, b []byte) error {
	if b == nil {
		return nil
	}
	tmp, err := lockdir.New(s.dir, tmpPrefix, 0o755)
	if err != nil {
		return fmt.Errorf("realm cache: %w", err)
	}
	defer tmp.Remove()
	name, err := atomicfile.WriteTemp(tmp.Path, key, b, 0o644)
	if err != nil {
		return fmt.Errorf("realm cache: %w", err)
	}
	killpoint.Here("realmcache.put")
	if err := os.Rename(name, s.path(key)); err != nil {
		return fmt.Errorf("realm cache: %w", err)
	}
	cachedir.Prune(s.dir, MaxEntries, ".realm")
	return nil
}

func (s *Store) path(key string) string { return filepath.Join(s.dir, key+".realm") }
