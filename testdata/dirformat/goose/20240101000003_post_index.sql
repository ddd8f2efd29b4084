-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY post_user_id_title ON posts (user_id, title);

-- +goose Down
DROP INDEX CONCURRENTLY post_user_id_title;
