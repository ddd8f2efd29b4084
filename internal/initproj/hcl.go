package initproj

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// The envs init writes: one for a developer's machine, the default when
// no --env is given, and one for CI.
const (
	LocalEnv = "local"
	CIEnv    = "ci"
)

// Settings are what the envs init writes say.
type Settings struct {
	Src    []string         // the desired state: ent://DIR, composed in order
	Dev    string           // the dev database URL
	Dir    string           // the migration directory, file://DIR
	Format dirformat.Format // "" or Atlas: not written
	// Exclude and MigrationExclude are copied from an existing env, so that
	// the env init adds compares what that env compares.
	Exclude, MigrationExclude []string
	Base                      string // the branch pull requests merge into
}

// Render is a new atlas.hcl: env "local", env "ci", a top-level lint block
// with the base branch, and the schemactl block making env "local" the
// default.
func Render(s Settings) []byte {
	var b strings.Builder
	b.WriteString(`// Atlas's project file, written by ` + "`schemactl init`" + `: schemactl and the
// Atlas CLI both read it. A docker://postgres/... dev URL runs on
// schemactl's embedded dev database (the PostgreSQL server installed on
// this machine, no Docker); the Atlas CLI starts that container instead.
`)
	for _, block := range []string{localBlock(s), ciBlock(s), lintBlock(s.Base), defaultBlock()} {
		b.WriteString(block)
	}
	return hclwrite.Format([]byte(b.String()))
}

func localBlock(s Settings) string {
	return `
// A developer's machine: ` + "`schemactl migrate lint`" + ` (the schemactl block
// below makes this env the default), ` + "`schemactl migrate diff NAME`" + `.
` + envBlock(LocalEnv, s, "")
}

func ciBlock(s Settings) string {
	return `
// CI: the same comparison, and a review of the migration files a branch
// adds since it left the remote base branch (a CI clone has no local one).
// A pull request's workflow names its own base with --git-base.
` + envBlock(CIEnv, s, fmt.Sprintf(`  lint {
    git {
      dir  = "."
      base = %s
    }
  }
`, quote("origin/"+s.Base)))
}

func lintBlock(base string) string {
	return fmt.Sprintf(`
// The review of the migration files a branch adds since it left %s, for
// every env that sets no git base of its own.
lint {
  git {
    base = %s
  }
}
`, base, quote(base))
}

func defaultBlock() string {
	return fmt.Sprintf(`
// schemactl extension: the env used when no --env is given. The Atlas CLI
// ignores this block (and always needs --env).
%s {
  default_env = %s
}
`, config.DefaultEnvBlock, quote(LocalEnv))
}

// envBlock writes an env block; extra goes before its closing brace.
func envBlock(name string, s Settings, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "env %s {\n", quote(name))
	if len(s.Src) == 1 {
		fmt.Fprintf(&b, "  src = %s\n", quote(s.Src[0]))
	} else {
		fmt.Fprintf(&b, "  src = %s\n", list(s.Src))
	}
	fmt.Fprintf(&b, "  dev = %s\n", quote(s.Dev))
	if len(s.Exclude) > 0 {
		fmt.Fprintf(&b, "  exclude = %s\n", list(s.Exclude))
	}
	b.WriteString("  migration {\n")
	fmt.Fprintf(&b, "    dir = %s\n", quote(s.Dir))
	if s.Format != "" && s.Format != dirformat.Atlas {
		// Atlas's enum identifier, as its documentation writes it.
		fmt.Fprintf(&b, "    format = %s\n", s.Format)
	}
	if len(s.MigrationExclude) > 0 {
		fmt.Fprintf(&b, "    exclude = %s\n", list(s.MigrationExclude))
	}
	b.WriteString("  }\n")
	b.WriteString(extra)
	b.WriteString("}\n")
	return b.String()
}

