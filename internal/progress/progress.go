// Package progress lets long work say what it is doing without printing.
// Domain packages start tasks on the Reporter their context carries, and
// with none (the default) nothing happens; the command line installs one
// that draws the tasks under way on a terminal (Terminal).
//
// A task is a phase a person may wait on: loading the Ent schema,
// compiling its loader, starting the dev database, replaying N of M files,
// normalising, planning, reviewing. Hooks stay one or two lines:
//
//	t := progress.Start(ctx, "replaying migration files", len(files))
//	defer t.End()
//	for i, f := range files {
//		t.Step(i+1, f.Name())
//		…
//	}
package progress

import "context"

// Reporter is told what long work is under way. Its tasks may run side by
// side, from several goroutines.
type Reporter interface {
	// Start says that a task begins: what it does, as a phrase
	// ("normalising the desired schema"), and in how many steps (0: it is
	// not counted).
	Start(what string, total int) Task
}

// Task is one piece of work under way.
type Task interface {
	// Step says that step n of the total (from 1) begins; detail names it
	// (a file), or is "".
	Step(n int, detail string)
	// End says that the task is over, done or failed. It may be called
	// more than once.
	End()
}

type key struct{}

// With returns ctx carrying r: the tasks started from it are r's.
func With(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// Start starts a task on the Reporter ctx carries; without one, the task
// does nothing.
func Start(ctx context.Context, what string, total int) Task {
	if r, ok := ctx.Value(key{}).(Reporter); ok && r != nil {
		return r.Start(what, total)
	}
	return nop{}
}

type nop struct{}

func (nop) Step(int, string) {}
func (nop) End()             {}

// Nop is a task that does nothing: for a hook that starts a task only
// when there is work to show.
var Nop Task = nop{}
