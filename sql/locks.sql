-- Lock prevention: lock_timeout_missing, migration_guard.lock_timeout, and
-- the timeouts of a reviewed script.  (Conflicts with other sessions are in
-- the isolation tests.)
SET lock_timeout = 0;
SET statement_timeout = 0;
SET migration_guard.mode = off;
CREATE TABLE busy (id int PRIMARY KEY, note text);
INSERT INTO busy SELECT g, 'n' FROM generate_series(1, 50) g;
CREATE TABLE idle (id int);
SET migration_guard.mode = warn;

-- A lock that blocks reads or writes of a non-empty table, with no timeout.
ALTER TABLE busy ADD COLUMN a int;
CREATE INDEX busy_id_idx ON busy (id);
-- Silent: an empty table; a lock that blocks neither reads nor writes.
ALTER TABLE idle ADD COLUMN a int;
CREATE INDEX CONCURRENTLY busy_note_idx ON busy (note);
COMMENT ON TABLE busy IS 'busy';
-- CREATE TABLE is judged when it locks another table: a foreign key takes
-- SHARE ROW EXCLUSIVE on the referenced one (flagged); a plain CREATE TABLE
-- locks nothing anyone waits for (silent).
CREATE TABLE busy_child (id int, busy_id int REFERENCES busy);
CREATE TABLE busy_child2 (id int, busy_id int, FOREIGN KEY (busy_id) REFERENCES busy);
CREATE TABLE lonely (id int, note text);
-- Silent: a lock_timeout, or a statement_timeout, bounds the wait.
SET lock_timeout = '5s';
ALTER TABLE busy ADD COLUMN b int;
SET lock_timeout = 0;
SET statement_timeout = '1min';
ALTER TABLE busy ADD COLUMN c int;
SET statement_timeout = 0;

-- migration_guard.lock_timeout applies one when the session has none, says
-- so, and restores the session's afterwards, also when the statement fails.
SET migration_guard.lock_timeout = '3s';
ALTER TABLE busy ADD COLUMN d int;
SHOW lock_timeout;
ALTER TABLE busy ADD COLUMN d int;
SHOW lock_timeout;
-- The session's own timeout wins.
SET lock_timeout = '10s';
ALTER TABLE busy ADD COLUMN e int;
SHOW lock_timeout;
SET lock_timeout = 0;
-- Not for statements that block nothing, nor for empty tables.
CREATE INDEX CONCURRENTLY busy_note2_idx ON busy (note);
ALTER TABLE idle ADD COLUMN b int;
RESET migration_guard.lock_timeout;
-- Inside an explicit transaction the timeout is restored at the end of the statement.
BEGIN;
SET LOCAL migration_guard.lock_timeout = '2s';
ALTER TABLE busy ADD COLUMN f int;
SHOW lock_timeout;
COMMIT;

-- In a reviewed script, SET lock_timeout counts from where it is set (RESET
-- goes back to the session's default: here 0, set for the database below).
ALTER DATABASE :"DBNAME" SET lock_timeout = 0;
\c
SET migration_guard.mode = warn;
SELECT stmt_no, rule FROM migration_guard.review($$
  ALTER TABLE busy ADD COLUMN g int;
  SET lock_timeout = '5s';
  ALTER TABLE busy ADD COLUMN g int;
  RESET lock_timeout;
  ALTER TABLE busy ADD COLUMN h int;
  BEGIN;
  SET LOCAL lock_timeout = 2000;
  ALTER TABLE busy ADD COLUMN i int;
  COMMIT;
  ALTER TABLE busy ADD COLUMN j int;
$$);

ALTER DATABASE :"DBNAME" SET lock_timeout = '1min';

-- The settings and their validation.
SELECT name, setting, unit FROM pg_settings
 WHERE name IN ('migration_guard.lock_timeout', 'migration_guard.on_lock_conflict',
                'migration_guard.lock_wait_max', 'migration_guard.max_blocker_age')
 ORDER BY name;
SET migration_guard.on_lock_conflict = 'sometimes';
-- Out of range: the server's message prints the units since PostgreSQL 18;
-- the SQLSTATE is the same everywhere.
\set VERBOSITY sqlstate
SET migration_guard.lock_timeout = '-1s';
\set VERBOSITY default
SET migration_guard.max_blocker_age = 'old';

CALL quietly('DROP TABLE busy_child, busy_child2, lonely, busy, idle');
RESET ALL;
