// Package buildid names a build of an executable, so that a cache entry
// one build of schemactl wrote is never used by another: a new build's
// replay or normalisation may differ.
//
// The name is the Go build ID the go command stamps into every binary it
// links, the same ID `go tool buildid` prints and the go command itself
// trusts to tell builds apart: its last part hashes the binary's content,
// so two builds differ in it exactly when their bytes differ, whatever
// their size and modification time. Reading it costs one small read at
// the start of the file. A binary without one (linked with -buildid=, or
// not by the go command) is named by the SHA-256 of its bytes instead,
// which is as exact and costs a read of the whole file.
package buildid

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
)

// Of names the executable at path.
func Of(path string) (string, error) {
	if id, err := goBuildID(path); err != nil {
		return "", fmt.Errorf("buildid: %s: %w", path, err)
	} else if id != "" {
		return "go:" + id, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("buildid: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("buildid: %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// Self names the running executable; it is read once.
var Self = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("buildid: %w", err)
	}
	return Of(exe)
})

// The linker's build ID note (cmd/link, cmd/internal/buildid): an ELF
// note of owner "Go" and type 4 whose description is the ID.
const (
	noteSection = ".note.go.buildid"
	noteType    = 4
)

// Other formats carry the ID near the start of the text as
// \xff Go build ID: "<id>"\n \xff.
var (
	rawPrefix = []byte("\xff Go build ID: \"")
	rawEnd    = []byte("\"\n \xff")
)

const rawSearch = 32 << 10 // the go command looks this far

// goBuildID returns the Go build ID of the executable at path, or "".
func goBuildID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if ef, err := elf.NewFile(f); err == nil {
		for _, s := range ef.Sections {
			if s.Name != noteSection || s.Type != elf.SHT_NOTE {
				continue
			}
			b, err := s.Data()
			if err != nil {
				return "", err
			}
			return parseNote(b, ef.ByteOrder), nil
		}
		for _, p := range ef.Progs { // stripped of section headers
			if p.Type != elf.PT_NOTE {
				continue
			}
			b, err := io.ReadAll(p.Open())
			if err != nil {
				return "", err
			}
			if id := parseNote(b, ef.ByteOrder); id != "" {
				return id, nil
			}
		}
	}
	head := make([]byte, rawSearch)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	return parseRaw(head[:n]), nil
}

// parseNote finds the Go build ID among the ELF notes in b.
func parseNote(b []byte, order binary.ByteOrder) string {
	for len(b) >= 12 {
		namesz, descsz, typ := order.Uint32(b), order.Uint32(b[4:]), order.Uint32(b[8:])
		name, rest := align4(b[12:], namesz)
		desc, next := align4(rest, descsz)
		if name == nil || desc == nil {
			return ""
		}
		if typ == noteType && string(bytes.TrimRight(name, "\x00")) == "Go" {
			return string(desc)
		}
		b = next
	}
	return ""
}

// align4 splits n bytes off b, skipping the padding to 4 bytes after them.
func align4(b []byte, n uint32) (field, rest []byte) {
	padded := (uint64(n) + 3) &^ 3
	if uint64(len(b)) < padded {
		return nil, nil
	}
	return b[:n], b[padded:]
}

// parseRaw finds the Go build ID in the first bytes of a binary.
func parseRaw(b []byte) string {
	i := bytes.Index(b, rawPrefix)
	if i < 0 {
		return ""
	}
	b = b[i+len(rawPrefix):]
	j := bytes.Index(b, rawEnd)
	if j < 0 {
		return ""
	}
	return string(b[:j])
}
