package progress_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/progress/progresstest"
)

// clock is a Terminal's time, moved by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }
func width(n int) func() int         { return func() int { return n } }
func draws(b *bytes.Buffer) int      { return strings.Count(b.String(), "\r") }
func terminal(c *clock, out *bytes.Buffer) *progress.Terminal {
	return progress.New(out, progress.Options{Now: c.now, Width: width(200)})
}

// lastLine is what the progress line shows now.
func lastLine(b *bytes.Buffer) string {
	s := progresstest.Screen(b.Bytes())
	return s[strings.LastIndex(s, "\n")+1:]
}

func TestStartWithoutReporterDoesNothing(t *testing.T) {
	k := progress.Start(context.Background(), "replaying migration files", 3)
	k.Step(1, "1.sql")
	k.End()
}

func TestStartUsesTheContextsReporter(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	ctx := progress.With(context.Background(), terminal(c, out))
	k := progress.Start(ctx, "planning", 0)
	require.Equal(t, "planning", lastLine(out))
	k.End()
	require.Equal(t, "", lastLine(out))
}

func TestTerminalThrottlesSteps(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	k := term.Start("replaying migration files", 3)
	require.Equal(t, "\rreplaying migration files\x1b[K", out.String(), "the first draw is at once, counting nothing before the first step")

	k.Step(1, "1.sql")
	c.add(50 * time.Millisecond)
	k.Step(2, "2.sql")
	c.add(49 * time.Millisecond)
	term.Tick()
	require.Equal(t, 1, draws(out), "no draw within %s of the last", progress.Every)

	c.add(time.Millisecond)
	term.Tick()
	require.Equal(t, 2, draws(out))
	require.Equal(t, "replaying migration files 2/3 2.sql", lastLine(out), "the tick shows the last step")

	c.add(time.Second)
	term.Tick()
	require.Equal(t, 2, draws(out), "nothing changed: nothing drawn")
}

func TestTerminalDrawsAtMostTenTimesASecond(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	k := term.Start("replaying migration files", 1000)
	for i := range 1000 {
		c.add(time.Millisecond)
		k.Step(i+1, fmt.Sprintf("%d.sql", i+1))
		term.Tick()
	}
	// One draw at the start, then one per 100 ms of the second.
	require.Equal(t, 11, draws(out))
	require.Equal(t, "replaying migration files 1000/1000 1000.sql", lastLine(out))
}

func TestTerminalShowsTheSecondsOfALongRun(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	load := term.Start("loading the Ent schema ent/schema", 0)
	c.add(1900 * time.Millisecond)
	term.Tick()
	require.Equal(t, "loading the Ent schema ent/schema", lastLine(out))
	c.add(100 * time.Millisecond)
	term.Tick()
	require.Equal(t, "[2s] loading the Ent schema ent/schema", lastLine(out))
	term.Start("compiling the schema loader (go build)", 0)
	load.End()
	c.add(41 * time.Second)
	term.Tick()
	require.Equal(t, "[43s] compiling the schema loader (go build)", lastLine(out), "counted from the run's first task")
}

func TestTerminalShowsTasksSideBySide(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	load := term.Start("loading the Ent schema ent/schema", 0)
	c.add(progress.Every)
	replay := term.Start("replaying migration files", 2)
	replay.Step(1, "1.sql")
	c.add(progress.Every)
	term.Tick()
	require.Equal(t, "loading the Ent schema ent/schema; replaying migration files 1/2 1.sql", lastLine(out))
	c.add(progress.Every)
	load.End()
	require.Equal(t, "replaying migration files 1/2 1.sql", lastLine(out))
	replay.End()
	require.Equal(t, "", lastLine(out), "the last task's end erases the line at once")
	require.True(t, strings.HasSuffix(out.String(), "\r\x1b[K"))
	replay.End() // twice: nothing happens
}

func TestTerminalCutsTheLineToTheWidth(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := progress.New(out, progress.Options{Now: c.now, Width: width(20)})
	term.Start("replaying migration files", 300).Step(1, "20240101000000_init.sql")
	c.add(progress.Every)
	term.Tick()
	require.Equal(t, "replaying migratio…", lastLine(out), "19 columns: the last one would wrap")
}

func TestGuardErasesTheLineBeforeOtherOutput(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	stdout := term.Guard(out)
	k := term.Start("normalising the desired schema", 0)
	fmt.Fprintln(stdout, "schemactl: warning: a warning")
	require.Equal(t, "schemactl: warning: a warning\n", progresstest.Screen(out.Bytes()), "no half progress line before it")

	// The line comes back below, at the next draw.
	c.add(progress.Every)
	term.Tick()
	require.Equal(t, "normalising the desired schema", lastLine(out))

	// A question waits on its line: nothing is drawn over it until the
	// line ends.
	fmt.Fprint(stdout, "Did you rename column users.a to b? [y/N] ")
	c.add(progress.Every)
	k.Step(0, "")
	term.Tick()
	require.Equal(t, "Did you rename column users.a to b? [y/N] ", lastLine(out))
	fmt.Fprintln(stdout, "Planning --rename users.a=b")
	c.add(progress.Every)
	term.Tick()
	require.Equal(t, "normalising the desired schema", lastLine(out))

	k.End()
	fmt.Fprintln(stdout, "Wrote migrations/2_b.sql")
	require.Equal(t, "schemactl: warning: a warning\nDid you rename column users.a to b? [y/N] Planning --rename users.a=b\nWrote migrations/2_b.sql\n",
		progresstest.Screen(out.Bytes()))
}

func TestClosedTerminalDrawsNothing(t *testing.T) {
	c, out := newClock(), &bytes.Buffer{}
	term := terminal(c, out)
	term.Start("planning", 0)
	term.Close()
	require.Equal(t, "", lastLine(out), "Close erases the line")
	n := out.Len()
	c.add(time.Second)
	term.Start("storing the replay cache", 0)
	term.Tick()
	term.Close()
	require.Equal(t, n, out.Len())
}

func TestScreen(t *testing.T) {
	require.Equal(t, "Wrote x\nab\n", progresstest.Screen([]byte("\rplanning\x1b[K\r\x1b[KWrote x\n\x1b[31mab\x1b[0m\n\rreplaying 1/2\x1b[K\r\x1b[K")))
	require.Equal(t, "Wrote xg\n", progresstest.Screen([]byte("\rplanning\x1b[K\rWrote x\n")), "a line not erased shows through")
}

// Tasks run side by side (the replay and the Ent schema's load) while the
// command prints: with its own clock ticking, the Terminal must neither
// race (go test -race) nor leave a progress line on the screen.
func TestTerminalTakesTasksFromManyGoroutines(t *testing.T) {
	var out syncBuffer
	term := progress.Open(&out, width(200))
	stdout := term.Guard(&out)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			k := term.Start(fmt.Sprintf("task %d", g), 500)
			defer k.End()
			for i := range 500 {
				k.Step(i+1, "")
				if i%100 == 0 {
					fmt.Fprintf(stdout, "task %d at %d\n", g, i)
				}
			}
		})
	}
	wg.Wait()
	term.Close()
	lines := strings.Split(strings.TrimSuffix(progresstest.Screen(out.Bytes()), "\n"), "\n")
	require.Len(t, lines, 20)
	for _, l := range lines {
		require.Regexp(t, `^task \d at (0|[1-4]00)$`, l)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
