-- Conflicts with other sessions, driven with dblink: the blocker report, and
-- on_lock_conflict = poll succeeding without ever making the application
-- queue behind the DDL.  (The isolation test lock_conflicts covers the rest.)
CREATE EXTENSION dblink;
SET migration_guard.max_blocker_age = 0;
SET migration_guard.mode = off;
CREATE TABLE queue_me (id int);
INSERT INTO queue_me SELECT generate_series(1, 100);
-- Reads the table only after half a second, so that its lock request comes
-- while the DDL is waiting; returns when it got its rows.
CREATE FUNCTION late_count() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_sleep(0.5);
  PERFORM count(*) FROM queue_me;
  RETURN clock_timestamp();
END $$;
SET migration_guard.mode = warn;
SELECT 'host=' || split_part(current_setting('unix_socket_directories'), ',', 1)
       || ' port=' || current_setting('port') || ' dbname=' || current_database() AS conninfo \gset
SELECT dblink_connect('holder', :'conninfo');
SELECT dblink_connect('app', :'conninfo');

-- A transaction in another session has read the table and stays open.
SELECT dblink_exec('holder', 'BEGIN');
SELECT * FROM dblink('holder', 'SELECT count(*) FROM queue_me') AS t(n bigint);

-- fail: an error at once, with the blockers (pid and age masked here).
SET migration_guard.on_lock_conflict = fail;
DO $$
DECLARE
  msg text;
  detail text;
  state text;
BEGIN
  ALTER TABLE queue_me ADD COLUMN x int;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, state = RETURNED_SQLSTATE;
  RAISE NOTICE 'SQLSTATE %: %', state, msg;
  RAISE NOTICE '%', regexp_replace(regexp_replace(detail, 'pid \d+', 'pid N', 'g'),
                                   'open for [0-9.]+ s', 'open for N s', 'g');
END $$;
-- warn: the same report as a WARNING (shown tersely: its DETAIL has the pid).
SET migration_guard.on_lock_conflict = warn;
SET lock_timeout = '500ms';
\set VERBOSITY terse
ALTER TABLE queue_me ADD COLUMN x int;
\set VERBOSITY default
RESET lock_timeout;
SELECT dblink_exec('holder', 'COMMIT');

-- poll: the holder keeps its lock for 1.5 s (one statement in autocommit); the application reads the table
-- 0.5 s after the DDL started waiting; the DDL succeeds when the holder commits.
SET migration_guard.on_lock_conflict = poll;
SET migration_guard.lock_wait_max = '20s';
SELECT dblink_send_query('holder', 'SELECT pg_sleep(1.5) FROM (SELECT count(*) FROM queue_me) AS x');
SELECT pg_sleep(0.2);
SELECT dblink_send_query('app', 'SELECT late_count()');
ALTER TABLE queue_me ADD COLUMN polled int;
SELECT clock_timestamp() AS ddl_done \gset
SELECT app_done < :'ddl_done'::timestamptz AS app_was_not_blocked
  FROM dblink_get_result('app') AS t(app_done timestamptz);
SELECT * FROM dblink_get_result('app') AS t(app_done timestamptz);
SELECT * FROM dblink_get_result('holder') AS t(r text);
SELECT * FROM dblink_get_result('holder') AS t(r text);

-- The same with wait: the application's read queues behind the waiting DDL.
SET migration_guard.on_lock_conflict = wait;
SELECT dblink_send_query('holder', 'SELECT pg_sleep(1.5) FROM (SELECT count(*) FROM queue_me) AS x');
SELECT pg_sleep(0.2);
SELECT dblink_send_query('app', 'SELECT late_count()');
ALTER TABLE queue_me ADD COLUMN waited int;
SELECT clock_timestamp() AS ddl_done \gset
SELECT app_done >= :'ddl_done'::timestamptz - interval '100 ms' AS app_waited_for_the_ddl
  FROM dblink_get_result('app') AS t(app_done timestamptz);
SELECT * FROM dblink_get_result('app') AS t(app_done timestamptz);
SELECT * FROM dblink_get_result('holder') AS t(r text);
SELECT * FROM dblink_get_result('holder') AS t(r text);

