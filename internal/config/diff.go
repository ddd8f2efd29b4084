package config

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// SkipKinds are the change kinds Atlas's diff { skip { … } } block names
// (its SkipChanges struct in cmd/atlas), in its order.
var SkipKinds = []string{
	"add_schema", "drop_schema", "modify_schema",
	"add_table", "drop_table", "modify_table", "rename_table",
	"add_column", "drop_column", "modify_column",
	"add_index", "drop_index", "modify_index",
	"add_foreign_key", "drop_foreign_key", "modify_foreign_key",
	"rename_constraint",
}

// SafeSettings are the settings of the diff block's safe block, a
// schemactl extension (Atlas's CLI keeps the block for its driver, whose
// DiffOptions ignore it).
var SafeSettings = []string{"not_valid", "not_null", "lock_timeout", "enum_guard"}

// DefaultLockTimeout is the lock_timeout a file that locks an existing
// table sets when the diff block says nothing: the remedy SC306 gives.
const DefaultLockTimeout = "5s"

// Diff is Atlas's diff block, the policy `migrate diff` plans with:
//
//	diff {
//	  skip { drop_column = true }
//	  concurrent_index { add = true  drop = true }
//	  safe { not_valid = true  not_null = true  lock_timeout = "5s"  enum_guard = true }
//	}
//
// A setting the block does not make is nil: Safe gives its default.
type Diff struct {
	// Skip holds the change kinds (SkipKinds) set to true; nil when the
	// block has no skip block, so that an env's block takes the top-level
	// one's, as Atlas's Diff.Extend does.
	Skip map[string]bool
	// ConcurrentAdd and ConcurrentDrop are concurrent_index's add (or its
	// alias create, which Atlas also reads) and drop.
	ConcurrentAdd, ConcurrentDrop *bool
	// NotValid, NotNull, EnumGuard and LockTimeout are the safe block's
	// settings (SafeSettings). LockTimeout is a PostgreSQL duration; "0"
	// writes none.
	NotValid, NotNull, EnumGuard *bool
	LockTimeout                  *string
	// At is where the block is ("atlas.hcl:12,3-7"), for messages; empty
	// when there is none.
	At string
}

// SafeDDL is the diff block's DDL policy for tables that already exist,
// each setting resolved: a setting the blocks leave unset is on.
type SafeDDL struct {
	ConcurrentAdd, ConcurrentDrop bool
	NotValid, NotNull, EnumGuard  bool
	LockTimeout                   string // "" writes none
}

// Safe resolves the settings: unset ones take their defaults (on, and
// DefaultLockTimeout).
func (d Diff) Safe() SafeDDL {
	on := func(b *bool) bool { return b == nil || *b }
	s := SafeDDL{ConcurrentAdd: on(d.ConcurrentAdd), ConcurrentDrop: on(d.ConcurrentDrop),
		NotValid: on(d.NotValid), NotNull: on(d.NotNull), EnumGuard: on(d.EnumGuard), LockTimeout: DefaultLockTimeout}
	if d.LockTimeout != nil {
		s.LockTimeout = *d.LockTimeout
	}
	if isZeroDuration(s.LockTimeout) {
		s.LockTimeout = ""
	}
	return s
}

// extend lays an env's block over the top-level one d, as Atlas's
// Diff.Extend does: an env without a diff block takes d; an env's block
// without skip takes d's skip. Atlas's block replaces concurrent_index
// whole, but its default is off where schemactl's is on, so here each
// setting the env's block leaves unset takes d's instead: a top-level
// `add = false` is not turned back on by an env's skip block.
func (d Diff) extend(env Diff) Diff {
	if env.At == "" {
		return d
	}
	if env.Skip == nil {
		env.Skip = d.Skip
	}
	for _, p := range []struct{ env, top **bool }{
		{&env.ConcurrentAdd, &d.ConcurrentAdd}, {&env.ConcurrentDrop, &d.ConcurrentDrop},
		{&env.NotValid, &d.NotValid}, {&env.NotNull, &d.NotNull}, {&env.EnumGuard, &d.EnumGuard},
	} {
		if *p.env == nil {
			*p.env = *p.top
		}
	}
	if env.LockTimeout == nil {
		env.LockTimeout = d.LockTimeout
	}
	return env
}

