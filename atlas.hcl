// The project file, in Atlas's own syntax: schemactl and the Atlas CLI both
// read it. schemactl runs docker://postgres/... dev URLs on its embedded dev
// database (no Docker needed); the Atlas CLI starts the container.
env "local" {
  src = "ent://ent/schema"
  dev = "docker://postgres/15/dev?search_path=public"
  migration {
    dir = "file://migrations"
  }
}

// The review of the migration files a branch adds (since it left main),
// for every env and for `schemactl migrate lint` with no flags: `make lint`
// runs what CI runs. CI names its base itself (--git-base origin/<base>).
// In a clone without a local main (a shallow clone, a clone of another
// branch), schemactl says so in a note and reviews nothing; --git-base REF
// with a REF that does not exist is an error.
lint {
  git {
    base = "main"
  }
}