-- Recording a dropped view's definition never makes the DROP wait: with a
-- table the view reads locked by another session, the DROP goes on at once
-- and the view is recorded without its definition.
SET migration_guard.mode = warn;
RESET migration_guard.on_lock_conflict;
CREATE TABLE view_src (id int);
CREATE VIEW view_on_src AS SELECT id FROM view_src;
SELECT dblink_exec('holder', 'BEGIN');
SELECT dblink_exec('holder', 'LOCK TABLE view_src IN ACCESS EXCLUSIVE MODE');
SET statement_timeout = '5s';
DROP VIEW view_on_src;
RESET statement_timeout;
SELECT dblink_exec('holder', 'COMMIT');
SELECT reversible, rollback_sql, irreversible_reason
  FROM migration_guard.history WHERE command = 'DROP VIEW' ORDER BY id DESC LIMIT 1;
-- Without the other session, the definition is recorded: replayed, it gives
-- the view back as it was (its query is shown as <query>: pg_get_viewdef's
-- spelling changes between versions).
CREATE VIEW view_on_src AS SELECT id FROM view_src;
SELECT pg_get_viewdef('view_on_src'::regclass) AS viewdef_before \gset
DROP VIEW view_on_src;
SELECT reversible, regexp_replace(rollback_sql, '(\n [^\n]*)+;', E'\n <query>;', 'g') AS rollback_sql
  FROM migration_guard.history WHERE command = 'DROP VIEW' ORDER BY id DESC LIMIT 1;
SELECT rollback_sql AS view_undo
  FROM migration_guard.history WHERE command = 'DROP VIEW' ORDER BY id DESC LIMIT 1 \gset
:view_undo
SELECT pg_get_viewdef('view_on_src'::regclass) = :'viewdef_before' AS same_view;
DROP VIEW view_on_src;
DROP TABLE view_src;

-- A lock timeout is explained with who held the lock -- unless the
-- statement locks a relation the role may not see (issue 14.6): CREATE OR
-- REPLACE VIEW locks what its query names, here a table the role holds no
-- privilege on, which another session holds; the server's own error only.
CREATE ROLE regress_mg_viewer;
GRANT CREATE ON SCHEMA public TO regress_mg_viewer;
CREATE TABLE view_secret (id int);
CREATE TABLE view_open (id int);
GRANT SELECT ON view_open TO regress_mg_viewer;
SET ROLE regress_mg_viewer;
CREATE VIEW viewer_v AS SELECT 1 AS x;
RESET ROLE;
SELECT dblink_exec('holder', 'BEGIN');
SELECT dblink_exec('holder', 'LOCK TABLE view_secret, view_open IN ACCESS EXCLUSIVE MODE');
SET migration_guard.lock_timeout = '300ms';
SET ROLE regress_mg_viewer;
\set VERBOSITY terse
CREATE OR REPLACE VIEW viewer_v AS SELECT count(*) AS x FROM view_secret;
CREATE OR REPLACE VIEW viewer_v AS SELECT count(*) AS x FROM view_open;
\set VERBOSITY default
-- Its DETAIL tells of another role's session only what pg_stat_activity
-- tells this role: no state, no transaction age, no query.
\set VERBOSITY terse
DO $$
DECLARE
  detail text;
BEGIN
  CREATE OR REPLACE VIEW viewer_v AS SELECT count(*) AS x FROM view_open;
EXCEPTION WHEN lock_not_available THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RAISE NOTICE '%', regexp_replace(detail, 'pid \d+', 'pid N', 'g');
END $$;
\set VERBOSITY default
RESET ROLE;
RESET migration_guard.lock_timeout;
SELECT dblink_exec('holder', 'COMMIT');
DROP VIEW viewer_v;
DROP TABLE view_secret, view_open;
REVOKE CREATE ON SCHEMA public FROM regress_mg_viewer;
DROP ROLE regress_mg_viewer;

SELECT dblink_disconnect('holder');
SELECT dblink_disconnect('app');
CALL quietly('DROP TABLE queue_me');
DROP FUNCTION late_count();
DROP EXTENSION dblink;
RESET ALL;
