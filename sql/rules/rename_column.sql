-- rename_column: RENAME COLUMN breaks the running application version (a
-- warning: the statement runs); silent for a table nobody else sees.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
ANALYZE orders;
SET migration_guard.mode = enforce;

ALTER TABLE orders RENAME COLUMN note TO remark;
BEGIN;
CREATE TABLE scratch (a int);
ALTER TABLE scratch RENAME COLUMN a TO b;
COMMIT;

CALL quietly('DROP TABLE orders, scratch');
RESET ALL;
