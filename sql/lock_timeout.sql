-- A statement that gives up on a lock timeout names who was in the way, in
-- the error itself: when migration_guard.lock_timeout applied the timeout, or
-- under on_lock_conflict = fail or poll.  Another session, driven with
-- dblink, holds a lock on the table.
CREATE EXTENSION IF NOT EXISTS dblink;
-- The session has no lock_timeout of its own (setup gives the database one).
SET lock_timeout = 0;
SET migration_guard.mode = off;
CREATE TABLE contended AS SELECT generate_series(1, 100) AS id;
ANALYZE contended;
RESET migration_guard.mode;
SELECT 'host=' || split_part(current_setting('unix_socket_directories'), ',', 1)
       || ' port=' || current_setting('port') || ' dbname=' || current_database()
       || ' application_name=regress-holder' AS conninfo \gset
SELECT dblink_connect('holder', :'conninfo');
SELECT dblink_exec('holder', 'BEGIN');
SELECT * FROM dblink('holder', 'SELECT count(*) FROM contended') AS t(n bigint);

SELECT coalesce(max(id), 0) AS first_finding FROM migration_guard.findings \gset

-- Runs a statement, and shows its error with pids and ages masked.
CREATE FUNCTION show_error(sql text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  msg text;
  detail text;
  hint text;
  state text;
BEGIN
  EXECUTE sql;
  RAISE NOTICE 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                          hint = PG_EXCEPTION_HINT, state = RETURNED_SQLSTATE;
  RAISE NOTICE E'SQLSTATE %\nmessage: %\ndetail: %\nhint: %', state,
    regexp_replace(regexp_replace(msg, 'pid \d+', 'pid N', 'g'), 'open for [0-9.]+ s', 'open for N s', 'g'),
    regexp_replace(regexp_replace(detail, 'pid \d+', 'pid N', 'g'), 'open for [0-9.]+ s', 'open for N s', 'g'),
    hint;
END $$;

-- migration_guard.lock_timeout applied: the error names the holder.
SET migration_guard.on_lock_conflict = wait;
SET migration_guard.lock_timeout = '200ms';
SELECT show_error('ALTER TABLE contended ADD COLUMN a int');
-- The same with error_format = inline: the blockers in the message too.
SET migration_guard.error_format = inline;
SELECT show_error('ALTER TABLE contended ADD COLUMN a int');
RESET migration_guard.error_format;
RESET migration_guard.lock_timeout;
-- The same on a plain psql connection: the whole report.
SET migration_guard.lock_timeout = '200ms';
\set VERBOSITY terse
ALTER TABLE contended ADD COLUMN a int;
\set VERBOSITY default
RESET migration_guard.lock_timeout;

-- on_lock_conflict = fail: the holder's transaction is younger than
-- max_blocker_age, so the statement waits; the session's own lock_timeout
-- ends it, and the error names the holder.
SET migration_guard.on_lock_conflict = fail;
SET migration_guard.max_blocker_age = '1h';
SET lock_timeout = '200ms';
SELECT show_error('ALTER TABLE contended ADD COLUMN b int');

-- on_lock_conflict = wait with the session's own lock_timeout: the server's
-- error, as it is.
SET migration_guard.on_lock_conflict = wait;
SELECT show_error('ALTER TABLE contended ADD COLUMN c int');
SET lock_timeout = 0;
RESET migration_guard.max_blocker_age;
-- on_lock_conflict = fail, the holder old enough: rejected before queueing;
-- warn: a warning.
SET migration_guard.on_lock_conflict = fail;
SET migration_guard.max_blocker_age = 0;
SELECT show_error('ALTER TABLE contended ADD COLUMN e int');
SET migration_guard.on_lock_conflict = warn;
SET lock_timeout = '200ms';
SET client_min_messages = error;  -- the warning names a pid: seen in the store below
SELECT show_error('ALTER TABLE contended ADD COLUMN f int');
RESET client_min_messages;
SET lock_timeout = 0;
RESET migration_guard.max_blocker_age;
RESET migration_guard.on_lock_conflict;

-- Each conflict and each explained lock timeout is kept in the findings
-- store like a rule's finding, the rejections too.
SELECT rule, relation, severity, decision,
       regexp_replace(message, '\d+ ms', 'N ms') AS message
  FROM migration_guard.findings
 WHERE id > :first_finding AND rule IN ('on_lock_conflict', 'lock_timeout')
 ORDER BY id;

-- Without another session in the way, nothing changes.
SELECT dblink_exec('holder', 'COMMIT');
SET migration_guard.lock_timeout = '200ms';
SELECT show_error('ALTER TABLE contended ADD COLUMN d int');
RESET migration_guard.lock_timeout;

SELECT dblink_disconnect('holder');
SET migration_guard.mode = off;
DROP TABLE contended;
DROP FUNCTION show_error(text);
RESET ALL;
