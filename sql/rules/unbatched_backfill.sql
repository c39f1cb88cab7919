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

CALL quietly('DROP TABLE accounts, tiny');
RESET ALL;
