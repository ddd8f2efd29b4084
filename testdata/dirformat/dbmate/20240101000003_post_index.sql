-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY post_user_id_title ON posts (user_id, title);

-- migrate:down
DROP INDEX CONCURRENTLY post_user_id_title;
