-- The name the server will give a constraint the statement does not name
-- comes from the server's own functions (glue/constraint_names.cpp), and the
-- key columns reach the core as names, not as SQL to parse again: a name
-- taken already gets the server's suffix, a quoted column keeps its case.
CREATE TABLE cn (a int, "B c" int, r int);
INSERT INTO cn SELECT g, g, g FROM generate_series(1, 1000) g;
CREATE TABLE cn_ref (id int PRIMARY KEY);
INSERT INTO cn_ref SELECT generate_series(1, 1000);
ANALYZE cn, cn_ref;
-- cn_a_key is taken (by an index on another column): the server picks cn_a_key1.
CREATE INDEX cn_a_key ON cn (r);
SET migration_guard.large_table_rows = 100;
SELECT stmt_no, rule, hint ~ 'cn_a_key1' AS server_name, hint ~ 'cn_a_key ' AS taken_name
  FROM migration_guard.review('ALTER TABLE cn ADD UNIQUE (a)')
 WHERE rule = 'unique_constraint_builds_index';
SELECT stmt_no, rule, hint ~ '"cn_B c_key"' AS quoted_column
  FROM migration_guard.review('ALTER TABLE cn ADD UNIQUE ("B c")')
 WHERE rule = 'unique_constraint_builds_index';
-- A FOREIGN KEY: <table>_<columns>_fkey, the server's choice too.
SELECT stmt_no, rule, hint ~ 'cn_r_fkey' AS server_name
  FROM migration_guard.review('ALTER TABLE cn ADD FOREIGN KEY (r) REFERENCES cn_ref (id)')
 WHERE rule = 'constraint_without_not_valid';
RESET migration_guard.large_table_rows;
SET client_min_messages = error;
DROP TABLE cn, cn_ref;
RESET client_min_messages;
