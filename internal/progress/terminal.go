package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Every is how often the line is drawn at most: ten times a second, fast
// enough to look alive, slow enough not to cost the work anything.
const Every = 100 * time.Millisecond

// showElapsed: a run this long shows its seconds at the start of the line,
// so that a cold Go build that says nothing for a minute is seen to be
// alive (the line's end may be cut).
const showElapsed = 2 * time.Second

// The terminal's codes: to the start of the line, and erase to its end.
const (
	home  = "\r"
	erase = "\x1b[K"
)

// Options make a Terminal testable: a clock and a width.
type Options struct {
	Now   func() time.Time // default time.Now
	Width func() int       // the terminal's columns; default (or <= 0) 80
}

// Terminal draws the tasks under way on one line of a terminal, updated in
// place (\r), at most every Every: a Step between two draws is shown by
// the next (Tick flushes it). Everything else a command prints must go
// through Guard, which erases the line first, so that no output is ever
// mixed with half a progress line; the line comes back at the next draw,
// below it.
type Terminal struct {
	w     io.Writer
	now   func() time.Time
	width func() int

	mu     sync.Mutex
	tasks  []*task
	since  time.Time // when the first task started
	shown  string    // what the line shows now; "" when erased
	drawn  time.Time // when it was last drawn
	midway bool      // other output left the cursor inside a line (a question): draw nothing there
	off    bool      // Close was called
	stop   chan struct{}
}

// New returns a Terminal drawing on w. It draws only when told (Start,
// Step, End, Tick); Open adds the clock that ticks.
func New(w io.Writer, o Options) *Terminal {
	t := &Terminal{w: w, now: o.Now, width: o.Width}
	if t.now == nil {
		t.now = time.Now
	}
	if t.width == nil {
		t.width = func() int { return 80 }
	}
	return t
}

// Open returns a Terminal drawing on w that ticks every Every until
// Close, so that a throttled step, and a task's seconds, are shown.
func Open(w io.Writer, width func() int) *Terminal {
	t := New(w, Options{Width: width})
	t.stop = make(chan struct{})
	go func() {
		tick := time.NewTicker(Every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				t.Tick()
			case <-t.stop:
				return
			}
		}
	}()
	return t
}

// task is a Task drawn by a Terminal.
type task struct {
	t      *Terminal
	what   string
	total  int
	step   int
	detail string
}

// Start implements Reporter.
func (t *Terminal) Start(what string, total int) Task {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := &task{t: t, what: what, total: total}
	if t.since.IsZero() {
		t.since = t.now()
	}
	t.tasks = append(t.tasks, k)
	t.update()
	return k
}

func (k *task) Step(n int, detail string) {
	t := k.t
	t.mu.Lock()
	defer t.mu.Unlock()
	k.step, k.detail = n, detail
	t.update()
}

func (k *task) End() {
	t := k.t
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, x := range t.tasks {
		if x == k {
			t.tasks = append(t.tasks[:i], t.tasks[i+1:]...)
			break
		}
	}
	if len(t.tasks) == 0 {
		t.clear() // nothing under way: no stale line, at once
		return
	}
	t.update()
}

// Tick draws what changed since the last draw (a throttled step, a
// second more), when a draw is due.
func (t *Terminal) Tick() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.update()
}

// update draws the line when it changed and a draw is due.
func (t *Terminal) update() {
	if t.off || t.midway {
		return
	}
	now := t.now()
	line := t.line(now)
	if line == t.shown {
		return
	}
	if line == "" {
		t.clear()
		return
	}
	if !t.drawn.IsZero() && now.Sub(t.drawn) < Every {
		return // Tick draws it
	}
	io.WriteString(t.w, home+line+erase)
	t.shown, t.drawn = line, now
}

// clear erases the line, if it shows anything.
func (t *Terminal) clear() {
	if t.shown != "" {
		io.WriteString(t.w, home+erase)
		t.shown = ""
	}
}

// line is what the line shows: the tasks under way, oldest first, cut to
// the terminal's width (a line that wraps could not be redrawn in place).
func (t *Terminal) line(now time.Time) string {
	parts := make([]string, 0, len(t.tasks))
	for _, k := range t.tasks {
		s := k.what
		if k.total > 0 && k.step > 0 {
			s += fmt.Sprintf(" %d/%d", min(k.step, k.total), k.total)
		}
		if k.detail != "" {
			s += " " + k.detail
		}
		parts = append(parts, s)
	}
	s := strings.Join(parts, "; ")
	if d := now.Sub(t.since); s != "" && d >= showElapsed {
		s = fmt.Sprintf("[%ds] %s", int(d/time.Second), s)
	}
	return cut(s, t.width()-1)
}

// cut shortens s to n columns (a rune a column), ending it with "…".
func cut(s string, n int) string {
	if n <= 0 {
		n = 79
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Close stops drawing and erases the line: the command's work is over.
func (t *Terminal) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.off {
		return
	}
	t.clear()
	t.off = true
	if t.stop != nil {
		close(t.stop)
	}
}

// Guard returns w, writing through t: each write first erases the line,
// and a write that leaves the cursor inside a line (a question waiting
// for its answer) stops the drawing until a line ends.
func (t *Terminal) Guard(w io.Writer) *Guarded { return &Guarded{t: t, w: w} }

// Guarded is a writer that erases a Terminal's line before writing.
type Guarded struct {
	t *Terminal
	w io.Writer
}

func (g *Guarded) Write(p []byte) (int, error) {
	t := g.t
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clear()
	n, err := g.w.Write(p)
	if n > 0 {
		t.midway = p[n-1] != '\n'
	}
	return n, err
}

// Unwrap is the writer written to (a terminal is asked of it, not of the
// guard).
func (g *Guarded) Unwrap() io.Writer { return g.w }
