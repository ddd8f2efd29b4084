package cmdlog

import (
	"bytes"
	"encoding/json"
	"strings"
	"text/template"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/apply"
)

// Status is `migrate status` as Atlas's MigrateStatus shapes it.
type Status struct {
	Env        Env                 `json:"Env"`
	Available  Files               `json:"Available,omitempty"`  // the directory's files
	OutOfOrder Files               `json:"OutOfOrder,omitempty"` // never set: schemactl refuses such a directory earlier
	Pending    Files               `json:"Pending,omitempty"`    // files still to apply
	Applied    []*migrate.Revision `json:"Applied,omitempty"`    // the revisions table
	Current    string              `json:"Current,omitempty"`    // version of the last applied file
	Next       string              `json:"Next,omitempty"`       // version of the next file
	Count      int                 `json:"Count,omitempty"`      // statements of the last revision applied
	Total      int                 `json:"Total,omitempty"`      // statements of the last revision, when it failed part-way
	Status     string              `json:"Status,omitempty"`     // OK or PENDING
	Error      string              `json:"Error,omitempty"`      // the last revision's error
	SQL        string              `json:"SQL,omitempty"`        // the statement that raised it
}

// Files marshal as Atlas's: name, version and description of each.
type Files []migrate.File

// MarshalJSON implements json.Marshaler.
func (f Files) MarshalJSON() ([]byte, error) {
	type file struct {
		Name        string `json:"Name,omitempty"`
		Version     string `json:"Version,omitempty"`
		Description string `json:"Description,omitempty"`
	}
	out := make([]file, len(f))
	for i, x := range f {
		out[i] = file{x.Name(), x.Version(), x.Desc()}
	}
	return json.Marshal(out)
}

// Left is the number of statements of the last revision still to run.
func (s *Status) Left() int { return s.Total - s.Count }

// NewStatus shapes st, as Atlas's StatusReporter fills its report.
func NewStatus(st *apply.Status, dir string, available []migrate.File) *Status {
	s := &Status{Env: Env{Driver: "postgres", Dir: dir}, Available: available, Pending: st.PendingFiles, Applied: st.Revisions}
	switch {
	case len(s.Applied) == 0 || st.Current == "":
		s.Current = "No migration applied yet"
	default:
		s.Current = st.Current
	}
	if len(s.Pending) == 0 {
		s.Status, s.Next = "OK", "Already at latest version"
	} else {
		s.Status, s.Next = "PENDING", s.Pending[0].Version()
	}
	if n := len(s.Applied); n > 0 {
		last := s.Applied[n-1]
		if !last.Type.Has(migrate.RevisionTypeResolved) && last.Applied < last.Total {
			s.SQL = strings.ReplaceAll(last.ErrorStmt, "\n", " ")
			s.Error = strings.ReplaceAll(last.Error, "\n", " ")
			s.Count, s.Total = last.Applied, last.Total
		}
	}
	return s
}

// StatusFuncs are the functions of Atlas's status templates, `default`
// (Atlas's own text) included.
func StatusFuncs(color bool) template.FuncMap {
	f := baseFuncs(color)
	f["json_merge"] = jsonMerge
	f["default"] = func(s *Status) (string, error) {
		t, err := template.New("status").Funcs(f).Parse(statusText)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, s)
		return buf.String(), err
	}
	return f
}

// statusText is Atlas's default status report.
const statusText = `Migration Status:
{{- if eq .Status "OK" }} {{ green .Status }}{{ end }}
{{- if eq .Status "PENDING" }} {{ yellow .Status }}{{ end }}
  {{ yellow "--" }} Current Version: {{ cyan .Current }}
{{- if gt .Total 0 }}{{ printf " (%s statements applied)" (yellow "%d" .Count) }}{{ end }}
  {{ yellow "--" }} Next Version:    {{ if .Next }}{{ cyan .Next }}{{ else }}UNKNOWN{{ end }}
{{- if gt .Total 0 }}{{ printf " (%s statements left)" (yellow "%d" .Left) }}{{ end }}
  {{ yellow "--" }} Executed Files:  {{ len .Applied }}{{ if gt .Total 0 }} (last one partially){{ end }}
  {{ yellow "--" }} Pending Files:   {{ len .Pending }}
{{- if gt .Total 0 }}

Last migration attempt had errors:
  {{ yellow "--" }} SQL:   {{ .SQL }}
  {{ yellow "--" }} {{ red "ERROR:" }} {{ .Error }}
{{- end }}
`
