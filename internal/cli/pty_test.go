package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdPty: pty TRANSCRIPT ANSWERS PROG [ARGS...] runs PROG on a terminal
// (a pseudo-terminal as its stdin, stdout and stderr, as a person's shell
// gives it), answers each "[y/N] " question it asks with the next of the
// comma-separated ANSWERS (an empty argument: none), and writes what the
// terminal showed to TRANSCRIPT (line ends as \n). A question with no
// answer left fails.
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: pty TRANSCRIPT ANSWERS PROG [ARGS...]")
	}
	var answers []string
	if args[1] != "" {
		answers = strings.Split(args[1], ",")
	}
	// The script's environment, as exec would give it.
	ts.Check(ts.Exec("env", "-0"))
	env := strings.Split(strings.TrimSuffix(ts.ReadFile("stdout"), "\x00"), "\x00")
	prog := args[2]
	for _, kv := range env {
		if path, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, d := range filepath.SplitList(path) {
				if _, err := os.Stat(filepath.Join(d, args[2])); err == nil {
					prog = filepath.Join(d, args[2])
					break
				}
			}
		}
	}
	cmd := exec.Command(prog, args[3:]...)
	cmd.Env, cmd.Dir = env, ts.MkAbs(".")
	// A terminal's size, wide enough for a progress line not to be cut.
	term, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	ts.Check(err)
	defer term.Close()

	var (
		mu    sync.Mutex
		shown bytes.Buffer
		asked int
		extra bool // a question with no answer left
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		seen := 0 // bytes of shown already searched for a question
		for {
			n, err := term.Read(buf)
			mu.Lock()
			shown.Write(buf[:n])
			for {
				i := strings.Index(shown.String()[seen:], "[y/N] ")
				if i < 0 {
					break
				}
				seen += i + len("[y/N] ")
				if asked == len(answers) {
					extra = true
					term.Write([]byte("\x04")) // end of input: no
					continue
				}
				term.Write([]byte(answers[asked] + "\n"))
				asked++
			}
			mu.Unlock()
			if err != nil {
				return // EIO once PROG and its terminal are gone
			}
		}
	}()
	runErr := cmd.Wait()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		term.Close()
		<-done
	}
	mu.Lock()
	defer mu.Unlock()
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.ReplaceAll(shown.String(), "\r\n", "\n")), 0o644))
	if extra {
		ts.Fatalf("%s asked more than %d questions:\n%s", args[2], len(answers), shown.String())
	}
	if asked != len(answers) {
		ts.Fatalf("%s asked %d questions, want %d:\n%s", args[2], asked, len(answers), shown.String())
	}
	if (runErr != nil) != neg {
		ts.Fatalf("%s: %v, want failure %v:\n%s", args[2], runErr, neg, shown.String())
	}
}
