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

-- review() follows the script as a sequence: a column renamed earlier is
-- found under its new name (its type, its values), and not under its old
-- one; a column added by the script and renamed stays the script's own.
SET migration_guard.mode = warn;
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    ALTER TABLE orders RENAME COLUMN remark TO comment;
    ALTER TABLE orders ALTER COLUMN comment TYPE varchar(10);
    ALTER TABLE orders ALTER COLUMN comment SET NOT NULL;
    ALTER TABLE orders DROP COLUMN remark;
    ALTER TABLE orders RENAME COLUMN comment TO memo;
    ALTER TABLE orders DROP COLUMN memo;
    ALTER TABLE orders ADD COLUMN draft int;
    ALTER TABLE orders RENAME COLUMN draft TO draft2;
    ALTER TABLE orders DROP COLUMN draft2;
  $$);

CALL quietly('DROP TABLE orders, scratch');
RESET ALL;
