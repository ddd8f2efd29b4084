package drift

import "github.com/ledgerforge/schemactl/internal/report"

// noSource places nothing itself: drift has no Ent source, so every
// finding falls back to where the applied migrations name the object.
type noSource struct{}

func (noSource) Table(string) (report.Location, bool)       { return report.Location{}, false }
func (noSource) View(string) (report.Location, bool)        { return report.Location{}, false }
func (noSource) Column(_, _ string) (report.Location, bool) { return report.Location{}, false }
func (noSource) Index(string, []string, bool) (report.Location, bool) {
	return report.Location{}, false
}
func (noSource) ForeignKey(string, []string) (report.Location, bool) { return report.Location{}, false }
func (noSource) Action(string, []string) (report.Location, bool)     { return report.Location{}, false }
func (noSource) Check(_, _ string) (report.Location, bool)           { return report.Location{}, false }
func (noSource) EnumType(string) (report.Location, bool)             { return report.Location{}, false }
