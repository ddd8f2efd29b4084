-- Modify "sensors" table
ALTER TABLE "sensors" ADD COLUMN "gain" smallint NOT NULL DEFAULT 0;
