-- A staging table for a one-off import, created by hand.
CREATE TABLE "tmp_import_2023" ("line" bigint NOT NULL, "payload" jsonb NOT NULL, PRIMARY KEY ("line"));
