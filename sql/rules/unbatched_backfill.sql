-- unbatched_backfill: at execution time, an UPDATE or DELETE of every row of a
-- large table in a transaction that did DDL (a warning: the statement runs;
-- the lock the DDL holds meanwhile is lock_held_across_statements').
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE accounts (id int PRIMARY KEY, plan text);
INSERT INTO accounts SELECT g, 'free' FROM generate_series(1, 5000) g;
CREATE TABLE tiny (id int);
INSERT INTO tiny VALUES (1), (2);
ANALYZE accounts, tiny;
SET migration_guard.mode = warn;

-- The classic: DDL, then the backfill of every row, in one transaction.
BEGIN;
ALTER TABLE accounts ADD COLUMN tier text;
UPDATE accounts SET tier = 'basic';
-- A batch with a WHERE clause touching few rows: nothing to say.
UPDATE accounts SET tier = 'gold' WHERE id < 10;
ROLLBACK;
-- A DELETE of every row: the recipe deletes in batches.
BEGIN;
ALTER TABLE accounts ADD COLUMN tier text;
DELETE FROM accounts;
ROLLBACK;
-- The backfill in a transaction of its own: silent.
ALTER TABLE accounts ADD COLUMN tier text;
BEGIN;
UPDATE accounts SET tier = 'basic';
COMMIT;
-- A small table: silent.
BEGIN;
ALTER TABLE tiny ADD COLUMN note text;
UPDATE tiny SET note = 'x';
ROLLBACK;

-- review() follows the script: the UPDATE or DELETE of every row after DDL in
-- the same transaction is flagged (with the lock its DDL holds); a batch with
-- a WHERE clause, the backfill after COMMIT, a small table, and a table the
-- script created are silent.  Other INSERTs than a copy of a whole table are
-- judged at run time only, by their plan (the review cannot plan a query on
-- columns the script has not added yet).
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN tier text;
    UPDATE accounts SET tier = 'basic';
    UPDATE accounts SET tier = 'gold' WHERE id < 10;
    DELETE FROM accounts;
    INSERT INTO accounts SELECT g + 10000, 'free' FROM generate_series(1, 5000) g;
    COMMIT;
    UPDATE accounts SET tier = 'basic';
    BEGIN;
    ALTER TABLE tiny ADD COLUMN note text;
    UPDATE tiny SET note = 'x';
    CREATE TABLE fresh (id int);
    UPDATE fresh SET id = 1;
    COMMIT;
  $$);
-- "WHERE col IS NULL" on a column the transaction added without a default
-- selects every row all the same: flagged, at run time and in review();
-- with a default, the rows are filled and the WHERE selects none (silent).
BEGIN;
ALTER TABLE accounts ADD COLUMN rank int;
UPDATE accounts SET rank = 0 WHERE rank IS NULL;
ROLLBACK;
BEGIN;
ALTER TABLE accounts ADD COLUMN rank int DEFAULT 1;
UPDATE accounts SET rank = 0 WHERE rank IS NULL;
ROLLBACK;
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN rank int;
    ALTER TABLE accounts ADD COLUMN level int DEFAULT 1;
    UPDATE accounts SET level = 0 WHERE level IS NULL;
    UPDATE accounts SET rank = 0 WHERE rank IS NULL AND true;
    COMMIT;
  $$);
-- The recommended migration commits the DDL before the backfill, and keeps
-- the backfill.
SELECT (migration_guard.report($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN tier text;
    UPDATE accounts SET tier = 'basic';
    COMMIT;
  $$, 'json')::jsonb)->>'recommended_sql' AS recommended;

CALL quietly('DROP TABLE accounts, tiny');
RESET ALL;
