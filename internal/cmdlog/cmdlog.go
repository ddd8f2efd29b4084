// Package cmdlog gives `--format` Atlas's Go-template form: a format that
// holds `{{` is a template, executed on a report shaped as Atlas's own
// (cmd/atlas/internal/cmdlog and migratelint: the field names of its
// MigrateStatus and SummaryReport), with Atlas's template functions, so
// `--format '{{ json . }}'` and the scripts built on it read the same
// output from either tool. What Atlas has no field for (schemactl's
// consistency findings, notes) is added under names of its own.
package cmdlog

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/template"
)

// IsTemplate reports whether a --format value is a Go template rather than
// a format name.
func IsTemplate(format string) bool { return strings.Contains(format, "{{") }

// Env is where a report was made, as Atlas's cmdlog.Env; the database URL
// is left out, so no password is ever printed.
type Env struct {
	Driver string `json:"Driver,omitempty"` // always "postgres"
	Dir    string `json:"Dir,omitempty"`    // the migration directory
}

// Parse parses a --format template with funcs (LintFuncs, StatusFuncs).
// The error names the flag: a bad template is the user's input.
func Parse(format string, funcs template.FuncMap) (*template.Template, error) {
	t, err := template.New("format").Funcs(funcs).Parse(format)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	return t, nil
}

// Execute runs a parsed --format template on data.
func Execute(w io.Writer, t *template.Template, data any) error {
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("--format: execute template: %w", err)
	}
	return nil
}

// baseFuncs are the functions every Atlas report template has; the colour
// functions colour only when asked (a terminal without NO_COLOR).
func baseFuncs(color bool) template.FuncMap {
	paint := func(code string) func(string, ...any) string {
		return func(s string, args ...any) string {
			if len(args) > 0 {
				s = fmt.Sprintf(s, args...)
			}
			if !color {
				return s
			}
			return "\x1b[" + code + "m" + s + "\x1b[0m"
		}
	}
	f := template.FuncMap{
		"json":   jsonEncode,
		"add":    func(i, j int) int { return i + j },
		"sub":    func(i, j int) int { return i - j },
		"repeat": strings.Repeat,
		"join":   strings.Join,
		"lower":  strings.ToLower,
		"cyan":   paint("36"), "green": paint("92"), "red": paint("91"), "yellow": paint("33"),
		"redBgWhiteFg": paint("97;101"),
	}
	return f
}

// jsonEncode is Atlas's json function: compact, or indented by the
// arguments (indent; or prefix and indent).
func jsonEncode(v any, args ...string) (string, error) {
	var (
		b   []byte
		err error
	)
	switch len(args) {
	case 0:
		b, err = json.Marshal(v)
	case 1:
		b, err = json.MarshalIndent(v, "", args[0])
	default:
		b, err = json.MarshalIndent(v, args[0], args[1])
	}
	return string(b), err
}

// jsonMerge is Atlas's json_merge: later objects' keys win.
func jsonMerge(objects ...string) (string, error) {
	var r map[string]any
	for _, o := range objects {
		if err := json.Unmarshal([]byte(o), &r); err != nil {
			return "", fmt.Errorf("json_merge: %w", err)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("json_merge: %w", err)
	}
	return string(b), nil
}

// maxWidth splits s into lines of at most n characters, at blanks, as
// Atlas's lint template does.
func maxWidth(s string, n int) []string {
	var (
		j, k  int
		words = strings.Fields(s)
		lines = make([]string, 0, len(words))
	)
	for i := 0; i < len(words); i++ {
		if k+len(words[i]) > n {
			lines = append(lines, strings.Join(words[j:i], " "))
			k, j = 0, i
		}
		k += len(words[i])
	}
	return append(lines, strings.Join(words[j:], " "))
}
