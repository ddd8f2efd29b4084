CREATE OR REPLACE FUNCTION user_post_count(uid bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM posts WHERE user_id = uid;
$$;
