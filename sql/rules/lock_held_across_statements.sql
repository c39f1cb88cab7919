-- lock_held_across_statements: a long statement runs while an earlier
-- statement's strong lock is still held.  At execution time: a statement
-- that touches many rows in a transaction whose DDL holds a strong lock on a
-- large table (an UPDATE or DELETE of every row is also unbatched_backfill's);
-- then in a reviewed script.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE accounts (id int PRIMARY KEY, plan text);
INSERT INTO accounts SELECT g, 'free' FROM generate_series(1, 5000) g;
CREATE TABLE events (id int, account_id int);
INSERT INTO events SELECT g, g FROM generate_series(1, 5000) g;
CREATE TABLE tiny (id int);
INSERT INTO tiny VALUES (1), (2);
ANALYZE accounts, events, tiny;
SET migration_guard.mode = warn;

-- The classic: DDL, then the backfill of every row, in one transaction.
BEGIN;
ALTER TABLE accounts ADD COLUMN tier text;
UPDATE accounts SET tier = 'basic';
-- A batch with a WHERE clause touching few rows: nothing to say.
UPDATE accounts SET tier = 'gold' WHERE id < 10;
-- A long statement on another large table keeps the lock on accounts too:
-- the warning about that lock was given (on the UPDATE), not again.
INSERT INTO events SELECT g + 5000, g FROM generate_series(1, 3000) g;
CREATE INDEX events_account_idx ON events (account_id);
ROLLBACK;

-- A table or materialized view made from a query reads it in full (through
-- the views it names) while the lock is held; WITH NO DATA reads nothing.
CREATE VIEW busy_events AS SELECT * FROM events WHERE id > 0;
BEGIN;
ALTER TABLE accounts ADD COLUMN tier text;
CREATE TABLE events_copy AS SELECT * FROM busy_events;
CREATE MATERIALIZED VIEW events_mv AS SELECT account_id, count(*) FROM busy_events GROUP BY 1;
REFRESH MATERIALIZED VIEW events_mv;
CREATE TABLE events_shape AS SELECT * FROM busy_events WITH NO DATA;
CREATE VIEW events_view AS SELECT * FROM events;
ROLLBACK;
DROP VIEW busy_events;

-- The same statements in their own transactions: silent.
ALTER TABLE accounts ADD COLUMN tier text;
UPDATE accounts SET tier = 'basic' WHERE id < 10;
BEGIN;
UPDATE accounts SET tier = 'basic';
COMMIT;

-- A transaction whose DDL locked only a small table: silent.
BEGIN;
ALTER TABLE tiny ADD COLUMN note text;
UPDATE accounts SET tier = 'x';
ROLLBACK;

-- Plain application transactions are never inspected.
BEGIN;
UPDATE accounts SET tier = 'y';
DELETE FROM events WHERE id > 4000;
ROLLBACK;

-- EXPLAIN does not execute: silent.
BEGIN;
ALTER TABLE events ADD COLUMN kind text;
EXPLAIN (COSTS OFF) UPDATE events SET kind = 'k';
DELETE FROM events;
ROLLBACK;

-- In a reviewed script: a strong lock taken early in a transaction is held
-- through the long statements that follow; committing first is clean.
SET migration_guard.mode = warn;
SELECT stmt_no, rule, severity, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE tiny ADD COLUMN flag boolean;
    ALTER TABLE accounts ADD COLUMN vip boolean;
    CREATE INDEX CONCURRENTLY events_id_idx ON events (id);
    CREATE INDEX events_account_idx ON events (account_id);
    CREATE TABLE events_copy AS SELECT * FROM events;
    CREATE MATERIALIZED VIEW events_mv AS SELECT * FROM events WITH NO DATA;
    REFRESH MATERIALIZED VIEW events_mv;
    SELECT * INTO events_copy2 FROM events;
    CREATE VIEW events_view AS SELECT * FROM events;
    COMMIT;
  $$);
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN vip boolean;
    COMMIT;
    BEGIN;
    CREATE INDEX events_account_idx ON events (account_id);
    COMMIT;
  $$);

-- Once per lock and transaction: the first long statement after the lock was
-- taken is flagged, the later ones are not (the DML of every row included,
-- which unbatched_backfill still flags for what it does itself).
BEGIN;
ALTER TABLE accounts ADD COLUMN rank int;
INSERT INTO events SELECT g + 5000, g FROM generate_series(1, 3000) g;
CREATE INDEX events_account_idx ON events (account_id);
UPDATE accounts SET rank = 1;
ROLLBACK;
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN vip boolean;
    UPDATE accounts SET vip = false;
    CREATE INDEX events_account_idx ON events (account_id);
    DELETE FROM events;
    COMMIT;
  $$);
-- In review(), an INSERT ... SELECT that copies a whole large table is long
-- (as many rows as the table has); one that copies a small table, or a
-- filtered part (its size is the planner's to say), is not judged.
SELECT stmt_no, rule
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE accounts ADD COLUMN vip boolean;
    INSERT INTO events SELECT * FROM tiny;
    INSERT INTO events SELECT id, id FROM events WHERE id < 10;
    INSERT INTO events SELECT * FROM events;
    COMMIT;
  $$);

-- A DO block (or a procedure, or a function) is one transaction, even
-- outside BEGIN: the lock its DDL takes is held while the rest of it runs.
\set VERBOSITY terse
DO $$
BEGIN
  ALTER TABLE accounts ADD COLUMN region text;
  UPDATE accounts SET region = 'eu';
  RAISE EXCEPTION 'undo' USING ERRCODE = 'MGXXX';
EXCEPTION WHEN SQLSTATE 'MGXXX' THEN NULL;
END $$;
\set VERBOSITY default

CALL quietly('DROP TABLE accounts, events, tiny');
RESET ALL;
