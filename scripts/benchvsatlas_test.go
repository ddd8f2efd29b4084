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
// (the third, incompatible, only warns); 000003 did not replay; 000004
// renames a table and a column, which Atlas's open-source build reports
// as drops.
const atlasReport = `{"Files": [
  {"Name": "000001_init.up.sql", "Reports": []},
  {"Name": "000002_change.up.sql", "Error": "destructive changes detected; data dependent changes detected",
   "Reports": [
     {"Text": "destructive changes detected", "Diagnostics": [{"Pos": 0, "Text": "Dropping table", "Code": "DS102"}, {"Pos": 30, "Text": "Dropping column", "Code": "DS103"}]},
     {"Text": "data dependent changes detected", "Diagnostics": [{"Pos": 60, "Text": "Modifying nullable column", "Code": "MF104"}]},
     {"Text": "backward incompatible changes detected", "Diagnostics": [{"Pos": 90, "Text": "Renaming column", "Code": "BC102"}]}
   ]},
  {"Name": "000003_broken.up.sql", "Error": "executing statement: pq: syntax error"},
  {"Name": "000004_rename.up.sql", "Error": "destructive changes detected",
   "Reports": [
     {"Text": "destructive changes detected", "Diagnostics": [{"Pos": 0, "Text": "Dropping table \"users\"", "Code": "DS102"}, {"Pos": 36, "Text": "Dropping non-virtual column \"email\"", "Code": "DS103"}]}
   ]}
]}`

// The comparison of scripts/bench-vs-atlas.sh: Atlas's errors are the
// diagnostics of the analyzers its file error names, and a file that failed
// without one (RPL101, a statement that did not replay); schemactl's are
// its findings of severity error, by file. A DS102 or DS103 of Atlas's is
// a rename when schemactl reports that table or column renamed, as an
// error, in that file (BC101, BC102). Missing one is exit 1, naming it; a
// warning does not count.
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
		bc101  = `{"code": "BC101", "severity": "error", "object": "table \"users\"", "fix": {"file": "migrations/000004_rename.up.sql", "line": 1}}`
		bc102  = `{"code": "BC102", "severity": "error", "object": "column \"people\".\"email\"", "fix": {"file": "migrations/000004_rename.up.sql", "line": 2}}`
		// the same rename, a warning; and another column renamed
		bc102w     = `{"code": "BC102", "severity": "warning", "object": "column \"people\".\"email\"", "fix": {"file": "migrations/000004_rename.up.sql", "line": 2}}`
		bc102other = `{"code": "BC102", "severity": "error", "object": "column \"people\".\"name\"", "fix": {"file": "migrations/000004_rename.up.sql", "line": 2}}`
	)
	out, code := compare(ours(ds102 + "," + ds103 + "," + mf104w))
	require.Equal(t, 1, code, out)
	require.Equal(t, `errors (file and code): atlas 6, schemactl 2
schemactl misses 4 of Atlas's errors:
  000002_change.up.sql MF104
  000003_broken.up.sql RPL101
  000004_rename.up.sql DS102
  000004_rename.up.sql DS103
`, out)

	out, code = compare(ours(ds102 + "," + ds103 + "," + mf104 + "," + replay + "," + extra + "," + bc101 + "," + bc102))
	require.Equal(t, 0, code, out)
	require.Equal(t, `errors (file and code): atlas 6, schemactl 7
2 of Atlas's are renames, which its open-source build reports as drops (DS102, DS103) and schemactl as renames (BC101, BC102):
  000004_rename.up.sql DS102
  000004_rename.up.sql DS103
schemactl's errors are a superset of Atlas's
`, out)

	// A rename counts only as an error (the policy's incompatible block
	// makes it one), and only for the table or column Atlas names.
	for _, rename := range []string{bc102w, bc102other} {
		out, code = compare(ours(ds102 + "," + ds103 + "," + mf104 + "," + replay + "," + bc101 + "," + rename))
		require.Equal(t, 1, code, out)
		require.Contains(t, out, "schemactl misses 1 of Atlas's errors:\n  000004_rename.up.sql DS103\n", out)
	}
}
