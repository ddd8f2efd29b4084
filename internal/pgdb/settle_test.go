package pgdb

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// lend is a Dev on the test server: a fresh database per call, counted.
func lend(calls *int) Dev {
	return func(ctx context.Context, use func(*Conn) error) error {
		*calls++
		u, err := server.CreateDatabase(ctx)
		if err != nil {
			return err
		}
		c, err := ConnectDev(ctx, u)
		if err != nil {
			return err
		}
		defer c.Close()
		return use(c)
	}
}

// printed is what PostgreSQL prints for the expression named in r: the
// check "ok", the predicate of index "carrier_idx", or the definition of
// view "open" (what a migration written from it holds).
func printed(t testing.TB, r *schema.Realm) string {
	t.Helper()
	for _, s := range r.Schemas {
		for _, tb := range s.Tables {
			for _, a := range tb.Attrs {
				if c, ok := a.(*schema.Check); ok && c.Name == "ok" {
					return c.Expr
				}
			}
			if idx, ok := tb.Index("carrier_idx"); ok {
				p, _ := predicate(idx)
				return p
			}
		}
		if v, ok := s.View("open"); ok {
			return v.Def
		}
	}
	t.Fatal("nothing printed")
	return ""
}

func inspected(t testing.TB, sql string) *schema.Realm {
	t.Helper()
	r, err := dev(t, sql).Inspect(context.Background())
	require.NoError(t, err)
	return r
}

func changeKinds(changes []schema.Change) []string {
	var out []string
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.ModifyTable:
			for _, c := range c.Changes {
				out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", c), "*schema."))
			}
		default:
			out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", c), "*schema."))
		}
	}
	return out
}

const (
	checkDecl = `CREATE SCHEMA history;
CREATE TYPE history.kind AS ENUM ('parcel', 'letter');
CREATE TABLE history.shipments (id bigint, status varchar(20), kind history.kind, CONSTRAINT ok CHECK (%s));`
	predicateDecl = `CREATE TABLE shipments (id bigint, carrier text, status varchar);
CREATE INDEX carrier_idx ON shipments (carrier) WHERE %s;`
	viewDecl = `CREATE SCHEMA history;
CREATE TABLE history.shipments (id bigint, status character varying);
CREATE VIEW history.sent AS SELECT id, status FROM history.shipments WHERE status <> 'lost';
CREATE VIEW open AS %s;`
	functionDecl = `CREATE FUNCTION known(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE TABLE shipments (id bigint, status varchar, CONSTRAINT ok CHECK (%s));`
)

