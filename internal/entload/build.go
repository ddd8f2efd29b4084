package entload

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// driverSource is the driver program, written into the project's module.
//
//go:embed driver/main.go
var driverSource []byte

// dirPrefix names the scratch package directories in the project's module
// (dot-prefixed, so ./... patterns and go vet never see them). Each is
// owned through internal/lockdir: the one a killed run left is swept by
// the next load in that module.
const dirPrefix = ".schemactl-load-"

// sweep removes the scratch package directories of dead runs in root.
func sweep(root string) { lockdir.Sweep(root, dirPrefix, nil) }

// loader is one load of one schema package.
type loader struct {
	dir, abs  string
	mod       *module
	toolchain string
	version   int
	goflags   string // GOFLAGS for the go commands, see modFlags
	globalID  string // Options.GlobalIDTarget
}

// env is the environment of the go commands and the driver: the user's,
// with the project's toolchain.
func (l *loader) env() []string {
	env := append(os.Environ(), "GOTOOLCHAIN="+l.toolchain)
	if l.goflags != "" {
		env = append(env, "GOFLAGS="+l.goflags)
	}
	return env
}

// modFlags lets the go commands of the load add what go.sum lacks, to a
// copy of go.mod and go.sum in the scratch directory (-mod=mod
// -modfile=…), never to the project's files. The driver needs Ent's loader
// and code generator, and so golang.org/x/tools, whose go.sum lines many
// projects do not keep: Ent's own `go generate` line (go run -mod=mod
// entgo.io/ent/cmd/ent) adds them as it runs, and go mod tidy removes them.
// A GOFLAGS that sets -mod, and a workspace (which allows neither flag),
// keep the go command's own rules.
func (l *loader) modFlags(scratch string) error {
	flags := os.Getenv("GOFLAGS")
	if l.mod.work != "" || strings.Contains(flags, "-mod=") || strings.Contains(flags, "-modfile=") {
		return nil
	}
	mod := filepath.Join(scratch, "modfile.mod")
	for _, f := range []struct{ from, to string }{{"go.mod", mod}, {"go.sum", filepath.Join(scratch, "modfile.sum")}} {
		b, err := os.ReadFile(filepath.Join(l.mod.root, f.from))
		if err != nil && !(f.from == "go.sum" && os.IsNotExist(err)) {
			return err
		}
		if err := os.WriteFile(f.to, b, 0o644); err != nil {
			return err
		}
	}
	l.goflags = strings.TrimSpace(flags + " -mod=mod -modfile=" + mod)
	return nil
}

// run builds the driver in a scratch package of the module and runs it;
// a failure is the output's Error, made one line and specific (see
// diagnose).
func (l *loader) run(ctx context.Context) *output {
	fail := func(msg string) *output { return &output{Version: protocol, Error: msg} }
	tmp, err := lockdir.New(l.mod.root, dirPrefix, 0o755)
	if err != nil {
		return fail(fmt.Sprintf("a scratch package in the module: %v", err))
	}
	defer tmp.Remove()
	killpoint.Here("entload.dir")
	if err := l.modFlags(tmp.Path); err != nil {
		return fail(fmt.Sprintf("copy go.mod and go.sum: %v", err))
	}
	bin, err := l.driver(ctx, tmp.Path)
	if err != nil {
		if ctx.Err() != nil {
			return fail(ctx.Err().Error())
		}
		// The schema package's own error says more than the driver's.
		if cause := l.diagnose(ctx); cause != "" {
			return fail(cause)
		}
		return fail("build schemactl's Ent driver: " + err.Error())
	}
	cmd := l.command(ctx, bin, l.dir, strconv.Itoa(l.version), l.globalID)
	cmd.Dir = tmp.Path
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out output
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || out.Version != protocol {
		msg := firstError(stderr.String())
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return fail("schemactl's Ent driver failed: " + msg)
	}
	if out.Error != "" {
		if ctx.Err() != nil {
			return fail(ctx.Err().Error())
		}
		if cause := l.diagnose(ctx); cause != "" {
			out.Error = cause
		} else {
			out.Error = loadError(out.Error)
		}
	}
	return &out
}

