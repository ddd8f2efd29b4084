package devdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/pgerr"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// BaselineError is a baseline statement that failed: the dev database
// could not be prepared, so the command could not run (exit 2).
type BaselineError struct {
	From string // where the baseline comes from
	Line int    // 1-based line of the failing statement; 0 for the whole script
	Err  error
}

func (e *BaselineError) Error() string {
	at := e.From
	if e.Line > 0 {
		at = fmt.Sprintf("%s:%d", e.From, e.Line)
	}
	return fmt.Sprintf("devdb: %s: %s", at, pgerr.Message(e.Err))
}

func (e *BaselineError) Unwrap() error { return e.Err }

func baselineFrom(o Options) string {
	if o.BaselineFrom != "" {
		return o.BaselineFrom
	}
	return "the dev database baseline"
}

func baselineError(o Options, line int, err error) error {
	return &BaselineError{From: baselineFrom(o), Line: line, Err: err}
}

// runBaseline runs o.Baseline in the database at url, in one transaction
// sent in one round trip; when that fails, it runs again statement by
// statement, to name the failing one by its line in the baseline. A
// missing extension is an *ExtensionError.
func runBaseline(ctx context.Context, url string, o Options) error {
	f, err := sqlparse.Parse(baselineFrom(o), []byte(o.Baseline))
	if err != nil {
		return baselineError(o, 0, err)
	}
	conn, err := connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	inTx := func(run func(pgx.Tx) error) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		if err := run(tx); err != nil {
			tx.Rollback(ctx)
			return err
		}
		return tx.Commit(ctx)
	}
	err = inTx(func(tx pgx.Tx) error { _, err := tx.Exec(ctx, o.Baseline); return err })
	if err == nil || ctx.Err() != nil {
		return err
	}
	line := 0
	err = inTx(func(tx pgx.Tx) error {
		for _, s := range f.Stmts {
			if _, err := tx.Exec(ctx, s.Text); err != nil {
				line = s.Line
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil // it passed the second time: nothing to name
	}
	major := func() int {
		var v string
		if conn.QueryRow(ctx, "SHOW server_version_num").Scan(&v) != nil {
			return 0
		}
		n, _ := strconv.Atoi(v)
		return n / 10000
	}
	if ee := AsExtensionError(baselineFrom(o), line, err, major); ee != err {
		return ee
	}
	return baselineError(o, line, err)
}

// querier is a connection (*pgx.Conn).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func collect(rows pgx.Rows) ([]string, error) { return pgx.CollectRows(rows, pgx.RowTo[string]) }

// object is a database object, as the not-empty check names it.
type object struct {
	kind   string // schema, extension, relation, type, function
	schema string // "" for a schema or an extension
	name   string
	// ext: it belongs with an extension (a schema holding one) and may
	// stay in a --dev-url database.
	ext bool
}

func (o object) String() string {
	if o.schema == "" {
		return fmt.Sprintf("%s %q", o.kind, o.name)
	}
	return fmt.Sprintf("%s %q", o.kind, o.schema+"."+o.name)
}

// names are the objects a baseline creates, by kind, schema and name.
type names map[object]bool

func (n names) has(o object) bool {
	return n[object{kind: o.kind, schema: o.schema, name: o.name}]
}

// baselineNames lists what the baseline creates, read with PostgreSQL's
// own parser: unqualified names are in public, where the baseline puts
// them.
func baselineNames(baseline string) (names, error) {
	n := names{}
	if baseline == "" {
		return n, nil
	}
	f, err := sqlparse.Parse("baseline", []byte(baseline))
	if err != nil {
		return nil, err
	}
	rel := func(r *pg_query.RangeVar) {
		if r != nil {
			n[object{kind: "relation", schema: or(r.Schemaname, "public"), name: r.Relname}] = true
		}
	}
	qualified := func(kind string, parts []*pg_query.Node) {
		var s []string
		for _, p := range parts {
			s = append(s, p.GetString_().GetSval())
		}
		switch len(s) {
		case 1:
			n[object{kind: kind, schema: "public", name: s[0]}] = true
		case 2:
			n[object{kind: kind, schema: s[0], name: s[1]}] = true
		}
	}
	for _, st := range f.Stmts {
		switch x := st.Node.GetNode().(type) {
		case *pg_query.Node_CreateSchemaStmt:
			n[object{kind: "schema", name: x.CreateSchemaStmt.Schemaname}] = true
		case *pg_query.Node_CreateExtensionStmt:
			n[object{kind: "extension", name: x.CreateExtensionStmt.Extname}] = true
		case *pg_query.Node_CreateStmt:
			rel(x.CreateStmt.Relation)
		case *pg_query.Node_ViewStmt:
			rel(x.ViewStmt.View)
		case *pg_query.Node_CreateTableAsStmt:
			rel(x.CreateTableAsStmt.GetInto().GetRel())
		case *pg_query.Node_CreateSeqStmt:
			rel(x.CreateSeqStmt.Sequence)
		case *pg_query.Node_CompositeTypeStmt:
			rel(x.CompositeTypeStmt.Typevar)
		case *pg_query.Node_CreateEnumStmt:
			qualified("type", x.CreateEnumStmt.TypeName)
		case *pg_query.Node_CreateRangeStmt:
			qualified("type", x.CreateRangeStmt.TypeName)
		case *pg_query.Node_CreateDomainStmt:
			qualified("type", x.CreateDomainStmt.Domainname)
		case *pg_query.Node_CreateFunctionStmt:
			qualified("function", x.CreateFunctionStmt.Funcname)
		}
	}
	return n, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// userSchemas is the condition on a namespace n that it is not
// PostgreSQL's own.
const userSchemas = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'`

// member is the condition that the object oid of catalog cat belongs to
// an extension (pg_depend's deptype 'e').
func member(cat, oid string) string {
	return `EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '` + cat + `'::regclass AND d.objid = ` + oid + ` AND d.deptype = 'e')`
}

// objectsQuery lists what a database holds beyond PostgreSQL's own
// objects and what extensions own: schemas (other than public), extensions,
// relations, enum, domain, range and multirange types, and routines. The
// last column says whether the object belongs with an extension: an
// extension, or a schema that one created or lives in.
var objectsQuery = `
SELECT 'schema', '', n.nspname,
       ` + member("pg_namespace", "n.oid") + ` OR EXISTS (SELECT 1 FROM pg_extension e WHERE e.extnamespace = n.oid)
FROM pg_namespace n WHERE n.nspname <> 'public' AND ` + userSchemas + `
UNION ALL
SELECT 'extension', '', e.extname, true FROM pg_extension e WHERE e.extname <> 'plpgsql'
UNION ALL
SELECT 'relation', n.nspname, c.relname, false FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ` + userSchemas + ` AND NOT ` + member("pg_class", "c.oid") + `
UNION ALL
SELECT 'type', n.nspname, t.typname, false FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ` + userSchemas + ` AND NOT ` + member("pg_type", "t.oid") + `
UNION ALL
SELECT 'function', n.nspname, p.proname, false FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ` + userSchemas + ` AND NOT ` + member("pg_proc", "p.oid") + `
ORDER BY 1, 2, 3`

// objectsIn lists what makes a database not empty, extensions included
// (object.ext).
func objectsIn(ctx context.Context, q querier) ([]object, error) {
	rows, err := q.Query(ctx, objectsQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.schema, &o.name, &o.ext); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// firstObject names the first object that makes a database not empty,
// extensions aside; "" when there is none.
func firstObject(ctx context.Context, q querier) (string, error) {
	objs, err := objectsIn(ctx, q)
	if err != nil {
		return "", err
	}
	for _, o := range objs {
		if !o.ext {
			return o.String(), nil
		}
	}
	return "", nil
}

// keptObjects are the objects an external dev database held when it was
// opened (extensions, the baseline's), by catalog: a wipe leaves them.
type keptObjects struct {
	schemas, extensions, relations, types, routines []uint32
}

func (k *keptObjects) empty() bool {
	return len(k.schemas)+len(k.extensions)+len(k.relations)+len(k.types)+len(k.routines) == 0
}

// keptQuery lists the oids the wipe keeps, as objectsQuery's kinds (and
// without its exceptions: an extension's member stays with it either way).
var keptQuery = `
SELECT 'schema', n.oid FROM pg_namespace n WHERE n.nspname <> 'public' AND ` + userSchemas + `
UNION ALL SELECT 'extension', e.oid FROM pg_extension e WHERE e.extname <> 'plpgsql'
UNION ALL SELECT 'relation', c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ` + userSchemas + `
UNION ALL SELECT 'type', t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ` + userSchemas + `
UNION ALL SELECT 'routine', p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ` + userSchemas

func keep(ctx context.Context, q querier) (*keptObjects, error) {
	rows, err := q.Query(ctx, keptQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Empty, not nil: a NULL array would match nothing in dropsQuery.
	k := &keptObjects{schemas: []uint32{}, extensions: []uint32{}, relations: []uint32{}, types: []uint32{}, routines: []uint32{}}
	for rows.Next() {
		var kind string
		var oid uint32
		if err := rows.Scan(&kind, &oid); err != nil {
			return nil, err
		}
		switch kind {
		case "schema":
			k.schemas = append(k.schemas, oid)
		case "extension":
			k.extensions = append(k.extensions, oid)
		case "relation":
			k.relations = append(k.relations, oid)
		case "type":
			k.types = append(k.types, oid)
		case "routine":
			k.routines = append(k.routines, oid)
		}
	}
	return k, rows.Err()
}

// dropsQuery writes the statements that drop what a use of an external
// dev database added to it, kept objects aside: new schemas with their
// contents, then the new routines, relations and types of the kept
// schemas, then new extensions (whose members go with them). IF EXISTS,
// as dropping one object may have dropped another already.
var dropsQuery = `
SELECT 1, format('DROP SCHEMA %I CASCADE', n.nspname) FROM pg_namespace n
 WHERE n.nspname <> 'public' AND ` + userSchemas + ` AND n.oid <> ALL($1)
UNION ALL
SELECT 2, format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ` + userSchemas + ` AND p.oid <> ALL($5) AND NOT ` + member("pg_proc", "p.oid") + ` AND n.oid = ANY($1 || 'public'::regnamespace::oid)
UNION ALL
SELECT 3, format('DROP %s IF EXISTS %s CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
         WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END, c.oid::regclass)
 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ` + userSchemas + ` AND c.oid <> ALL($3)
   AND NOT ` + member("pg_class", "c.oid") + ` AND n.oid = ANY($1 || 'public'::regnamespace::oid)
   -- a serial or identity column's sequence goes with its table
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
UNION ALL
SELECT 4, format('DROP %s IF EXISTS %s CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ` + userSchemas + ` AND t.oid <> ALL($4)
   AND NOT ` + member("pg_type", "t.oid") + ` AND n.oid = ANY($1 || 'public'::regnamespace::oid)
UNION ALL
SELECT 5, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname) FROM pg_extension e
 WHERE e.extname <> 'plpgsql' AND e.oid <> ALL($2)
ORDER BY 1, 2`

// wipe returns the external dev database to the state Open found (and
// left) it in.
func wipe(ctx context.Context, u string, kept *keptObjects) error {
	conn, err := connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var stmts []string
	if kept == nil || kept.empty() {
		// Nothing to keep: the thorough way, which also takes whatever
		// else a migration put in public (operators, casts, …).
		rows, err := conn.Query(ctx, `SELECT format('DROP SCHEMA %I CASCADE', n.nspname) FROM pg_namespace n WHERE n.nspname <> 'public' AND `+userSchemas)
		if err != nil {
			return fmt.Errorf("devdb: wipe: %w", err)
		}
		drops, err := collect(rows)
		if err != nil {
			return fmt.Errorf("devdb: wipe: %w", err)
		}
		stmts = append([]string{"DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public"}, drops...)
		// New extensions live in public or in a dropped schema: gone too.
	} else {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS public"); err != nil {
			return fmt.Errorf("devdb: wipe: %w", err)
		}
		rows, err := conn.Query(ctx, dropsQuery, kept.schemas, kept.extensions, kept.relations, kept.types, kept.routines)
		if err != nil {
			return fmt.Errorf("devdb: wipe: %w", err)
		}
		type drop struct {
			Rank int
			Stmt string
		}
		drops, err := pgx.CollectRows(rows, pgx.RowToStructByPos[drop])
		if err != nil {
			return fmt.Errorf("devdb: wipe: %w", err)
		}
		for _, d := range drops {
			stmts = append(stmts, d.Stmt)
		}
	}
	if len(stmts) == 0 {
		return nil
	}
	if _, err := conn.Exec(ctx, strings.Join(stmts, ";\n")); err != nil {
		return fmt.Errorf("devdb: wipe: %w", err)
	}
	return nil
}