// The migrations hold what PostgreSQL printed for Ent's expression; replayed,
// that text prints otherwise. Diff lets PostgreSQL settle it: no change,
// while a real change (the migrations printed from another expression)
// stays. Without a dev database, the text decides, as before.
func TestDiffSettlesPrintedExpressions(t *testing.T) {
	for _, tt := range []struct {
		name      string
		decl      string
		src       string // Ent's expression
		haveSrc   string // the migrations' expression, when it really differs
		haveDecl  string // the migrations' declaration, when it differs
		want      []string
		unsettled []string // the changes without a dev database
	}{
		{
			name: "check IN on varchar", decl: checkDecl,
			src:       `kind <> 'letter' AND status IN ('pending', 'sent')`,
			unsettled: []string{"ModifyCheck"},
		},
		{
			name: "check really changed", decl: checkDecl,
			src:       `kind <> 'letter' AND status IN ('pending', 'sent')`,
			haveSrc:   `kind <> 'letter' AND status IN ('pending', 'sent', 'lost')`,
			want:      []string{"ModifyCheck"},
			unsettled: []string{"ModifyCheck"},
		},
		{
			name: "check NO INHERIT in the migrations only", decl: checkDecl,
			haveDecl:  strings.Replace(checkDecl, "CHECK (%s)", "CHECK (%s) NO INHERIT", 1),
			src:       `status IN ('pending', 'sent')`,
			want:      []string{"ModifyCheck"},
			unsettled: []string{"ModifyCheck"},
		},
		{
			name: "partial index predicate", decl: predicateDecl,
			src:       `status IN ('pending', 'sent') AND carrier <> ''`,
			unsettled: []string{"ModifyIndex"},
		},
		{
			name: "partial index predicate really changed", decl: predicateDecl,
			src:       `status IN ('pending', 'sent')`,
			haveSrc:   `status IN ('pending')`,
			want:      []string{"ModifyIndex"},
			unsettled: []string{"ModifyIndex"},
		},
		{
			name: "view over a view of another schema", decl: viewDecl,
			src:       `SELECT id FROM history.sent WHERE status IN ('pending', 'sent')`,
			unsettled: []string{"ModifyView"},
		},
		{
			name: "view really changed", decl: viewDecl,
			src:       `SELECT id FROM history.sent WHERE status IN ('pending', 'sent')`,
			haveSrc:   `SELECT id FROM history.sent WHERE status IN ('pending')`,
			want:      []string{"ModifyView"},
			unsettled: []string{"ModifyView"},
		},
		{
			// The dev database lacks the function: not settled, reported.
			name: "check calling a function the dev database lacks", decl: functionDecl,
			src:       `known(status) AND status IN ('pending', 'sent')`,
			want:      []string{"ModifyCheck"},
			unsettled: []string{"ModifyCheck"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			want := inspected(t, fmt.Sprintf(tt.decl, tt.src))
			text := printed(t, want)
			if tt.haveSrc != "" {
				text = printed(t, inspected(t, fmt.Sprintf(tt.decl, tt.haveSrc)))
			}
			decl := tt.decl
			if tt.haveDecl != "" {
				decl = tt.haveDecl
			}
			have := inspected(t, fmt.Sprintf(decl, text))

			changes, err := DiffRealms(ctx, postgresDiff(t), nil, have, want)
			require.NoError(t, err)
			require.Equal(t, tt.unsettled, changeKinds(changes))

			var calls int
			changes, err = DiffRealms(ctx, postgresDiff(t), lend(&calls), have, want)
			require.NoError(t, err)
			require.Equal(t, tt.want, changeKinds(changes))
			require.Equal(t, 1, calls)
		})
	}
}

// postgresDiff is the differ of a dev database's driver, as commands use.
func postgresDiff(t testing.TB) schema.Differ { return dev(t, "").Driver }

// A diff without a changed expression never asks for a dev database.
func TestDiffWithoutExpressionsLendsNothing(t *testing.T) {
	ctx := context.Background()
	have := inspected(t, fmt.Sprintf(checkDecl, `status IN ('a', 'b')`))
	want := inspected(t, fmt.Sprintf(checkDecl, `status IN ('a', 'b')`)+` ALTER TABLE history.shipments ADD COLUMN weight int;`)
	never := func(context.Context, func(*Conn) error) error {
		t.Fatal("dev database lent for a diff without changed expressions")
		return nil
	}
	changes, err := DiffRealms(ctx, postgresDiff(t), never, have, want)
	require.NoError(t, err)
	require.Equal(t, []string{"AddColumn"}, changeKinds(changes))
}

// What settling costs when there is something to settle: a fresh dev
// database, both sides' tables, and the rounds of printing (here one
// check, as Ent writes it against the migrations' text).
func BenchmarkDiffSettlesACheck(b *testing.B) {
	ctx := context.Background()
	want := inspected(b, fmt.Sprintf(checkDecl, `kind <> 'letter' AND status IN ('pending', 'sent')`))
	have := inspected(b, fmt.Sprintf(checkDecl, printed(b, want)))
	d := postgresDiff(b)
	var calls int
	for b.Loop() {
		changes, err := DiffRealms(ctx, d, lend(&calls), have, want)
		if err != nil || len(changes) != 0 {
			b.Fatal(err, changes)
		}
	}
}
