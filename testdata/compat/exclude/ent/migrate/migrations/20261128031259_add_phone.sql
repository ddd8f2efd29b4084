-- Modify "users" table
ALTER TABLE "users" ADD COLUMN "phone" character varying NULL;
