package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// reviewCategories are those of the review of added files (migrate lint
// --git-base / --latest): text shows their findings per file, as Atlas's
// report does, not per category.
var reviewCategories = []Category{History, Destructive, DataDependent, Incompatible, ConstraintDrop, ConcurrentIndex, Locking}

// IsReview reports whether c is a category of the review of added files.
func (c Category) IsReview() bool { return slices.Contains(reviewCategories, c) }

// Review counts what the review of added files looked at and found.
type Review struct {
	Files      int `json:"files"`      // files reviewed
	Statements int `json:"statements"` // statements in them
	Errors     int `json:"errors"`     // review findings that fail the gate
	Warnings   int `json:"warnings"`   // review findings reported only
}

// CountReview fills Summary.Review's error and warning counts from the
// review findings; the caller set its files and statements.
func (r *Report) CountReview() {
	if r.Summary.Review == nil {
		return
	}
	r.Summary.Review.Errors, r.Summary.Review.Warnings = 0, 0
	for _, f := range r.Findings {
		if !f.Category.IsReview() {
			continue
		}
		if f.Severity == Warning {
			r.Summary.Review.Warnings++
		} else {
			r.Summary.Review.Errors++
		}
	}
}

// FileGroup is one reviewed file's findings, as text shows them.
type FileGroup struct {
	File   string
	Shown  []Finding // errors, and warnings too when verbose
	Folded string    // the warnings not shown, counted: "2 warnings (MF103, SC306)"
	// Gap: a blank line goes before the group (a block after one-line
	// groups); Last: the group ends the review.
	Gap, Last bool
}

// ReviewFiles groups the review findings by file, in name order, each by
// line. Without verbose, warnings are only counted.
func (r *Report) ReviewFiles(verbose bool) []FileGroup {
	var gs []FileGroup
	byFile := map[string][]Finding{}
	for _, f := range r.Findings {
		if !f.Category.IsReview() {
			continue
		}
		file := f.Object
		if f.Fix != nil {
			file = f.Fix.File
		}
		if _, ok := byFile[file]; !ok {
			gs = append(gs, FileGroup{File: file})
		}
		byFile[file] = append(byFile[file], f)
	}
	slices.SortFunc(gs, func(a, b FileGroup) int { return cmp.Compare(a.File, b.File) })
	for i := range gs {
		fs := byFile[gs[i].File]
		slices.SortStableFunc(fs, func(a, b Finding) int { return cmp.Compare(line(a), line(b)) })
		var folded []string
		for _, f := range fs {
			if f.Severity == Warning && !verbose {
				folded = append(folded, f.Code)
				continue
			}
			gs[i].Shown = append(gs[i].Shown, f)
		}
		if len(folded) > 0 {
			gs[i].Folded = fmt.Sprintf("%s (%s)", plural(len(folded), "warning"), countCodes(folded))
		}
		gs[i].Gap = i > 0 && len(gs[i].Shown) > 0 && len(gs[i-1].Shown) == 0
		gs[i].Last = i == len(gs)-1
	}
	return gs
}

func line(f Finding) int {
	if f.Fix == nil {
		return 0
	}
	return f.Fix.Line
}

// countCodes lists codes once each, in order, with a count when repeated:
// "MF103, SC306 ×2".
func countCodes(codes []string) string {
	slices.Sort(codes)
	var parts []string
	for i := 0; i < len(codes); {
		j := i
		for j < len(codes) && codes[j] == codes[i] {
			j++
		}
		if n := j - i; n > 1 {
			parts = append(parts, fmt.Sprintf("%s ×%d", codes[i], n))
		} else {
			parts = append(parts, codes[i])
		}
		i = j
	}
	return strings.Join(parts, ", ")
}

// reviewLine is text's closing total of the review, before the summary;
// when warnings were only counted, it says how to list them.
func reviewLine(r *Report, verbose bool) string {
	rv := r.Summary.Review
	if rv == nil {
		return ""
	}
	line := fmt.Sprintf("Reviewed %s, %s: %s, %s", plural(rv.Files, "added file"), plural(rv.Statements, "statement"),
		plural(rv.Errors, "error"), plural(rv.Warnings, "warning"))
	if rv.Warnings > 0 && !verbose {
		line += " (--verbose lists them)"
	}
	return line
}

// lineTag is "L3: " for a finding about a statement, as Atlas's report
// names lines; "" for one about a whole file.
func lineTag(f Finding) string {
	if l := line(f); l > 0 {
		return fmt.Sprintf("L%d: ", l)
	}
	return ""
}
