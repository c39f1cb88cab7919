-- lock_timeout_missing: a lock that blocks reads or writes of a table in use,
-- requested with no lock_timeout (a warning: the statement runs).  At run
-- time it speaks only when the statement will really wait: another session
-- holds or queues for a conflicting lock (driven here with dblink), and then
-- it names them.  In review() it judges the risk, once per table and
-- transaction.  The other test files run with a lock_timeout set for the
-- database; this one clears it.
CREATE EXTENSION IF NOT EXISTS dblink;
SET lock_timeout = 0;
SET statement_timeout = 0;
SET migration_guard.max_blocker_age = 0;
SET migration_guard.mode = off;
CREATE TABLE busy (id int PRIMARY KEY, note text);
INSERT INTO busy SELECT g, 'n' FROM generate_series(1, 50) g;
CREATE TABLE one (id int);
INSERT INTO one VALUES (1);
CREATE TABLE idle (id int);
ANALYZE busy, one, idle;
CREATE VIEW busy_view AS SELECT id FROM busy;
-- Runs sql under enforce with the rule raised to an error: the rejection's
-- message and DETAIL, with the pid and the age of the sessions masked.
CREATE FUNCTION rejection(sql text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  msg text;
  detail text;
BEGIN
  SET LOCAL migration_guard.mode = enforce;
  SET LOCAL migration_guard.rules = 'lock_timeout_missing=error';
  EXECUTE sql;
  RETURN NEXT 'not rejected';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
  RETURN NEXT msg;
  RETURN QUERY SELECT regexp_replace(regexp_replace(line, 'pid \d+', 'pid N', 'g'),
                                     'open for [0-9.]+ s', 'open for N s', 'g')
                 FROM regexp_split_to_table(detail, E'\n') AS line;
END $$;
SET migration_guard.mode = warn;
SELECT 'host=' || split_part(current_setting('unix_socket_directories'), ',', 1)
       || ' port=' || current_setting('port') || ' dbname=' || current_database() AS conninfo \gset

-- Nobody in the way: the statement gets its lock at once, silent (on the
-- one-row table as on the table in use; the other rules still speak for
-- what the statement itself does).
ALTER TABLE busy ADD COLUMN a int;
ALTER TABLE one ADD COLUMN a int;
CREATE INDEX busy_id_idx ON busy (id);
CREATE TABLE busy_child (id int, busy_id int REFERENCES busy);

-- Another session holds a conflicting lock (ROW EXCLUSIVE: what any INSERT,
-- UPDATE or DELETE takes) and stays open: the statement would wait for it
-- without limit, and everyone behind it.  Flagged, the session named.
SELECT dblink_connect('holder', :'conninfo');
SELECT dblink_exec('holder', 'BEGIN');
SELECT dblink_exec('holder', 'LOCK TABLE busy, one IN ROW EXCLUSIVE MODE');
SELECT rejection('ALTER TABLE busy ADD COLUMN x int');
SELECT rejection('ALTER TABLE one ADD COLUMN x int');
SELECT rejection('CREATE INDEX busy_note_idx ON busy (note)');
-- CREATE TABLE is judged when it locks another table: a foreign key takes
-- SHARE ROW EXCLUSIVE on the referenced one.
SELECT rejection('CREATE TABLE busy_child2 (id int, busy_id int, FOREIGN KEY (busy_id) REFERENCES busy)');
-- CREATE POLICY, CREATE RULE (ACCESS EXCLUSIVE) and CREATE TRIGGER (SHARE ROW
-- EXCLUSIVE) queue for their table's lock like any ALTER TABLE.
SELECT rejection('CREATE POLICY busy_policy ON busy USING (true)');
SELECT rejection('CREATE RULE busy_rule AS ON DELETE TO busy DO INSTEAD NOTHING');
CREATE FUNCTION busy_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
SELECT rejection('CREATE TRIGGER busy_trigger BEFORE INSERT ON busy FOR EACH ROW EXECUTE FUNCTION busy_trg()');
-- CREATE OR REPLACE VIEW takes ACCESS EXCLUSIVE on the view it replaces,
-- which waits for the session reading it (a view holds no rows: one others
-- can see is in use).  A new view, or a table made from a query, takes only
-- ACCESS SHARE on what the query names, which waits for no reader or writer:
-- silent.
SELECT * FROM dblink('holder', 'SELECT count(*) FROM busy_view') AS t(n bigint);
SELECT rejection('CREATE OR REPLACE VIEW busy_view AS SELECT id, note FROM busy');
SELECT rejection('CREATE VIEW busy_view2 AS SELECT * FROM busy_view');
SELECT rejection('CREATE TABLE busy_copy AS SELECT * FROM busy_view');
SELECT rejection('CREATE MATERIALIZED VIEW busy_mv AS SELECT * FROM busy');
-- Silent with the same session in the way: a lock that blocks neither reads
-- nor writes (SHARE UPDATE EXCLUSIVE, as here or in CREATE INDEX
-- CONCURRENTLY); a table nobody else has locked.
SELECT rejection('ALTER TABLE busy SET (fillfactor = 90)');
SELECT rejection('ALTER TABLE idle ADD COLUMN x int');

-- In warn, the warning (its DETAIL names the session, so shown tersely here)
-- replaces on_lock_conflict's, and the statement waits: here until a
-- statement_timeout longer than migration_guard.lock_wait_max, which the rule
-- does not count as a bound, cancels it.
SET migration_guard.lock_wait_max = '100ms';
SET statement_timeout = '300ms';
\set VERBOSITY terse
ALTER TABLE busy ADD COLUMN y int;
-- Silent: a lock_timeout bounds the wait (on_lock_conflict = warn still names
-- the session), or a short statement_timeout (no longer than lock_wait_max).
SET statement_timeout = 0;
SET lock_timeout = '100ms';
ALTER TABLE busy ADD COLUMN b int;
SET lock_timeout = 0;
SET statement_timeout = '100ms';
ALTER TABLE busy ADD COLUMN c int;
SET statement_timeout = 0;
-- migration_guard.lock_timeout applies one (its error names the session).
SET migration_guard.lock_timeout = '100ms';
ALTER TABLE busy ADD COLUMN e int;
RESET migration_guard.lock_timeout;
-- on_lock_conflict = fail never queues: its error names the session.
SET migration_guard.on_lock_conflict = fail;
ALTER TABLE busy ADD COLUMN f int;
RESET migration_guard.on_lock_conflict;
\set VERBOSITY default
RESET migration_guard.lock_wait_max;
SELECT dblink_exec('holder', 'COMMIT');
SELECT dblink_disconnect('holder');

-- Nothing was added while the session was in the way.
SELECT string_agg(attname, ', ' ORDER BY attnum) AS busy_columns
  FROM pg_attribute WHERE attrelid = 'busy'::regclass AND attnum > 0 AND NOT attisdropped;

-- review() has no session to look at: it judges the risk, a table with rows
-- being in use.  Once per table and transaction: the SET before the first
-- statement covers the rest, and a lock the transaction holds is not waited
-- for again.  Silent on the empty table, and after a SET lock_timeout.
SELECT stmt_no, rule, message
  FROM migration_guard.review($$
    BEGIN;
    ALTER TABLE busy ADD COLUMN h int;
    CREATE INDEX busy_h_idx ON busy (h);
    ALTER TABLE busy ADD COLUMN i int;
    ALTER TABLE one ADD COLUMN h int;
    ALTER TABLE idle ADD COLUMN h int;
    COMMIT;
    ALTER TABLE busy ADD COLUMN j int;
    ALTER TABLE busy ADD COLUMN k int;
    SET lock_timeout = '5s';
    ALTER TABLE busy ADD COLUMN l int;
  $$);
-- A view others can see is in use: CREATE OR REPLACE VIEW flagged; a new
-- view or materialized view locks nothing anyone waits for.
SELECT stmt_no, rule, relation FROM migration_guard.review($$
  CREATE OR REPLACE VIEW busy_view AS SELECT id, note FROM busy;
  CREATE VIEW busy_view3 AS SELECT * FROM busy_view;
  CREATE MATERIALIZED VIEW busy_mv2 AS SELECT * FROM busy;
$$);
-- The recommended migration puts the SET before the statement and keeps the
-- statement itself.
SELECT (migration_guard.report('ALTER TABLE busy ADD COLUMN h int', 'json')::jsonb)->>'recommended_sql'
  AS recommended;

SET migration_guard.mode = off;
DROP FUNCTION rejection(text);
DROP FUNCTION busy_trg();
DROP VIEW busy_view2, busy_view;
DROP TABLE busy_copy;
DROP MATERIALIZED VIEW busy_mv;
CALL quietly('DROP TABLE busy_child, busy, one, idle');
DROP EXTENSION dblink;
RESET ALL;