// diff evaluates a diff block. Atlas keeps attributes it does not know for
// the driver, which ignores them; a skip kind, concurrent_index or safe
// setting that is not known is refused here, since a typo would otherwise
// plan the very change it was meant to skip.
func (e *evaluator) diff(b *hclsyntax.Block, d *Diff) error {
	*d = Diff{At: b.DefRange().String()}
	for _, sb := range b.Body.Blocks {
		var known []string
		switch sb.Type {
		case "skip":
			known = SkipKinds
			if d.Skip == nil {
				d.Skip = map[string]bool{} // an empty skip block still replaces the top-level one
			}
		case "concurrent_index":
			known = []string{"add", "create", "drop"}
		case "safe":
			known = SafeSettings
		default:
			continue
		}
		for _, a := range sortedAttrs(sb.Body) {
			if !slices.Contains(known, a.Name) {
				return fmt.Errorf("%s: diff %s: unknown setting %q (want one of %s)", a.NameRange, sb.Type, a.Name, strings.Join(known, ", "))
			}
			v, _, err := e.eval(a.Expr, nil)
			if err != nil {
				return err
			}
			if sb.Type == "safe" && a.Name == "lock_timeout" {
				s, err := lockTimeout(a, v)
				if err != nil {
					return err
				}
				d.LockTimeout = &s
				continue
			}
			if v.IsNull() || v.Type() != cty.Bool {
				return fmt.Errorf("%s: diff %s: %s must be true or false", a.SrcRange, sb.Type, a.Name)
			}
			on := v.True()
			switch {
			case sb.Type == "skip":
				if on {
					d.Skip[a.Name] = true
				}
			case a.Name == "drop":
				d.ConcurrentDrop = &on
			case a.Name == "add", a.Name == "create":
				// Atlas plans concurrently when either is true.
				if d.ConcurrentAdd != nil {
					on = on || *d.ConcurrentAdd
				}
				d.ConcurrentAdd = &on
			case a.Name == "not_valid":
				d.NotValid = &on
			case a.Name == "not_null":
				d.NotNull = &on
			case a.Name == "enum_guard":
				d.EnumGuard = &on
			}
		}
	}
	return nil
}

// pgDuration is a duration as PostgreSQL's lock_timeout takes it: a whole
// number with one of its time units, or none (milliseconds).
var pgDuration = regexp.MustCompile(`^[0-9]+ ?(us|ms|s|min|h|d)?$`)

// lockTimeout reads safe's lock_timeout: a PostgreSQL duration string, or
// a number of milliseconds as PostgreSQL reads a bare number.
func lockTimeout(a *hclsyntax.Attribute, v cty.Value) (string, error) {
	bad := fmt.Errorf(`%s: diff safe: lock_timeout must be a PostgreSQL duration such as "5s" or "500ms", or "0" to write none`, a.SrcRange)
	switch {
	case v.IsNull():
		return "", bad
	case v.Type() == cty.Number:
		f := v.AsBigFloat()
		if !f.IsInt() || f.Sign() < 0 {
			return "", bad
		}
		i, _ := f.Int(new(big.Int))
		return i.String(), nil
	case v.Type() == cty.String && pgDuration.MatchString(v.AsString()):
		return v.AsString(), nil
	}
	return "", bad
}

// isZeroDuration reports whether a lock_timeout means none: 0 in any unit.
func isZeroDuration(s string) bool {
	return strings.Trim(strings.TrimRight(s, "usmindh "), "0") == "" && s != ""
}
