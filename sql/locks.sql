-- Lock prevention: migration_guard.lock_timeout, and the timeouts of a
-- reviewed script.  (The rule lock_timeout_missing is in
-- rules/lock_timeout_missing; conflicts with other sessions are in the
-- isolation tests.)
SET lock_timeout = 0;
SET statement_timeout = 0;
SET migration_guard.mode = off;
CREATE TABLE busy (id int PRIMARY KEY, note text);
INSERT INTO busy SELECT g, 'n' FROM generate_series(1, 50) g;
CREATE TABLE idle (id int);
SET migration_guard.mode = warn;

-- migration_guard.lock_timeout applies one when the session has none, says
-- so, and restores the session's afterwards, also when the statement fails.
SET migration_guard.lock_timeout = '3s';
ALTER TABLE busy ADD COLUMN d int;
SHOW lock_timeout;
ALTER TABLE busy ADD COLUMN d int;
SHOW lock_timeout;
-- The session's own timeout wins when it is shorter; a longer one gets
-- migration_guard.lock_timeout for the statement (issue 14.8).
SET lock_timeout = '1s';
ALTER TABLE busy ADD COLUMN e int;
SHOW lock_timeout;
SET lock_timeout = '10s';
ALTER TABLE busy ADD COLUMN e2 int;
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

CALL quietly('DROP TABLE busy, idle');
RESET ALL;
