package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The openmeter pattern: locals hold the settings, interpolated whole
// ("${local.list}" is the list itself), and envs refer to them.
func TestLocals(t *testing.T) {
	env, err := load(t, `
env "local" {
  src = "${local.schema_src}"
  migration {
    dir     = "${local.dir}"
    format  = "${local.format}"
    exclude = "${local.exclude}"
  }
  url = local.url
}
locals {
  schema_src = "ent://ent/schema"
  dir        = "file://${local.base}/migrations"
  format     = "golang-migrate"
  url        = "postgres://localhost/${var.db}?search_path=${local.schema}"
  exclude    = ["locks[type=table]", "backup_*[type=table]"]
}
locals {
  base   = "db"
  schema = "public_${atlas.env}"
}
variable "db" {
  type    = string
  default = "app"
}
`, "local")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://ent/schema"}, env.Src)
	require.Equal(t, Migration{Dir: "file://db/migrations", Format: "golang-migrate", Exclude: []string{"locks[type=table]", "backup_*[type=table]"}}, env.Migration)
	require.Equal(t, "postgres://localhost/app?search_path=public_local", env.URL)
}

// Variables as Atlas's setInputVals: typed, defaults that call functions,
// --var over the default, a repeated --var is a list, one value for a list
// type is a list of one, strings converted to the type.
func TestVariables(t *testing.T) {
	t.Setenv("SCHEMACTL_TEST_DB", "postgres://h/db")
	body := `
variable "url" {
  type    = string
  default = getenv("SCHEMACTL_TEST_DB")
}
variable "schemas" {
  type    = list(string)
  default = ["public"]
}
variable "latest" {
  type    = number
  default = 1
}
variable "strict" {
  type    = bool
  default = false
}
variable "init" {
  type    = string
  default = file("sql/init.sql")
}
env "x" {
  url     = var.url
  exclude = var.schemas
  dev     = "postgres://h/dev?x=${var.init}"
  lint {
    latest = var.latest
    destructive {
      error = var.strict
    }
  }
}
`
	project(t, "atlas.hcl", body, "sql/init.sql", "init")
	env, err := loadOpts(t, Options{Env: "x"})
	require.NoError(t, err)
	require.Equal(t, "postgres://h/db", env.URL)
	require.Equal(t, []string{"public"}, env.Exclude)
	require.Equal(t, "postgres://h/dev?x=init", env.Dev, "file() reads relative to atlas.hcl")
	require.Equal(t, 1, env.Lint.Latest)
	require.Equal(t, map[string]bool{"destructive": false}, env.Lint.Errors)

	env, err = loadOpts(t, Options{Env: "x", Vars: map[string][]string{
		"url": {"postgres://other/db"}, "schemas": {"a", "b"}, "latest": {"7"}, "strict": {"true"},
	}})
	require.NoError(t, err)
	require.Equal(t, "postgres://other/db", env.URL)
	require.Equal(t, []string{"a", "b"}, env.Exclude)
	require.Equal(t, 7, env.Lint.Latest)
	require.Equal(t, map[string]bool{"destructive": true}, env.Lint.Errors)

	env, err = loadOpts(t, Options{Env: "x", Vars: map[string][]string{"schemas": {"only"}}})
	require.NoError(t, err)
	require.Equal(t, []string{"only"}, env.Exclude, "one --var for a list type is a list of one")

	// The file's directory, not the working directory, anchors file().
	t.Chdir("sql")
	f, err := Load("../atlas.hcl", Options{Env: "x"})
	require.NoError(t, err)
	require.Equal(t, "postgres://h/dev?x=init", f.sel.Dev)
}

// The functions of Atlas's standard library that real files use.
func TestFunctions(t *testing.T) {
	t.Setenv("SCHEMACTL_TEST_HOST", "  db.internal  ")
	env, err := load(t, `
locals {
  host  = trimspace(getenv("SCHEMACTL_TEST_HOST"))
  parts = split(",", "a,b")
}
env "x" {
  url     = format("postgres://%s:%d/%s", local.host, 5432, lower("APP"))
  dev     = replace(upper("postgres://dev/x"), "POSTGRES", "postgres")
  src     = join(",", concat(["ent://a"], ["ent://b"]))
  exclude = concat(local.parts, [jsonencode({ t = "c" })], [urlescape("d e")], [regexreplace("f1", "[0-9]", "")])
}
`, "x")
	require.NoError(t, err)
	require.Equal(t, "postgres://db.internal:5432/app", env.URL)
	require.Equal(t, "postgres://DEV/X", env.Dev)
	require.Equal(t, []string{"ent://a,ent://b"}, env.Src)
	require.Equal(t, []string{"a", "b", `{"t":"c"}`, "d+e", "f"}, env.Exclude)
}

