package migdir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCheckFiles: the file checks validate, lint and apply run on
// every call, on a directory of 500 files of 20 statements each, with a
// directive above every statement (the statements must be scanned) and
// without (the usual file: no scan).
func BenchmarkCheckFiles(b *testing.B) {
	b.Run("nolint on every statement", func(b *testing.B) { benchCheckFiles(b, "-- atlas:nolint PG101\n") })
	b.Run("no directives", func(b *testing.B) { benchCheckFiles(b, "") })
}

func benchCheckFiles(b *testing.B, directive string) {
	files := map[string]string{}
	for i := range 500 {
		var sb strings.Builder
		for j := range 20 {
			fmt.Fprintf(&sb, "%sCREATE INDEX \"i_%d_%d\" ON \"t\" (\"c\") WHERE \"c\" > 'x;y';\n", directive, i, j)
		}
		files[fmt.Sprintf("%014d_f.sql", 20260101000000+i)] = sb.String()
	}
	dir := b.TempDir()
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	d, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	fs, err := d.Files()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if ps, err := d.CheckFiles(fs); err != nil || len(ps) > 0 {
			b.Fatal(err, ps)
		}
	}
}
