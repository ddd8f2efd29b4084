package diffplan

import (
	"regexp"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// PostgreSQL stores expressions (CHECKs, index predicates and expressions,
// generated columns, defaults) as trees that point at columns and types,
// so a rename changes how they print. The renamed copy of a realm prints
// them the same way, or the diff would see every CHECK on a renamed column
// as changed. The rewrites below work on tokens of the printed text, never
// inside a string constant; what they miss, PostgreSQL itself settles
// (pgdb.DiffRealms compares changed expressions on the dev database).

// forExprs calls f with every expression of t: CHECKs, index predicates
// and expressions, generated columns and column defaults.
func forExprs(t *schema.Table, f func(*string)) {
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok {
			f(&c.Expr)
		}
	}
	for _, idx := range t.Indexes {
		for _, a := range idx.Attrs {
			if p, ok := a.(*postgres.IndexPredicate); ok {
				f(&p.P)
			}
		}
		for _, p := range idx.Parts {
			if x, ok := p.X.(*schema.RawExpr); ok {
				f(&x.X)
			}
		}
	}
	for _, c := range t.Columns {
		for _, a := range c.Attrs {
			if g, ok := a.(*schema.GeneratedExpr); ok {
				f(&g.Expr)
			}
		}
		if x, ok := c.Default.(*schema.RawExpr); ok {
			f(&x.X)
		}
	}
}

type tokKind int

const (
	tokOther  tokKind = iota
	tokString         // 'constant'
	tokIdent          // bare word (folded to lower case) or "quoted"
)

type token struct {
	kind tokKind
	raw  string // as written
	text string // a constant's value, an identifier's name
}

// tokenize splits a printed expression into string constants, identifiers
// and everything else, one character or number at a time; joining the raw
// tokens gives expr back.
func tokenize(expr string) []token {
	var out []token
	for i := 0; i < len(expr); {
		c, j := expr[i], i+1
		t := token{kind: tokOther}
		switch {
		case c == '\'' || c == '"':
			var b strings.Builder
			for j < len(expr) {
				if expr[j] == c {
					if j+1 < len(expr) && expr[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					j++
					break
				}
				b.WriteByte(expr[j])
				j++
			}
			t.kind, t.text = tokIdent, b.String()
			if c == '\'' {
				t.kind = tokString
			}
		case c >= '0' && c <= '9':
			for j < len(expr) && isWordChar(expr[j]) {
				j++
			}
		case isWordChar(c):
			for j < len(expr) && isWordChar(expr[j]) {
				j++
			}
			t.kind, t.text = tokIdent, strings.ToLower(expr[i:j])
		}
		t.raw = expr[i:j]
		out = append(out, t)
		i = j
	}
	return out
}

func isWordChar(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func join(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.raw)
	}
	return b.String()
}

// next is the index of the first token after i that is not blank, or
// len(toks).
func next(toks []token, i int) int {
	for i++; i < len(toks) && toks[i].kind == tokOther && strings.TrimSpace(toks[i].raw) == ""; i++ {
	}
	return i
}

// prev is next backwards, or -1.
func prev(toks []token, i int) int {
	for i--; i >= 0 && toks[i].kind == tokOther && strings.TrimSpace(toks[i].raw) == ""; i-- {
	}
	return i
}

// afterCast reports whether token i follows "::": it names a type.
func afterCast(toks []token, i int) bool {
	p := prev(toks, i)
	return p >= 1 && toks[p].raw == ":" && toks[p-1].raw == ":"
}

var bareIdent = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// identSQL writes a name as PostgreSQL prints it: bare when it can be.
func identSQL(name string) string {
	if bareIdent.MatchString(name) {
		return name
	}
	return quote(name)
}

// renameIdent renames column old to new in expr: an identifier that is
// neither a type (after "::") nor a function (before "(").
func renameIdent(expr, old, new string) string {
	toks := tokenize(expr)
	for i, t := range toks {
		if t.kind != tokIdent || t.text != old || afterCast(toks, i) {
			continue
		}
		if n := next(toks, i); n < len(toks) && toks[n].raw == "(" {
			continue
		}
		toks[i].raw = identSQL(new)
	}
	return join(toks)
}

// renameValue renames the value old of enum type typ to new in expr: a
// constant cast to the type ('old'::typ, 'old'::schema.typ).
func renameValue(expr, typ, old, new string) string {
	toks := tokenize(expr)
	for i, t := range toks {
		if t.kind != tokString || t.text != old {
			continue
		}
		if name, ok := castTo(toks, i); ok && name == typ {
			toks[i].raw = literal(new)
		}
	}
	return join(toks)
}

// castTo returns the type name (without its schema) that token i is cast
// to, if it is.
func castTo(toks []token, i int) (string, bool) {
	a := next(toks, i)
	if a+1 >= len(toks) || toks[a].raw != ":" || toks[a+1].raw != ":" {
		return "", false
	}
	n := next(toks, a+1)
	if n >= len(toks) || toks[n].kind != tokIdent {
		return "", false
	}
	if d := next(toks, n); d+1 < len(toks) && toks[d].raw == "." && toks[d+1].kind == tokIdent {
		n = d + 1
	}
	return toks[n].text, true
}

// renameType renames the type old to new where expr casts to it.
func renameType(expr, old, new string) string {
	toks := tokenize(expr)
	for i, t := range toks {
		if t.kind != tokIdent || t.text != old {
			continue
		}
		// The type's own name: after "::", or after "::schema.".
		p := prev(toks, i)
		cast := afterCast(toks, i) || p >= 0 && toks[p].raw == "." && p >= 1 && toks[p-1].kind == tokIdent && afterCast(toks, p-1)
		if cast {
			toks[i].raw = identSQL(new)
		}
	}
	return join(toks)
}
