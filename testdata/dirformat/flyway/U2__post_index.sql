-- Flyway Teams' undo: not a migration; run as one, it fails.
DROP INDEX post_user_id_title_missing;
