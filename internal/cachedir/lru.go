package cachedir

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Touch marks the entry at p used, for Prune.
func Touch(p string) {
	now := time.Now()
	_ = os.Chtimes(p, now, now)
}

// Prune removes all but the keep most recently used (touched or written)
// entries of dir whose names end with suffix. Dot files (scratch
// directories' locks) are never entries.
func Prune(dir string, keep int, suffix string) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		name string
		mod  time.Time
	}
	var all []entry
	for _, e := range es {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), suffix) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			all = append(all, entry{e.Name(), fi.ModTime()})
		}
	}
	if len(all) <= keep {
		return
	}
	slices.SortFunc(all, func(a, b entry) int { return b.mod.Compare(a.mod) })
	for _, e := range all[keep:] {
		os.Remove(filepath.Join(dir, e.name))
	}
}
