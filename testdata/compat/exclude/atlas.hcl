// Ent's migrate never drops what the schema no longer declares: the team
// accepts these leftovers instead of dropping them.
env "local" {
  src = "ent://ent/schema"
  migration {
    dir = "file://ent/migrate/migrations"
  }
  exclude = [
    "legacy_audits[type=table]", // replaced by the audit service
    "users.fax",                 // its index user_fax goes with it
    "tmp_*",                     // hand-made staging tables
  ]
}
