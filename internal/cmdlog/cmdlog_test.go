package cmdlog

import (
	"bytes"
	"encoding/json"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/report"
)

func TestLintShape(t *testing.T) {
	r := report.New()
	r.Add(
		report.Finding{Code: "ENT111", Category: report.Column, Object: `column "a"."b"`, Message: "missing"},
		report.Finding{Code: "DS103", Category: report.Destructive, Message: "dropped", Fix: &report.Location{File: "m/2_b.sql", Line: 3}},
		report.Finding{Code: "SC306", Category: report.Locking, Severity: report.Warning, Message: "no timeout", Fix: &report.Location{File: "m/2_b.sql", Line: 3}},
	)
	files := []migrate.File{migrate.NewLocalFile("1_a.sql", []byte("CREATE TABLE a (b int);\n")),
		migrate.NewLocalFile("2_b.sql", []byte("-- drop\n\nALTER TABLE a DROP COLUMN b;\n"))}
	l := NewLint(r, "m", files, files[1:])

	var buf bytes.Buffer
	tmpl, err := Parse(`{{ range $f := .Files }}{{ $f.Name }} {{ .Error }}:{{ range .Reports }} [{{ .Text }}{{ range .Diagnostics }} L{{ $f.Line .Pos }} {{ .Code }}{{ end }}]{{ end }}{{ end }} {{ .DiagnosticsCount }} {{ .VersionStatuses }}`, LintFuncs(false))
	require.NoError(t, err)
	require.NoError(t, Execute(&buf, tmpl, l))
	require.Equal(t, "2_b.sql destructive changes detected: [destructive changes detected L3 DS103] [lock and rewrite hazards detected L3 SC306] 2 1 version with errors", buf.String())

	b, err := json.Marshal(l)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, map[string]any{"Driver": "postgres", "Dir": "m"}, back["Env"])
	steps := back["Steps"].([]any)
	require.Equal(t, `ENT111 column "a"."b"`, steps[3].(map[string]any)["Error"])
	require.Equal(t, "Analyze 2_b.sql", steps[4].(map[string]any)["Name"])
	require.Len(t, back["Findings"], 3, "every finding, beyond Atlas's shape")

	_, err = Parse("{{ json . ", LintFuncs(false))
	require.EqualError(t, err, "--format: template: format:1: unclosed action")
}

func TestStatusShape(t *testing.T) {
	files := []migrate.File{migrate.NewLocalFile("1_a.sql", []byte("SELECT 1;\n")), migrate.NewLocalFile("2_b.sql", []byte("SELECT 2;\nSELECT x;\n"))}
	st := &apply.Status{Current: "1", Revisions: []*migrate.Revision{
		{Version: "1", Description: "a", Type: migrate.RevisionTypeExecute, Applied: 1, Total: 1},
		{Version: "2", Description: "b", Type: migrate.RevisionTypeExecute, Applied: 1, Total: 2, Error: "boom", ErrorStmt: "SELECT x;"},
	}, PendingFiles: files[1:]}
	s := NewStatus(st, "m", files)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	require.Contains(t, string(b), `"Pending":[{"Name":"2_b.sql","Version":"2","Description":"b"}]`)
	require.Contains(t, string(b), `"Current":"1","Next":"2","Count":1,"Total":2,"Status":"PENDING","Error":"boom","SQL":"SELECT x;"`)

	tmpl, err := Parse(`{{ default . }}`, StatusFuncs(false))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Execute(&buf, tmpl, s))
	require.Equal(t, `Migration Status: PENDING
  -- Current Version: 1 (1 statements applied)
  -- Next Version:    2 (1 statements left)
  -- Executed Files:  2 (last one partially)
  -- Pending Files:   1

Last migration attempt had errors:
  -- SQL:   SELECT x;
  -- ERROR: boom
`, buf.String())
}
