-- everything up to 2, in one file
CREATE TABLE a (id int);
CREATE TABLE b (id int);
