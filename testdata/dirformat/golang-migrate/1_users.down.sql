DROP TABLE users;
DROP TYPE userstatus;
