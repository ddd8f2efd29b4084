DROP INDEX post_user_id_title;
