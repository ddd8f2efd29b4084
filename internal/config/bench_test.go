package config

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad loads a project file of the shape real ones have (locals,
// variables calling getenv, a docker block with a file() baseline, three
// envs, lint and diff blocks): every command pays it once.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	body := `
variable "url" {
  type    = string
  default = getenv("DATABASE_URL")
}
locals {
  dir     = "file://migrations"
  exclude = ["locks[type=table]", "backup_*[type=table]"]
}
docker "postgres" "dev" {
  image    = "postgres:16"
  schema   = "public"
  baseline = file("baseline.sql")
}
lint {
  destructive {
    error = true
  }
}
diff {
  skip {
    drop_schema = true
  }
}
env "local" {
  src = "ent://ent/schema"
  url = var.url
  dev = docker.postgres.dev.url
  migration {
    dir     = local.dir
    format  = atlas
    exclude = local.exclude
  }
}
env "ci" {
  src = "ent://ent/schema"
  dev = "postgres://ci/dev"
}
env "prod" {
  url = var.url
}
`
	if err := os.WriteFile(filepath.Join(dir, "atlas.hcl"), []byte(body), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "baseline.sql"), []byte("CREATE EXTENSION citext;\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "atlas.hcl")
	for b.Loop() {
		if _, err := Load(path, Options{Env: "local"}); err != nil {
			b.Fatal(err)
		}
	}
}