// Only the selected env is evaluated, with what it uses: another env's
// mistakes, an unused broken local, an unused variable without a value
// and an unused unsupported data source do not stop it.
func TestOnlySelectedEnv(t *testing.T) {
	body := `
variable "token" {
  type = string
}
locals {
  broken = var.nope
  dir    = "file://migrations"
}
data "remote_dir" "cloud" {
  name = "app"
}
env "local" {
  url = "postgres://${local.missing}"
  migration {
    dir = data.remote_dir.cloud.url
  }
}
env "ci" {
  url = "postgres://ci/db"
  migration {
    dir = local.dir
  }
}
`
	env, err := load(t, body, "ci")
	require.NoError(t, err)
	require.Equal(t, "postgres://ci/db", env.URL)
	require.Equal(t, "file://migrations", env.Migration.Dir)

	_, err = load(t, body, "local")
	require.EqualError(t, err, `atlas.hcl:13,28-36: Unsupported attribute: This object does not have an attribute named "missing".`)
}

// Errors are reported in file order: the same error, at the same place,
// every run (Atlas evaluates locals in map order).
func TestStableErrors(t *testing.T) {
	body := `
locals {
  a = var.x
  b = var.y
  c = var.z
}
env "x" {
  dev = "${local.c}${local.b}"
  url = local.a
}
`
	project(t, "atlas.hcl", body)
	for range 20 {
		_, err := loadOpts(t, Options{Env: "x"})
		require.EqualError(t, err, `atlas.hcl:5,7-10: Unknown variable: There is no variable named "var".`)
	}
}

