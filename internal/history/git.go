package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// git runs the git binary in dir and returns its standard output. A failure
// carries git's standard error, which says what went wrong.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %w: %s", args[0], err, msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

// topLevel returns the root of the work tree dir is in, as git spells it
// (symbolic links resolved).
func topLevel(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return filepath.FromSlash(strings.TrimSpace(string(out))), nil
}

// resolveCommit returns the commit ref names, or an error wrapping
// ErrBadRef. Reading the rest from the commit id rather than the ref keeps
// the view consistent if the ref moves meanwhile.
func resolveCommit(ctx context.Context, top, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return "", fmt.Errorf("%w %q", ErrBadRef, ref)
	}
	out, err := git(ctx, top, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", fmt.Errorf("%w %q", ErrBadRef, ref)
	}
	return strings.TrimSpace(string(out)), nil
}

// listFiles returns the paths (relative to top, slash-separated) of the
// regular files directly in dir (relative to top, "." for top itself) at
// commit; none when the commit has no such directory. Subdirectories,
// submodules and symbolic links are left out, as Atlas reads none of them.
func listFiles(ctx context.Context, top, commit, dir string) ([]string, error) {
	args := []string{"--literal-pathspecs", "ls-tree", "-z", commit}
	if dir != "." {
		args = append(args, "--", filepath.ToSlash(dir)+"/")
	}
	out, err := git(ctx, top, args...)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, entry := range strings.Split(string(out), "\x00") {
		// "<mode> SP <type> SP <object> TAB <path>"
		meta, p, ok := strings.Cut(entry, "\t")
		if !ok {
			continue
		}
		if f := strings.Fields(meta); len(f) == 3 && f[1] == "blob" && f[0] != "120000" {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// showFile returns the content of the file at path (relative to top,
// slash-separated) at commit, as committed.
func showFile(ctx context.Context, top, commit, path string) ([]byte, error) {
	return git(ctx, top, "show", commit+":"+path)
}

// showFiles returns the contents of the files at paths at commit, read by
// one `git cat-file --batch` rather than a git process per file: `make
// lint` reads every merged migration at the merge-base on each run.
func showFiles(ctx context.Context, top, commit string, paths []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(paths))
	var batch []string
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\r") { // not expressible on cat-file's line input
			b, err := showFile(ctx, top, commit, p)
			if err != nil {
				return nil, err
			}
			out[p] = b
			continue
		}
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return out, nil
	}
	var in strings.Builder
	for _, p := range batch {
		in.WriteString(commit + ":" + p + "\n")
	}
	raw, err := gitInput(ctx, top, in.String(), "cat-file", "--batch")
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	for _, p := range batch {
		header, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %s: %w", p, err)
		}
		// "<oid> <type> <size>", or "<object> missing".
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != "blob" {
			return nil, fmt.Errorf("git cat-file: %s: %s", p, strings.TrimSpace(header))
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %s: %s", p, strings.TrimSpace(header))
		}
		b := make([]byte, size+1) // the content, then a newline
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("git cat-file: %s: %w", p, err)
		}
		out[p] = b[:size]
	}
	return out, nil
}

// gitInput is git with stdin.
func gitInput(ctx context.Context, dir, stdin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

// mergeBase returns the best common ancestor of HEAD and commit: where the
// branch left the base. None (git's exit status 1) wraps ErrNoMergeBase.
func mergeBase(ctx context.Context, top, commit string) (string, error) {
	out, err := git(ctx, top, "merge-base", "HEAD", commit)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return "", fmt.Errorf("%w with HEAD: fetch the history of both (in CI, actions/checkout with fetch-depth: 0)", ErrNoMergeBase)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
