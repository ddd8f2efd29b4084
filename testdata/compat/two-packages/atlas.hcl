// The desired state is composed of both schema packages.
env "local" {
  src = ["ent://ent/schema", "ent://ent/history/schema"]
  migration {
    dir = "file://ent/migrate/migrations"
  }
}
