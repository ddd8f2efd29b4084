package initproj

import (
	"os/exec"
	"path/filepath"
	"strings"
)

// Branch is the branch pull requests merge into, and how it was found.
type Branch struct {
	Name string
	From string // "origin/HEAD", "the local branch", or why it is a default
}

// FallbackBranch is the base when a clone shows none.
const FallbackBranch = "main"

// git runs git in dir and returns its trimmed output; ok is false when it
// fails (no git, no repository, no such ref).
func git(dir string, args ...string) (string, bool) {
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(string(out)), true
}

// GitTop is the root of the git work tree holding dir, "" outside one.
func GitTop(dir string) string {
	top, ok := git(dir, "rev-parse", "--show-toplevel")
	if !ok {
		return ""
	}
	return filepath.FromSlash(top)
}

// DefaultBranch finds the repository's default branch as git knows it:
// origin/HEAD (set by `git clone`), else a local main or master; else
// FallbackBranch, saying so.
func DefaultBranch(dir string) Branch {
	if GitTop(dir) == "" {
		return Branch{Name: FallbackBranch, From: "not a git repository: the default"}
	}
	if ref, ok := git(dir, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"); ok {
		if name, ok := strings.CutPrefix(ref, "refs/remotes/origin/"); ok && name != "" {
			return Branch{Name: name, From: "origin/HEAD"}
		}
	}
	for _, name := range []string{"main", "master"} {
		if _, ok := git(dir, "show-ref", "--verify", "--quiet", "refs/heads/"+name); ok {
			return Branch{Name: name, From: "the local branch " + name}
		}
	}
	return Branch{Name: FallbackBranch, From: "no origin/HEAD and no local main or master: the default"}
}
