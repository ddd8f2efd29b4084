package entload

import (
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// ToolchainEnv overrides the Go toolchain a load builds with: a GOTOOLCHAIN
// value, e.g. "local" to use the installed go on a machine that cannot
// download toolchains.
const ToolchainEnv = "SCHEMACTL_GOTOOLCHAIN"

// module is the Go module (and workspace) a schema package is built in.
type module struct {
	root string // the directory of its go.mod
	path string // its module path
	work string // the go.work file in use, or ""
}

func findModule(dir string) (*module, error) {
	root, path, err := findModuleRoot(dir)
	if err != nil {
		return nil, err
	}
	work, err := findWork(root)
	if err != nil {
		return nil, err
	}
	return &module{root: root, path: path, work: work}, nil
}

// pkgPath is the import path of the package in dir, a directory of the
// module.
func (m *module) pkgPath(dir string) string {
	rel, err := filepath.Rel(m.root, dir)
	if err != nil || rel == "." {
		return m.path
	}
	return m.path + "/" + filepath.ToSlash(rel)
}

// toolchain is the GOTOOLCHAIN value that makes the go command run exactly
// the toolchain the project declares, fetching it through the module proxy
// when it is not installed: the toolchain line of the go.work in use, else
// of go.mod, else the go line (the newer of the two when both are there,
// as the go command reads them). The project's developers build with that
// toolchain, so the dependency graph loads as it does for them: an old
// golang.org/x/tools, for one, does not compile with Go 1.25 or later
// (golang/go#74462). A go line from before Go 1.21 names a release
// (go1.20); from Go 1.21 on it names a language version, whose first
// release is .0 (go 1.21 is go1.21.0). No go line: the go on PATH.
func (m *module) toolchain() (string, error) {
	if v := os.Getenv(ToolchainEnv); v != "" {
		return v, nil
	}
	file := filepath.Join(m.root, "go.mod")
	if m.work != "" {
		file = m.work
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var goLine, tcLine string
	if m.work != "" {
		wf, err := modfile.ParseWork(file, b, nil)
		if err != nil {
			return "", err
		}
		if wf.Go != nil {
			goLine = wf.Go.Version
		}
		if wf.Toolchain != nil {
			tcLine = wf.Toolchain.Name
		}
	} else {
		// Parse, not ParseLax, which skips the toolchain line.
		mf, err := modfile.Parse(file, b, nil)
		if err != nil {
			return "", err
		}
		if mf.Go != nil {
			goLine = mf.Go.Version
		}
		if mf.Toolchain != nil {
			tcLine = mf.Toolchain.Name
		}
	}
	return Toolchain(goLine, tcLine)
}

// Toolchain is the GOTOOLCHAIN value for a go.mod (or go.work) with this go
// line and toolchain line ("" when absent): see module.toolchain.
func Toolchain(goLine, toolchainLine string) (string, error) {
	if goLine == "" && toolchainLine == "" {
		return "local", nil
	}
	name := ""
	if goLine != "" {
		name = "go" + goLine
		if !version.IsValid(name) {
			return "", fmt.Errorf("go line %q is not a Go version", goLine)
		}
		// "go 1.21" is the language; its first release is go1.21.0. Before
		// Go 1.21 the first release had no patch number (go1.20).
		if version.Compare(name, "go1.21") >= 0 && strings.Count(goLine, ".") == 1 && !strings.ContainsAny(goLine, "rcbeta") {
			name += ".0"
		}
	}
	if toolchainLine != "" && toolchainLine != "default" {
		if !version.IsValid(toolchainLine) {
			return "", fmt.Errorf("toolchain line %q is not a Go toolchain", toolchainLine)
		}
		if name == "" || version.Compare(toolchainLine, name) > 0 {
			name = toolchainLine
		}
	}
	if name == "" {
		return "local", nil
	}
	return name, nil
}
