package schemadoc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ledgerforge/schemactl/internal/report"
)

// The documents the gate keeps fresh, by default paths.
const (
	ERDPath   = "docs/schema.md"
	AuditPath = "docs/schema-audit.md"

	ERDCode   = "GEN102"
	AuditCode = "GEN103"
)

// Stale compares the committed document at path with what the command
// would write now (render, called only when the file exists). It returns a
// finding when they differ, nil when they match or when path does not exist
// (the project keeps no such file).
func Stale(path string, render func() []byte, code, command string) (*report.Finding, error) {
	have, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("schemadoc: %w", err)
	}
	want := render()
	if bytes.Equal(have, want) {
		return nil, nil
	}
	p, line := filepath.ToSlash(path), firstDifferentLine(have, want)
	return &report.Finding{
		Code:     code,
		Category: report.Generated,
		Object:   p,
		Message:  fmt.Sprintf("%s is stale: `%s` writes it differently now (first difference at line %d)", p, command, line),
		Fix:      &report.Location{File: p, Line: line},
		Remedy:   "run `make docs` (or `" + command + " --out " + p + "`) and commit the result",
	}, nil
}

func firstDifferentLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < min(len(la), len(lb)); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
