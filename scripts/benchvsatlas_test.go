package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// atlasReport is Atlas's `migrate lint --format '{{ json . }}'` in the
// shape its CLI prints: 000002's Error names two of its three analyzers
// (the third, incompatible, only warns); 000003 did not replay.
const atlasReport = `{"Files": [
  {"Name": "000001_init.up.sql", "Reports": []},
  {"Name": "000002_change.up.sql", "Error": "destructive changes detected; data dependent changes detected",
   "Reports": [
     {"Text": "destructive changes detected", "Diagnostics": [{"Pos": 0, "Text": "Dropping table", "Code": "DS102"}, {"Pos": 30, "Text": "Dropping column", "Code": "DS103"}]},
     {"Text": "data dependent changes detected", "Diagnostics": [{"Pos": 60, "Text": "Modifying nullable column", "Code": "MF104"}]},
     {"Text": "backward incompatible changes detected", "Diagnostics": [{"Pos": 90, "Text": "Renaming column", "Code": "BC102"}]}
   ]},
  {"Name": "000003_broken.up.sql", "Error": "executing statement: pq: syntax error"}
]}`

// The comparison of scripts/bench-vs-atlas.sh: Atlas's errors are the
// diagnostics of the analyzers its file error names, and a file that failed
// without one (RPL101, a statement that did not replay); schemactl's are its findings of severity error, by file.
// Missing one is exit 1, naming it; a warning does not count.
func TestBenchVsAtlasCompare(t *testing.T) {
	_, err := exec.LookPath("jq")
	require.NoError(t, err, "scripts/bench-vs-atlas.sh needs jq: apt-get install jq")
	dir := t.TempDir()
	atlas := filepath.Join(dir, "atlas.json")
	require.NoError(t, os.WriteFile(atlas, []byte(atlasReport), 0o644))
	ours := func(findings string) string {
		p := filepath.Join(dir, "ours.json")
		require.NoError(t, os.WriteFile(p, []byte(`{"version": 1, "findings": [`+findings+`]}`), 0o644))
		return p
	}
	compare := func(oursPath string) (string, int) {
		cmd := exec.Command("bash", "bench-vs-atlas.sh", "--compare", atlas, oursPath)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		require.NoError(t, err)
		return string(out), 0
	}
	const (
		ds102  = `{"code": "DS102", "severity": "error", "fix": {"file": "migrations/000002_change.up.sql", "line": 1}}`
		ds103  = `{"code": "DS103", "severity": "error", "fix": {"file": "migrations/000002_change.up.sql", "line": 2}}`
		mf104w = `{"code": "MF104", "severity": "warning", "fix": {"file": "migrations/000002_change.up.sql", "line": 3}}`
		mf104  = `{"code": "MF104", "severity": "error", "fix": {"file": "migrations/000002_change.up.sql", "line": 3}}`
		replay = `{"code": "RPL101", "severity": "error", "object": "migrations/000003_broken.up.sql", "fix": {"file": "migrations/000003_broken.up.sql", "line": 1}}`
		extra  = `{"code": "SC306", "severity": "error", "fix": {"file": "migrations/000001_init.up.sql", "line": 1}}`
	)
	out, code := compare(ours(ds102 + "," + ds103 + "," + mf104w))
	require.Equal(t, 1, code, out)
	require.Equal(t, "errors (file and code): atlas 4, schemactl 2\nschemactl misses 2 of Atlas's errors:\n  000002_change.up.sql MF104\n  000003_broken.up.sql RPL101\n", out)

	out, code = compare(ours(ds102 + "," + ds103 + "," + mf104 + "," + replay + "," + extra))
	require.Equal(t, 0, code, out)
	require.Equal(t, "errors (file and code): atlas 4, schemactl 5\nschemactl's errors are a superset of Atlas's\n", out)
}
