-- Listing a user's posts by title.
CREATE INDEX post_user_id_title ON posts (user_id, title);
