package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTableOfMedians(t *testing.T) {
	in := `goos: linux
BenchmarkDomain/floor-2   	3	 100000000 ns/op
BenchmarkDomain/floor-2   	3	 300000000 ns/op
BenchmarkDomain/floor-2   	3	 200000000 ns/op
BenchmarkDomain/lint-cold-2	3	 300000000 ns/op	 40.0 peak-RSS-MiB
BenchmarkDomain/lint-cold-2	3	 500000000 ns/op	 44.0 peak-RSS-MiB
BenchmarkDomain/devdb-2   	3	  70000000 ns/op
BenchmarkHistory/tables=400/floor-2	1	1200000000 ns/op
BenchmarkHistory/tables=400/validate-cold-2	1	1500000000 ns/op	50 peak-RSS-MiB
BenchmarkOther-2	1	5 ns/op
PASS
`
	cases, order, err := parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, []string{"Domain", "History/tables=400"}, order)
	var out strings.Builder
	render(&out, cases, order)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	// Medians: floor 200 ms; the gate's 400 ms is 2× the floor; its RSS 42.
	require.Equal(t, "| domain | 200 ms | — | — | 400 ms (2.00×) | — | — | — | — | — | — | 70 ms | 42 MiB |", lines[2])
	require.Equal(t, "| history, 400 | 1.20 s | 1.50 s (1.25×) | — | — | — | — | — | — | — | — | — | — |", lines[3])
}
