package dirformat

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// The file types. Like sqltool's they wrap migrate.LocalFile, so Atlas's
// executor scans them with File.StmtDecls (not the driver's scanner) and
// reads a header's `-- atlas:` directives as it does for any file.
type (
	// golangMigrateFile is a <version>_<name>.up.sql file: the whole file
	// runs; its description drops ".up".
	golangMigrateFile struct{ *migrate.LocalFile }
	// flywayFile is a V, B or R file, named by its path in the directory.
	flywayFile struct{ *migrate.LocalFile }
	// gooseFile runs only its `-- +goose Up` section.
	gooseFile struct{ *migrate.LocalFile }
	// dbmateFile runs only its `-- migrate:up` section.
	dbmateFile struct{ *migrate.LocalFile }
)

// Desc implements migrate.File: "1_users.up.sql" is "users", as Atlas
// records it.
func (f *golangMigrateFile) Desc() string { return strings.TrimSuffix(f.LocalFile.Desc(), ".up") }

// Version implements migrate.File: "V1.1__posts.sql" is "1.1"; a
// repeatable file has none.
func (f *flywayFile) Version() string { return flywayVersion(f.Name()) }

// Desc implements migrate.File: "V1.1__posts.sql" is "posts".
func (f *flywayFile) Desc() string { return flywayDesc(f.Name()) }

// StmtDecls implements migrate.File: the statements of the Up section.
func (f *gooseFile) StmtDecls() ([]*migrate.Stmt, error) {
	return parseGoose(f.Name(), f.Bytes()).stmts()
}

// Stmts implements migrate.File.
func (f *gooseFile) Stmts() ([]string, error) { return texts(f.StmtDecls()) }

// StmtDecls implements migrate.File: the statements of the up section.
func (f *dbmateFile) StmtDecls() ([]*migrate.Stmt, error) {
	return parseDBMate(f.Name(), f.Bytes()).stmts()
}

// Stmts implements migrate.File.
func (f *dbmateFile) Stmts() ([]string, error) { return texts(f.StmtDecls()) }

func texts(stmts []*migrate.Stmt, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	out := make([]string, len(stmts))
	for i, s := range stmts {
		out[i] = s.Text
	}
	return out, nil
}

// Files returns the migration files of the directory fsys in format f, in
// the order Atlas runs them. atlas.sum covers exactly these files, in this
// order (Atlas v1.2; earlier versions also hashed golang-migrate's
// .down.sql files).
func Files(fsys fs.FS, f Format) ([]migrate.File, error) {
	switch f {
	case Flyway:
		return flywayFiles(fsys)
	case GolangMigrate:
		return globFiles(fsys, "*.up.sql", func(lf *migrate.LocalFile) migrate.File { return &golangMigrateFile{lf} })
	case Goose:
		return globFiles(fsys, "*.sql", func(lf *migrate.LocalFile) migrate.File { return &gooseFile{lf} })
	case DBMate:
		return globFiles(fsys, "*.sql", func(lf *migrate.LocalFile) migrate.File { return &dbmateFile{lf} })
	default:
		return globFiles(fsys, "*.sql", func(lf *migrate.LocalFile) migrate.File { return lf })
	}
}

// globFiles reads the files matching pattern, sorted by name, as
// migrate.LocalDir.Files does.
func globFiles(fsys fs.FS, pattern string, wrap func(*migrate.LocalFile) migrate.File) ([]migrate.File, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	files := make([]migrate.File, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read file %q: %w", n, err)
		}
		files = append(files, wrap(migrate.NewLocalFile(n, b)))
	}
	return files, nil
}

// Of returns the format a file of Files was read in.
func Of(f migrate.File) Format {
	switch f.(type) {
	case *golangMigrateFile:
		return GolangMigrate
	case *flywayFile:
		return Flyway
	case *gooseFile:
		return Goose
	case *dbmateFile:
		return DBMate
	}
	return Atlas
}

// Whole reports whether every line of the file runs, as in an Atlas file:
// then the file can be sent as one script. A goose or dbmate file runs
// only its up section.
func Whole(f migrate.File) bool {
	switch f.(type) {
	case *migrate.LocalFile, *golangMigrateFile, *flywayFile:
		return true
	}
	return false
}

// NoTransaction reports whether the file's own format says it runs outside
// a transaction: goose's `-- +goose NO TRANSACTION`, dbmate's
// `-- migrate:up transaction:false`. Atlas reads neither (it runs such a
// file in a transaction, where CREATE INDEX CONCURRENTLY fails); here they
// count as `-- atlas:txmode none`, as the tools that wrote them do.
func NoTransaction(f migrate.File) bool {
	switch f := f.(type) {
	case *gooseFile:
		return parseGoose(f.Name(), f.Bytes()).noTx
	case *dbmateFile:
		return parseDBMate(f.Name(), f.Bytes()).noTx
	}
	return false
}

// Up returns the SQL of the file that runs: the content with every other
// line (the down section, the format's own annotations) blanked, so that
// line numbers stay those of the file. For a file that runs whole it is
// the content itself.
func Up(f migrate.File) []byte {
	switch f := f.(type) {
	case *gooseFile:
		return parseGoose(f.Name(), f.Bytes()).up()
	case *dbmateFile:
		return parseDBMate(f.Name(), f.Bytes()).up()
	}
	return f.Bytes()
}
