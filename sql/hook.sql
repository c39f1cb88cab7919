-- The hook: non-DDL statements go straight through, the hook chains, nested
-- statements are judged, and drops are logged.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
CREATE TABLE big (id int);
INSERT INTO big SELECT g FROM generate_series(1, 5000) g;

-- Nothing from non-DDL utility statements.
BEGIN;
SET LOCAL work_mem = '8MB';
SHOW work_mem;
SAVEPOINT s;
RELEASE SAVEPOINT s;
COMMIT;
SELECT count(*) FROM big;
EXPLAIN (COSTS OFF) SELECT * FROM big;
VACUUM big;
ANALYZE big;
CHECKPOINT;

-- LOAD of an already loaded library does not install the hook twice:
-- exactly one message.
LOAD 'migration_guard';
LOAD 'migration_guard';
SET migration_guard.mode = warn;
CREATE INDEX big_id_idx ON big (id);
CALL quietly('DROP INDEX big_id_idx');
SET migration_guard.mode = enforce;

-- A statement in a multi-statement query string: the hint quotes it alone.
SELECT 1 AS one \; CREATE INDEX big_id_idx ON big (id) \; SELECT 2 AS two;

-- Statements run by functions are judged as well.
DO $$ BEGIN EXECUTE 'CREATE INDEX big_id_idx ON big (id)'; END $$;
CREATE FUNCTION add_index() RETURNS void LANGUAGE sql AS $$ CREATE INDEX big_id_idx ON big (id) $$;
SELECT add_index();
DROP FUNCTION add_index();

-- Drops are logged (the sql_drop event trigger), CASCADE included.
CREATE SCHEMA doomed;
CREATE TABLE doomed.t (id int);
CREATE VIEW doomed.v AS SELECT * FROM doomed.t;
SET client_min_messages = log;
DROP SCHEMA doomed CASCADE;
RESET client_min_messages;

CALL quietly('DROP TABLE big');
RESET ALL;
