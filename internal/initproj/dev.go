package initproj

import (
	"fmt"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// DefaultMajor is the PostgreSQL major version of the dev database when
// this machine has no server installed: the one Ubuntu 24.04's archive
// (GitHub's ubuntu-latest) installs as `postgresql`.
const DefaultMajor = 16

// Dev is the dev database init writes, and why that version.
type Dev struct {
	URL   string
	Major int
	Why   string
}

// DevURL is Atlas's dev URL for PostgreSQL major, which schemactl runs on
// its embedded dev database and the Atlas CLI in a container.
func DevURL(major int) string {
	return fmt.Sprintf("docker://postgres/%d/dev?search_path=public", major)
}

// ChooseDev picks the dev database's major version: the one the embedded
// dev database would run here (the newest server installed), so that the
// gate runs on this machine at once; DefaultMajor when there is none.
// Production's major is the better choice, which only the team knows: the
// caller says how to change it.
func ChooseDev() Dev {
	b, err := devdb.FindBinaries()
	if err != nil {
		return Dev{URL: DevURL(DefaultMajor), Major: DefaultMajor, Why: "no PostgreSQL server is installed here: the default"}
	}
	return Dev{URL: DevURL(b.Major), Major: b.Major, Why: "the server installed here, " + b.Dir}
}
