-- One undo generator (core/undo.cpp): for the same statement, the report's
-- rollback plan and the history's rollback_sql (what rollback_script() runs)
-- are the same SQL.  Each statement is reviewed by report() just before it
-- runs, so both read the catalogs in the same state; then it runs, and its
-- history row is compared with the plan.  The cases are those where the two
-- used to disagree (CREATE INDEX, DROP INDEX, SET DEFAULT, ALTER TYPE) and
-- the other subcommands both now cover.
SET migration_guard.history = on;
SET migration_guard.mode = warn;
SET client_min_messages = error;
CREATE TABLE ua (id int PRIMARY KEY, n int NOT NULL, status text DEFAULT 'new', note text);
INSERT INTO ua SELECT g, g, 'x', 'y' FROM generate_series(1, 2000) g;
CREATE INDEX ua_n_idx ON ua (n);
CREATE UNIQUE INDEX "UA status" ON ua (status, id);
ALTER TABLE ua ADD CONSTRAINT ua_n_positive CHECK (n > 0);
ANALYZE ua;

CREATE TEMP TABLE agree (no int, statement text, plan text, history text, reversible bool, reason text);
CREATE PROCEDURE run_and_compare(no int, statement text)
LANGUAGE plpgsql AS $$
DECLARE
  plan text := migration_guard.report(statement, format => 'json')::jsonb -> 'rollback' -> 0 ->> 'sql';
  h record;
BEGIN
  EXECUTE statement;
  SELECT rollback_sql, reversible, irreversible_reason INTO h
    FROM migration_guard.history ORDER BY id DESC LIMIT 1;
  INSERT INTO agree VALUES (no, statement, plan, h.rollback_sql, h.reversible, h.irreversible_reason);
END $$;

SELECT now() AS start \gset
CALL run_and_compare(1, 'CREATE INDEX ua_note_idx ON ua (note)');
CALL run_and_compare(2, 'CREATE INDEX IF NOT EXISTS ua_note_idx ON ua (note)');
CALL run_and_compare(3, 'DROP INDEX ua_n_idx');
CALL run_and_compare(4, 'DROP INDEX "UA status"');
CALL run_and_compare(5, 'ALTER TABLE ua ALTER COLUMN status SET DEFAULT ''old''');
CALL run_and_compare(6, 'ALTER TABLE ua ALTER COLUMN note SET DEFAULT ''n''');
CALL run_and_compare(7, 'ALTER TABLE ua ALTER COLUMN status DROP DEFAULT');
CALL run_and_compare(8, 'ALTER TABLE ua ALTER COLUMN n TYPE bigint');
CALL run_and_compare(9, 'ALTER TABLE ua ALTER COLUMN note TYPE varchar(10)');
CALL run_and_compare(10, 'ALTER TABLE ua ADD COLUMN extra int DEFAULT 0');
CALL run_and_compare(11, 'ALTER TABLE ua ADD COLUMN IF NOT EXISTS extra int');
CALL run_and_compare(12, 'ALTER TABLE ua ALTER COLUMN extra SET NOT NULL');
CALL run_and_compare(13, 'ALTER TABLE ua ALTER COLUMN n DROP NOT NULL');
CALL run_and_compare(14, 'ALTER TABLE ua ALTER COLUMN id SET NOT NULL');
CALL run_and_compare(15, 'ALTER TABLE ua DROP CONSTRAINT ua_n_positive');
CALL run_and_compare(16, 'ALTER TABLE ua ADD CONSTRAINT ua_id_positive CHECK (id > 0) NOT VALID');
CALL run_and_compare(17, 'ALTER TABLE ua VALIDATE CONSTRAINT ua_id_positive');
CALL run_and_compare(18, 'ALTER TABLE ua RENAME COLUMN note TO remark');
CALL run_and_compare(19, 'ALTER INDEX ua_note_idx RENAME TO ua_remark_idx');
CALL run_and_compare(20, 'ALTER TABLE ua RENAME CONSTRAINT ua_id_positive TO ua_id_above_zero');
CALL run_and_compare(21, 'ALTER TABLE ua RENAME TO ua2');
CALL run_and_compare(22, 'CREATE TABLE ua_new (id int REFERENCES ua2 (id))');
CALL run_and_compare(23, 'DROP TABLE ua_new');
CALL run_and_compare(24, 'ALTER TABLE ua2 SET UNLOGGED');
-- What a query makes (issue 14.6): modelled now, the plan undoes it too.
CALL run_and_compare(25, 'CREATE VIEW ua_v AS SELECT id FROM ua2');
CALL run_and_compare(26, 'CREATE TABLE ua_copy AS SELECT * FROM ua_v');
CALL run_and_compare(27, 'CREATE MATERIALIZED VIEW ua_mv AS SELECT id FROM ua_v WITH NO DATA');
-- SELECT INTO cannot run in EXECUTE: its plan alone.
SELECT migration_guard.report('SELECT id INTO ua_into FROM ua2', format => 'json')::jsonb
       -> 'rollback' -> 0 ->> 'sql' AS select_into_plan;

-- Every reversible statement: the same SQL on both sides.
SELECT no, plan = history AS same, history AS rollback_sql
  FROM agree WHERE reversible ORDER BY no;
-- What cannot be undone: the report says so in a comment, the history why.
SELECT no, statement, plan, history, reason FROM agree WHERE NOT reversible ORDER BY no;
-- Nothing else differs.
SELECT no FROM agree WHERE reversible AND plan IS DISTINCT FROM history;
-- rollback_script() runs these very statements.
SELECT migration_guard.rollback_script(:'start'::timestamptz) AS script \gset
SELECT no FROM agree WHERE reversible AND position(plan IN :'script') = 0;

-- CONCURRENTLY runs outside a function: at the top level.
SELECT migration_guard.report('DROP INDEX CONCURRENTLY ua_remark_idx', format => 'json')::jsonb
       -> 'rollback' -> 0 ->> 'sql' AS plan \gset
DROP INDEX CONCURRENTLY ua_remark_idx;
SELECT rollback_sql = :'plan' AS same, rollback_sql
  FROM migration_guard.history ORDER BY id DESC LIMIT 1;
SELECT migration_guard.report('CREATE INDEX CONCURRENTLY ua_remark_idx ON ua2 (remark)', format => 'json')::jsonb
       -> 'rollback' -> 0 ->> 'sql' AS plan \gset
CREATE INDEX CONCURRENTLY ua_remark_idx ON ua2 (remark);
SELECT rollback_sql = :'plan' AS same, rollback_sql
  FROM migration_guard.history ORDER BY id DESC LIMIT 1;

DROP MATERIALIZED VIEW ua_mv;
DROP TABLE ua_copy;
DROP VIEW ua_v;
DROP TABLE ua2;
DROP PROCEDURE run_and_compare(int, text);
CALL quietly('TRUNCATE migration_guard.history');
RESET migration_guard.history;
RESET migration_guard.mode;
RESET client_min_messages;
