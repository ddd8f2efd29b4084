package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// formatScope lets format be written as Atlas's enum identifiers
// (format = atlas, format = golang-migrate), as its WithScopedEnums does.
var formatScope = func() map[string]cty.Value {
	m := map[string]cty.Value{}
	for _, f := range Formats {
		m[f] = cty.StringVal(f)
	}
	return m
}()

// migration evaluates the env's migration block. Atlas's exec_order and
// repo are tolerated and not read.
func (e *evaluator) migration(b *hclsyntax.Block, env *Env) error {
	m := &env.Migration
	for _, a := range sortedAttrs(b.Body) {
		at := a.SrcRange.String()
		var err error
		switch a.Name {
		case "dir":
			err = e.stringAttr(a, nil, &m.Dir)
		case "format":
			if err = e.stringAttr(a, formatScope, &m.Format); err == nil && m.Format != "" && !slices.Contains(Formats, m.Format) {
				err = fmt.Errorf("%s: env %q migration format %q: want one of %s", at, env.Name, m.Format, strings.Join(Formats, ", "))
			}
		case "exclude":
			err = e.stringList(a, nil, &m.Exclude)
		case "baseline":
			err = e.stringAttr(a, nil, &m.Baseline)
		case "revisions_schema":
			err = e.stringAttr(a, nil, &m.RevisionsSchema)
		case "lock_timeout":
			var s string
			if err = e.stringAttr(a, nil, &s); err == nil && s != "" {
				if m.LockTimeout, err = time.ParseDuration(s); err != nil || m.LockTimeout < 0 {
					err = fmt.Errorf("%s: env %q migration lock_timeout %q: want a duration such as 10s or 1m", at, env.Name, s)
				}
			}
		default:
			continue
		}
		if err != nil {
			return err
		}
		env.At["migration."+a.Name] = at
	}
	return nil
}