func TestEvalErrors(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"syntax":        {"env \"x\" {\n  src = \n}\n", "atlas.hcl:2,9-3,1: Invalid expression: Expected the start of an expression, but found an invalid expression token."},
		"unclosed":      {"env \"x\" {\n", "atlas.hcl:1,9-10: Unclosed configuration block: There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file."},
		"no variables":  {"env \"x\" {\n  src = var.nope\n}\n", `atlas.hcl:2,9-12: Unknown variable: There is no variable named "var".`},
		"no such var":   {"variable \"a\" {\n  type = string\n  default = \"\"\n}\nenv \"x\" {\n  src = var.nope\n}\n", `atlas.hcl:6,12-17: Unsupported attribute: This object does not have an attribute named "nope".`},
		"no locals":     {"env \"x\" {\n  url = local.url\n}\n", `atlas.hcl:2,9-14: Unknown variable: There is no variable named "local".`},
		"cycle":         {"locals {\n  a = local.b\n  b = local.a\n}\nenv \"x\" {\n  url = local.a\n}\n", `atlas.hcl:3,7-14: cyclic reference to "local.a"`},
		"self":          {"locals {\n  a = \"${local.a}\"\n}\nenv \"x\" {\n  url = local.a\n}\n", `atlas.hcl:2,10-17: cyclic reference to "local.a"`},
		"not string":    {"env \"x\" {\n  dev = 3 > 4\n}\n", "atlas.hcl:2,3-14: dev must be a string"},
		"bad function":  {"env \"x\" {\n  url = nope(1)\n}\n", `atlas.hcl:2,9-13: Call to unknown function: There is no function named "nope".`},
		"file missing":  {"env \"x\" {\n  url = file(\"x.sql\")\n}\n", "atlas.hcl:2,9-14: Error in function call: Call to function \"file\" failed: open "},
		"duplicate":     {"env \"x\" {}\nenv \"x\" {}\n", `atlas.hcl:2,1-8: env "x" is declared twice (also at atlas.hcl:1,1-8)`},
		"dynamic dup":   {"env {\n  name = atlas.env\n}\nenv {\n  name = atlas.env\n}\n", `atlas.hcl:4,1-4: env "x" is declared twice (also at atlas.hcl:1,1-4)`},
		"two labels":    {"env \"x\" \"y\" {\n}\n", `atlas.hcl:1,1-12: env "x" has 2 labels: an env block has one, its name`},
		"for_each":      {"env \"x\" {\n  for_each = toset([\"a\"])\n}\n", `atlas.hcl:2,3-26: env "x": for_each (one env per tenant) is not supported by schemactl`},
		"exclude str":   {"env \"x\" {\n  exclude = \"users.fax\"\n}\n", "atlas.hcl:2,3-24: exclude must be a list of strings"},
		"exclude nums":  {"env \"x\" {\n  exclude = [\"a\", 3]\n}\n", "atlas.hcl:2,3-21: exclude must be a list of strings"},
		"src not strs":  {"env \"x\" {\n  src = [\"ent://a\", 3 > 4]\n}\n", "atlas.hcl:2,3-27: src must be a string or a list of strings"},
		"src empty":     {"env \"x\" {\n  src = []\n}\n", "atlas.hcl:2,3-11: src is an empty list"},
		"var no type":   {"variable \"v\" {\n  default = \"a\"\n}\nenv \"x\" {\n  url = var.v\n}\n", `atlas.hcl:1,1-13: variable "v" has no type (string, number, bool, list(string), …)`},
		"var bad type":  {"variable \"v\" {\n  type = \"string\"\n  default = \"a\"\n}\nenv \"x\" {\n  url = var.v\n}\n", `atlas.hcl:2,3-18: variable "v": invalid type: want string, number, bool, list(T), set(T), map(T), tuple([…]) or object({…})`},
		"var convert":   {"variable \"v\" {\n  type = number\n  default = \"a\"\n}\nenv \"x\" {\n  url = var.v\n}\n", `atlas.hcl:3,3-16: variable "v" default: want number: a number is required`},
		"var uses var":  {"variable \"v\" {\n  type = string\n  default = var.w\n}\nenv \"x\" {\n  url = var.v\n}\n", `atlas.hcl:3,13-16: Unknown variable: There is no variable named "var".`},
		"var argument":  {"variable \"v\" {\n  type = string\n  sensitive = true\n}\nenv \"x\" {\n  url = var.v\n}\n", `atlas.hcl:3,3-19: variable "v": unsupported argument "sensitive" (want type, default, description)`},
		"lint error":    {"lint {\n  destructive {\n    error = \"yes\"\n  }\n}\n", `atlas.hcl:3,5-18: lint destructive: error must be true or false`},
		"lint latest":   {"env \"x\" {\n  lint {\n    latest = \"x\"\n  }\n}\n", `atlas.hcl:3,14-17: Unsuitable value type: Unsuitable value: a number is required`},
		"atlas.other":   {"env \"x\" {\n  url = atlas.token\n}\n", `atlas.hcl:2,14-20: Unsupported attribute: This object does not have an attribute named "token".`},
		"multi env err": {"env \"x\" {\n  url = var.a\n  dev = var.b\n}\n", `atlas.hcl:2,9-12: Unknown variable: There is no variable named "var".`},
	} {
		t.Run(name, func(t *testing.T) {
			err := loadErr(t, tt.body)
			if name == "file missing" {
				require.ErrorContains(t, err, tt.want)
				require.ErrorContains(t, err, "x.sql: no such file or directory.")
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
}

// --var values that do not fit the variable's type name the flag.
func TestVarErrors(t *testing.T) {
	project(t, "atlas.hcl", "variable \"n\" {\n  type = number\n  default = 1\n}\nvariable \"s\" {\n  type = string\n}\nenv \"x\" {\n  url = \"${var.n}${var.s}\"\n}\n")
	_, err := loadOpts(t, Options{Env: "x", Vars: map[string][]string{"n": {"abc"}, "s": {"a"}}})
	require.EqualError(t, err, `atlas.hcl:1,1-13: variable "n": --var n=abc: want number: a number is required`)
	_, err = loadOpts(t, Options{Env: "x", Vars: map[string][]string{"s": {"a", "b"}}})
	require.EqualError(t, err, `atlas.hcl:5,1-13: variable "s": --var s=a,b: want string: string required, but have list of string`)
	_, err = loadOpts(t, Options{Env: "x"})
	require.EqualError(t, err, `atlas.hcl:5,1-13: variable "s" has no default and no --var s=... was given`)
	// A --var for a variable the file does not declare is ignored, as in Atlas.
	env, err := loadOpts(t, Options{Env: "x", Vars: map[string][]string{"s": {"a"}, "other": {"b"}}})
	require.NoError(t, err)
	require.Equal(t, "1a", env.URL)
}
