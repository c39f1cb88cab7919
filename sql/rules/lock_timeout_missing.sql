-- lock_timeout_missing: a lock that blocks reads or writes of a table in use,
-- requested with no lock_timeout (a warning: the statement runs).  The other
-- test files run with a lock_timeout set for the database; this one clears it.
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
-- Silent: a lock_timeout, or a short statement_timeout (no longer than
-- migration_guard.lock_wait_max, 10s by default), bounds the wait.
SET lock_timeout = '5s';
ALTER TABLE busy ADD COLUMN b int;
SET lock_timeout = 0;
SET statement_timeout = '5s';
ALTER TABLE busy ADD COLUMN c int;
-- A long statement_timeout is no bound: flagged.
SET statement_timeout = '1min';
ALTER TABLE busy ADD COLUMN d int;
-- migration_guard.lock_timeout applies whatever statement_timeout says, and
-- when the session's lock_timeout is longer.
SET migration_guard.lock_timeout = '2s';
ALTER TABLE busy ADD COLUMN e int;
SET statement_timeout = 0;
SET lock_timeout = '1h';
ALTER TABLE busy ADD COLUMN f int;
SET lock_timeout = '1s';
ALTER TABLE busy ADD COLUMN g int;
RESET migration_guard.lock_timeout;
SET lock_timeout = 0;

-- CREATE POLICY, CREATE RULE (ACCESS EXCLUSIVE) and CREATE TRIGGER (SHARE ROW
-- EXCLUSIVE) queue for their table's lock like any ALTER TABLE: judged the
-- same way (flagged on the table in use, silent on the empty one).
CREATE POLICY busy_policy ON busy USING (true);
CREATE RULE busy_rule AS ON DELETE TO busy DO INSTEAD NOTHING;
CREATE FUNCTION busy_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER busy_trigger BEFORE INSERT ON busy FOR EACH ROW EXECUTE FUNCTION busy_trg();
CREATE POLICY idle_policy ON idle USING (true);
SET migration_guard.mode = off;
DROP RULE busy_rule ON busy;
DROP TRIGGER busy_trigger ON busy;
DROP FUNCTION busy_trg();
DROP POLICY busy_policy ON busy;
DROP POLICY idle_policy ON idle;
SET migration_guard.mode = warn;

-- CREATE OR REPLACE VIEW takes ACCESS EXCLUSIVE on the view it replaces (a
-- view holds no rows: one others can see is in use): flagged.  A new view,
-- or a table made from a query, takes only ACCESS SHARE on what the query
-- names, which blocks no reader or writer: silent.
CREATE VIEW busy_view AS SELECT id FROM busy;
CREATE OR REPLACE VIEW busy_view AS SELECT id, note FROM busy;
CREATE VIEW busy_view2 AS SELECT * FROM busy_view;
CREATE TABLE busy_copy AS SELECT * FROM busy_view;
CREATE MATERIALIZED VIEW busy_mv AS SELECT * FROM busy;
BEGIN;
CREATE VIEW fresh_view AS SELECT 1 AS one;
CREATE OR REPLACE VIEW fresh_view AS SELECT 1 AS one, 2 AS two;
ROLLBACK;
SELECT stmt_no, rule, relation FROM migration_guard.review($$
  CREATE OR REPLACE VIEW busy_view AS SELECT id, note FROM busy;
  CREATE VIEW busy_view3 AS SELECT * FROM busy_view;
  CREATE MATERIALIZED VIEW busy_mv2 AS SELECT * FROM busy;
$$);
SET migration_guard.mode = off;
DROP VIEW busy_view2, busy_view;
DROP TABLE busy_copy;
DROP MATERIALIZED VIEW busy_mv;
SET migration_guard.mode = warn;

-- The recommended migration puts the SET before the statement and keeps the
-- statement itself.
SELECT (migration_guard.report('ALTER TABLE busy ADD COLUMN h int', 'json')::jsonb)->>'recommended_sql'
  AS recommended;

CALL quietly('DROP TABLE busy_child, busy_child2, lonely, busy, idle');
RESET ALL;
