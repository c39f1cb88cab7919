-- drop_column: DROP COLUMN on a table that has rows destroys the column's
-- values, even on a small table; an empty one is silent, and so is a column
-- the same transaction (or, in review(), the same script) added: its values
-- are the migration's own.
SET migration_guard.mode = off;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
CREATE TABLE empty (id int, note text);
ANALYZE small, empty;
SET migration_guard.mode = enforce;

ALTER TABLE small DROP COLUMN note;
ALTER TABLE empty DROP COLUMN note;

-- Added and dropped in one transaction: nothing anyone else wrote is lost
-- (a DEFAULT, a backfill and a SET DEFAULT in between included).
BEGIN;
ALTER TABLE small ADD COLUMN draft int DEFAULT 1;
UPDATE small SET draft = id;
ALTER TABLE small ALTER COLUMN draft SET DEFAULT 2;
ALTER TABLE small DROP COLUMN draft;
COMMIT;
-- In a function of its own transaction, the same.
DO $$ BEGIN
  ALTER TABLE small ADD COLUMN draft int;
  ALTER TABLE small DROP COLUMN draft;
END $$;
-- Added in an earlier transaction: the application may have written it.
SET migration_guard.mode = off;
ALTER TABLE small ADD COLUMN kept int DEFAULT 7;
SET migration_guard.mode = enforce;
ALTER TABLE small DROP COLUMN kept;
-- A column the transaction only changed (its pg_attribute row is new, the
-- column is not) is still flagged.
BEGIN;
ALTER TABLE small ALTER COLUMN kept SET DEFAULT 8;
ALTER TABLE small DROP COLUMN kept;
ROLLBACK;
-- Added in a subtransaction that was rolled back: that column is gone, and
-- the one added again after it is new.
BEGIN;
SAVEPOINT s;
ALTER TABLE small ADD COLUMN draft int;
ROLLBACK TO SAVEPOINT s;
ALTER TABLE small ADD COLUMN draft text;
ALTER TABLE small DROP COLUMN draft;
COMMIT;

-- A table the transaction created (with rows of its own): silent.
BEGIN;
CREATE TABLE staging AS SELECT g AS id, 'x' AS note FROM generate_series(1, 100) g;
ANALYZE staging;
ALTER TABLE staging DROP COLUMN note;
ROLLBACK;

-- review(): a column added earlier in the script is dropped silently; an
-- existing one is flagged.
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE small ADD COLUMN draft int DEFAULT 1;
    UPDATE small SET draft = id;
    ALTER TABLE small DROP COLUMN draft;
    ALTER TABLE small DROP COLUMN kept;
    COMMIT;
    CREATE TABLE staging AS SELECT g AS id, 'x' AS note FROM generate_series(1, 100) g;
    ALTER TABLE staging DROP COLUMN note;
  $$);

CALL quietly('DROP TABLE small, empty');
RESET ALL;