// command runs a program of the load: in its own process group (so that
// an interrupt stops the go commands it starts too) and killed with
// schemactl.
func (l *loader) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = l.env()
	ownGroup(cmd)
	return cmd
}

// driver builds the driver for this schema package in the scratch
// package dir: its source, and schemas.go, which imports the schema
// package and lists its candidate types.
func (l *loader) driver(ctx context.Context, dir string) (string, error) {
	cs, err := candidates(l.abs)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), driverSource, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "schemas.go"), schemasFile(l.mod.pkgPath(l.abs), cs), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "driver")
	// -s -w: no symbol table or DWARF, which the linker spends much of its
	// time and memory on.
	cmd := l.command(ctx, "go", "build", "-buildvcs=false", "-ldflags=-s -w", "-o", bin, "main.go", "schemas.go")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if msg := firstError(string(out)); msg != "" {
			err = errors.New(msg)
		}
		return "", buildError{err}
	}
	return bin, nil
}

// buildError is the go command's failure to build the driver.
type buildError struct{ error }

// diagnose builds the schema package itself, with the project's
// toolchain, and returns its first error: a module that cannot be
// downloaded and why, a missing go.sum entry, a compile error with its
// file and line. "" when it builds.
func (l *loader) diagnose(ctx context.Context) string {
	cmd := l.command(ctx, "go", "build", "-buildvcs=false", l.abs) // not main: nothing is written
	cmd.Dir = l.mod.root
	out, err := cmd.CombinedOutput()
	if err == nil {
		return ""
	}
	return l.relative(firstError(string(out)))
}

// relative rewrites a leading root-relative file name (the go command's,
// run in the module root) relative to the working directory.
func (l *loader) relative(msg string) string {
	file, rest, ok := strings.Cut(msg, ":")
	if !ok || !strings.HasSuffix(file, ".go") || filepath.IsAbs(file) {
		return msg
	}
	wd, err := os.Getwd()
	if err != nil {
		return msg
	}
	if rel, err := filepath.Rel(wd, filepath.Join(l.mod.root, file)); err == nil {
		return rel + ":" + rest
	}
	return msg
}

// firstError is the first real error of a go command's output, on one
// line: lines of progress ("go: downloading …") and package headers
// ("# pkg") are skipped, and the indented lines that continue the first
// error are joined to it.
func firstError(out string) string {
	var msg []string
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case len(msg) > 0 && (strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "    ")):
			if trimmed != "" {
				msg = append(msg, trimmed)
			}
			continue
		case len(msg) > 0:
			return strings.Join(msg, " ")
		case trimmed == "", strings.HasPrefix(trimmed, "#"), strings.HasPrefix(trimmed, "go: downloading "),
			strings.HasPrefix(trimmed, "go: finding "), strings.HasPrefix(trimmed, "go: extracting "):
			continue
		}
		msg = append(msg, trimmed)
	}
	return strings.Join(msg, " ")
}

// loadError makes an error of Ent's loader one line: its prefixes go, and
// of the helper program's output only the first error stays.
func loadError(msg string) string {
	for _, p := range []string{"entc/load: parse schema dir: ", "entc/load: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if first := firstError(msg); first != "" {
		return first
	}
	return msg
}

// goEnv lists the environment that changes what a go build produces or
// whether it can fetch modules: part of the cache keys.
func goEnv() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s", runtime.GOOS, runtime.GOARCH)
	for _, k := range []string{"GOFLAGS", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOWORK", "GOPROXY",
		"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GOSUMDB", "GOINSECURE", "GOPATH", "GOMODCACHE"} {
		fmt.Fprintf(&b, "\x00%s=%s", k, os.Getenv(k))
	}
	return b.String()
}
