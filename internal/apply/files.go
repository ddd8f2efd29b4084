package apply

import (
	"fmt"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// checkFiles refuses, before anything runs, a directory whose files Atlas's
// format does not allow: a bad name or order, a BOM, an unknown directive
// or directive value (an unknown txmode would otherwise run in a
// transaction, a misspelt one silently so).
func checkFiles(dir *migdir.Dir) error {
	files, err := dir.Files()
	if err != nil {
		return err
	}
	problems, err := dir.CheckFiles(files)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		more := ""
		if len(problems) > 1 {
			more = fmt.Sprintf(" (and %d more: run `schemactl migrate validate`)", len(problems)-1)
		}
		return fmt.Errorf("apply: refusing to apply: %s%s", problems[0], more)
	}
	return nil
}