// quote is s as an HCL string literal: ${ and %{ are escaped, as a
// template would otherwise read them.
func quote(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

func list(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Existing is what an atlas.hcl already declares, as init reads it.
type Existing struct {
	Envs []Block // labelled env blocks
	// Dynamic is an env block without a label whose name uses atlas.env:
	// it serves every --env, and a labelled block would take its place.
	Dynamic *Block
	Lint    *Block // the top-level lint block
	// LintReview: the top-level lint block sets a git base or latest.
	LintReview bool
	Default    *Block // the schemactl block
	// DefaultEnv is the env the schemactl block names ("" when it names
	// none, or not as a literal string).
	DefaultEnv string
}

// Block is a top-level block and where it starts ("atlas.hcl:3").
type Block struct{ Name, At string }

// Has reports whether a labelled env block called name exists.
func (e *Existing) Has(name string) bool {
	return slices.ContainsFunc(e.Envs, func(b Block) bool { return b.Name == name })
}

// Inspect reads an existing project file's top-level blocks. A file that
// does not parse is an error naming the position: init does not append to
// a file it cannot read.
func Inspect(src []byte, filename string) (*Existing, error) {
	f, diags := hclparse.NewParser().ParseHCL(src, filename)
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Subject != nil {
			return nil, fmt.Errorf("%s: %s", d.Subject, d.Summary)
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	e := &Existing{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		at := fmt.Sprintf("%s:%d", filename, b.DefRange().Start.Line)
		switch b.Type {
		case "env":
			switch {
			case len(b.Labels) == 1:
				e.Envs = append(e.Envs, Block{Name: b.Labels[0], At: at})
			case len(b.Labels) == 0 && usesAtlasEnv(b.Body.Attributes["name"]) && e.Dynamic == nil:
				e.Dynamic = &Block{Name: "env", At: at}
			}
		case "lint":
			if e.Lint == nil {
				e.Lint = &Block{Name: "lint", At: at}
			}
			if b.Body.Attributes["latest"] != nil || slices.ContainsFunc(b.Body.Blocks, func(g *hclsyntax.Block) bool {
				return g.Type == "git" && g.Body.Attributes["base"] != nil
			}) {
				e.LintReview = true
			}
		case config.DefaultEnvBlock:
			e.Default = &Block{Name: config.DefaultEnvBlock, At: at}
			if a := b.Body.Attributes["default_env"]; a != nil {
				if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
					e.DefaultEnv = v.AsString()
				}
			}
		}
	}
	return e, nil
}

func usesAtlasEnv(a *hclsyntax.Attribute) bool {
	if a == nil {
		return false
	}
	for _, t := range a.Expr.Variables() {
		if len(t) >= 2 && t.RootName() == "atlas" {
			if at, ok := t[1].(hcl.TraverseAttr); ok && at.Name == "env" {
				return true
			}
		}
	}
	return false
}

// MissingEnvs are the envs Extend would add.
func (e *Existing) MissingEnvs() []string {
	var out []string
	for _, name := range []string{LocalEnv, CIEnv} {
		if e.Dynamic == nil && !e.Has(name) {
			out = append(out, name)
		}
	}
	return out
}

// Extension is what init appends to an existing atlas.hcl.
type Extension struct {
	Content []byte   // the whole new file: the old one unchanged, then the blocks added
	Added   []string // what was added: `env "local"`, `env "ci"`, `lint`, `schemactl`
}

// Extend appends to src the blocks it lacks, leaving every byte of it as
// it is (comments too): env "local" and env "ci" (unless an env block
// named by atlas.env serves them), a top-level lint block, and the
// schemactl block naming env "local" the default. Nothing added: Added is
// empty.
func Extend(src []byte, ex *Existing, s Settings) Extension {
	var blocks, added []string
	for _, name := range ex.MissingEnvs() {
		block := localBlock(s)
		if name == CIEnv {
			block = ciBlock(s)
		}
		blocks, added = append(blocks, block), append(added, fmt.Sprintf("env %q", name))
	}
	if ex.Lint == nil {
		blocks, added = append(blocks, lintBlock(s.Base)), append(added, "lint")
	}
	if ex.Default == nil {
		blocks, added = append(blocks, defaultBlock()), append(added, config.DefaultEnvBlock)
	}
	if len(blocks) == 0 {
		return Extension{Content: src}
	}
	tail := "\n// Added by `schemactl init`.\n" + strings.Join(blocks, "")
	out := append([]byte{}, src...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return Extension{Content: append(out, hclwrite.Format([]byte(tail))...), Added: added}
}
