package buildid

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// build links a tiny program whose one string is v, with extra flags.
func build(t *testing.T, dir, v string, flags ...string) string {
	t.Helper()
	src := filepath.Join(dir, "src")
	require.NoError(t, os.MkdirAll(src, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/tiny\n\ngo 1.21\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nvar v = \"default\"\n\nfunc main() { println(v) }\n"), 0o644))
	out := filepath.Join(dir, "tiny-"+v)
	args := append([]string{"build", "-o", out, "-ldflags=-X main.v=" + v + " " + strings.Join(flags, " ")}, ".")
	cmd := exec.Command("go", args...)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0", "GOWORK=off")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	return out
}

// Two builds of the same size and modification time, whose bytes differ,
// are two builds: a cache keyed by size and mtime took one for the other.
func TestSameSizeAndTimeDifferentBuilds(t *testing.T) {
	dir := t.TempDir()
	a, b := build(t, dir, "aaaa"), build(t, dir, "bbbb")
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{a, b} {
		require.NoError(t, os.Chtimes(p, when, when))
	}
	fa, err := os.Stat(a)
	require.NoError(t, err)
	fb, err := os.Stat(b)
	require.NoError(t, err)
	require.Equal(t, fa.Size(), fb.Size(), "the two builds must have one size for this test to mean anything")
	require.Equal(t, fa.ModTime(), fb.ModTime())

	ida, err := Of(a)
	require.NoError(t, err)
	idb, err := Of(b)
	require.NoError(t, err)
	require.NotEqual(t, ida, idb)
	require.True(t, strings.HasPrefix(ida, "go:"), ida)

	// It is the ID the go command reads.
	out, err := exec.Command("go", "tool", "buildid", a).Output()
	require.NoError(t, err)
	require.Equal(t, "go:"+strings.TrimSpace(string(out)), ida)

	// A copy is the same build.
	c := filepath.Join(dir, "copy")
	bs, err := os.ReadFile(a)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(c, bs, 0o755))
	idc, err := Of(c)
	require.NoError(t, err)
	require.Equal(t, ida, idc)
}

// Without a Go build ID, the content names the build.
func TestWithoutBuildID(t *testing.T) {
	dir := t.TempDir()
	a, b := build(t, dir, "aaaa", "-buildid="), build(t, dir, "bbbb", "-buildid=")
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, p := range []string{a, b} {
		require.NoError(t, os.Chtimes(p, when, when))
	}
	ida, err := Of(a)
	require.NoError(t, err)
	idb, err := Of(b)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(ida, "sha256:"), ida)
	require.NotEqual(t, ida, idb)

	script := filepath.Join(dir, "script")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755))
	id, err := Of(script)
	require.NoError(t, err)
	sum := sha256.Sum256([]byte("#!/bin/sh\necho hi\n"))
	require.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), id)

	_, err = Of(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestSelf(t *testing.T) {
	id, err := Self()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(id, "go:"), "a test binary has a Go build ID: %s", id)
}

func TestParseRaw(t *testing.T) {
	b := append([]byte("junk"), []byte("\xff Go build ID: \"abc/def\"\n \xffmore")...)
	require.Equal(t, "abc/def", parseRaw(b))
	require.Empty(t, parseRaw([]byte("\xff Go build ID: \"unterminated")))
}
