package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/template"
)

// Formats are the --format values.
var Formats = []string{"text", "json", "github", "markdown"}

// Options tune rendering.
type Options struct {
	Color   bool   // ANSI colour in text output (terminals only, never with NO_COLOR)
	Title   string // e.g. "schemactl migrate lint"
	Verbose bool   // text: list the review's warnings instead of counting them per file
}

// Render writes r in format.
func Render(w io.Writer, format string, r *Report, o Options) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "text", "github", "markdown":
		return templates.ExecuteTemplate(w, format, textData{r, o, textColumn(r)})
	}
	return fmt.Errorf("report: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// textData is what the templates see.
type textData struct {
	*Report
	Options
	Col int // text: the column messages and detail labels start at
}

// findingArgs is one finding for the "finding" template: Tag ("L3: ")
// starts its message, and Fix says whether to print its fix line.
type findingArgs struct {
	Root textData
	F    Finding
	Tag  string
	Fix  bool
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"summary": summaryLine,
	"ghData":  ghData,
	"ghProp":  ghProp,
	"cell":    mdCell,
	"red":     func(on bool, s string) string { return ansi(on, "31;1", s) },
	"bold":    func(on bool, s string) string { return ansi(on, "1", s) },
	"yellow":  func(on bool, s string) string { return ansi(on, "33;1", s) },
	"dim":     func(on bool, s string) string { return ansi(on, "2", s) },
	"pad":     func(col int, code string) string { return strings.Repeat(" ", max(col-2-len(code), 2)) },
	"indent":  func(col int, label string) string { return strings.Repeat(" ", col) + label },
	"fold":    fold,
	"add":     func(a, b int) int { return a + b },
	"review":  reviewLine,
	"lineTag": lineTag,
	"args": func(root textData, f Finding, tag string, fix bool) findingArgs {
		return findingArgs{Root: root, F: f, Tag: tag, Fix: fix}
	},
}).Parse(`
{{- define "text" -}}
{{- range .Groups}}{{bold $.Color .Category.Title}}
{{- range .Findings}}{{template "finding" (args $ . "" true)}}{{end}}

{{end -}}
{{- range .Report.ReviewFiles .Verbose}}{{if .Gap}}
{{end}}{{bold $.Color (print "Review: " .File)}}
{{- if .Shown}}
{{- range .Shown}}{{template "finding" (args $ . (lineTag .) false)}}{{end}}
{{- with .Folded}}
  {{yellow $.Color "+"}} {{.}}{{end}}

{{else}}: {{yellow $.Color .Folded}}
{{if .Last}}
{{end}}{{end}}
{{- end -}}
{{range .Notes}}note: {{fold 6 .}}
{{end -}}
{{with review .Report .Verbose}}{{.}}
{{end -}}
{{summary .Report}}
{{end -}}

{{- define "finding" -}}{{$o := .Root}}{{$tag := .Tag}}{{$fix := .Fix}}{{with .F}}
  {{if eq .Severity "warning"}}{{yellow $o.Color .Code}}{{pad $o.Col .Code}}warning: {{$tag}}{{fold (add (add $o.Col 9) (len $tag)) .Message}}{{else}}{{red $o.Color .Code}}{{pad $o.Col .Code}}{{$tag}}{{fold (add $o.Col (len $tag)) .Message}}{{end}}
{{- with .Stmt}}
{{dim $o.Color (indent $o.Col "statement:")}} {{fold (add $o.Col 11) .}}{{end}}
{{- if $fix}}{{with .Fix}}
{{dim $o.Color (indent $o.Col "fix:")}} {{fold (add $o.Col 5) .String}}{{end}}{{end}}
{{- with .Remedy}}
{{dim $o.Color (indent $o.Col "remedy:")}} {{fold (add $o.Col 8) .}}{{end}}
{{- end}}{{end -}}

{{- define "github" -}}
{{range .Findings -}}
::{{if eq .Severity "warning"}}warning{{else}}error{{end}} {{with .Fix}}file={{ghProp .File}}{{if .Line}},line={{.Line}}{{end}},{{end}}title={{ghProp .Code}} {{ghProp (print .Category)}}::{{ghData .Message}}{{with .Stmt}}%0Astatement: {{ghData .}}{{end}}{{with .Fix}}%0Afix: {{ghData .String}}{{end}}{{with .Remedy}}%0Aremedy: {{ghData .}}{{end}}
{{end -}}
{{range .Notes}}::notice::{{ghData .}}
{{end -}}
{{summary .Report}}
{{end -}}

{{- define "markdown" -}}
### {{with .Title}}{{.}}: {{end}}{{if .Findings}}{{len .Findings}} finding{{if ne (len .Findings) 1}}s{{end}}{{else}}no findings{{end}}

{{summary .Report}}
{{if .Findings}}
| Code | Category | Object | Problem | Where to fix | Remedy |
| --- | --- | --- | --- | --- | --- |
{{range .Findings}}| {{.Code}}{{if eq .Severity "warning"}} (warning){{end}} | {{.Category.Title}} | {{cell .Object}} | {{cell .Message}}{{with .Stmt}}<br>` + "`{{cell .}}`" + `{{end}} | {{with .Fix}}` + "`{{cell .String}}`" + `{{end}} | {{cell .Remedy}} |
{{end}}{{end}}
{{- range .Notes}}
> {{.}}
{{end -}}
{{end -}}
`))

func summaryLine(r *Report) string {
	s := r.Summary
	if s.DirectoryOnly {
		line := fmt.Sprintf("no desired state: checked the directory alone (%s): %s", plural(s.Files, "migration file"), plural(s.Findings, "finding"))
		if w := s.Findings - r.Errors(); w > 0 {
			line += fmt.Sprintf(" (%s)", plural(w, "warning"))
		}
		return line
	}
	tables := plural(s.Tables, "table")
	if s.Views > 0 {
		tables += ", " + plural(s.Views, "view") // only then: reports without views read as before
	}
	enums := plural(s.EnumTypes, "enum type")
	for _, x := range []struct {
		n    int
		word string
	}{{s.Functions, "function"}, {s.Triggers, "trigger"}, {s.Extensions, "extension"}} {
		if x.n > 0 { // only then, as views
			enums += ", " + plural(x.n, x.word)
		}
	}
	line := fmt.Sprintf("%s, %s, %s, %s: %s", plural(s.Models, "model"), tables,
		enums, plural(s.Files, "migration file"), plural(s.Findings, "finding"))
	if w := s.Findings - r.Errors(); w > 0 {
		line += fmt.Sprintf(" (%s)", plural(w, "warning"))
	}
	return line
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// textColumn is where text puts a finding's message and detail labels: two
// columns after the widest code, and never before column 10, so that the
// usual codes (ENT111, SC306) line up the same in every report.
func textColumn(r *Report) int {
	w := 6
	for _, f := range r.Findings {
		w = max(w, len(f.Code))
	}
	return 2 + w + 2
}

// fold keeps a field that spans lines inside its finding's block: each
// further line is indented to col, where the field's value starts, and
// blank lines are dropped, since a blank line ends a group. Line ends may
// be CRLF. JSON keeps the text as it is.
func fold(col int, s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:1]
	for _, l := range lines[1:] {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, strings.Repeat(" ", col)+l)
		}
	}
	return strings.Join(out, "\n")
}

func ansi(on bool, code, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", "<br>").Replace(s)
}
