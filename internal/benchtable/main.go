// Command benchtable prints the benchmark harness's results (go test
// -bench output on stdin, -count runs of each) as one Markdown table of
// medians, each figure with its ratio to the floor of the same case:
//
//	go run ./internal/benchtable < bench.out
//
// The harness is internal/cli/bench_test.go; `make bench` runs both.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// columns are the harness's sub-benchmarks, in the table's order.
var columns = []struct{ key, title string }{
	{"floor", "floor: psql + inspect"},
	{"validate-cold", "validate, no cache"},
	{"validate", "validate"},
	{"lint-cold", "gate, no cache"},
	{"lint", "gate"},
	{"lint-newfile", "gate, one new file"},
	{"diff", "diff, no change"},
	{"apply", "apply"},
	{"down", "down 1"},
	{"down-bound", "apply 1 + inspect"},
	{"devdb", "dev DB start"},
}

// line matches "BenchmarkHistory/tables=400/lint-2  10  123 ns/op  45.6 peak-RSS-MiB".
var line = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

type sample struct{ ns, rss []float64 }

func main() {
	cases, order, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no harness results on stdin (BenchmarkDomain, BenchmarkHistory)")
		os.Exit(2)
	}
	render(os.Stdout, cases, order)
}

// parse groups the samples by case (the name without its last element)
// and sub-benchmark.
func parse(r io.Reader) (map[string]map[string]*sample, []string, error) {
	cases := map[string]map[string]*sample{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		i := strings.LastIndex(m[1], "/")
		if i < 0 {
			continue
		}
		name, sub := m[1][:i], m[1][i+1:]
		if !slices.ContainsFunc(columns, func(c struct{ key, title string }) bool { return c.key == sub }) {
			continue
		}
		if cases[name] == nil {
			cases[name] = map[string]*sample{}
			order = append(order, name)
		}
		s := cases[name][sub]
		if s == nil {
			s = &sample{}
			cases[name][sub] = s
		}
		f := strings.Fields(m[2])
		for j := 0; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%q: %w", sc.Text(), err)
			}
			switch f[j+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "peak-RSS-MiB":
				s.rss = append(s.rss, v)
			}
		}
	}
	return cases, order, sc.Err()
}

func render(w io.Writer, cases map[string]map[string]*sample, order []string) {
	head := []string{"case"}
	for _, c := range columns {
		head = append(head, c.title)
	}
	head = append(head, "gate's peak RSS, no cache")
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat(" --- |", len(head)))
	for _, name := range order {
		subs := cases[name]
		floor := median(sampleNs(subs["floor"]))
		row := []string{strings.TrimPrefix(strings.ReplaceAll(name, "History/tables=", "history, "), "Domain")}
		if row[0] == "" {
			row[0] = "domain"
		}
		for _, c := range columns {
			s := subs[c.key]
			if s == nil || len(s.ns) == 0 {
				row = append(row, "—")
				continue
			}
			v := median(s.ns)
			cell := seconds(v)
			if c.key != "floor" && c.key != "devdb" && floor > 0 {
				cell += fmt.Sprintf(" (%.2f×)", v/floor)
			}
			row = append(row, cell)
		}
		rss := "—"
		if s := subs["lint-cold"]; s != nil && len(s.rss) > 0 {
			rss = fmt.Sprintf("%.0f MiB", median(s.rss))
		}
		row = append(row, rss)
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
}

func sampleNs(s *sample) []float64 {
	if s == nil {
		return nil
	}
	return s.ns
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func seconds(ns float64) string {
	if ns >= 1e9 {
		return fmt.Sprintf("%.2f s", ns/1e9)
	}
	return fmt.Sprintf("%.0f ms", ns/1e6)
}
