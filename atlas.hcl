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
