-- The migration history: what ran, the decision, and the SQL that undoes it,
-- taken from the catalogs before the change.  Recording is off by default in
-- this version (migration_guard.history).
ALTER DATABASE :"DBNAME" SET migration_guard.history = on;
\c
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE hist (id int, amount int);
INSERT INTO hist SELECT g, g FROM generate_series(1, 5000) g;
CREATE INDEX hist_amount_idx ON hist (amount);
ALTER TABLE hist ALTER COLUMN amount SET DEFAULT 7;
ALTER TABLE hist ADD CONSTRAINT hist_id_positive CHECK (id > 0);
ALTER TABLE hist ADD COLUMN code text NOT NULL DEFAULT 'a';
CREATE TABLE hist_small (id int);
INSERT INTO hist_small VALUES (1), (2);
ANALYZE hist, hist_small;
CALL quietly('TRUNCATE migration_guard.history');
SET migration_guard.mode = warn;
SET client_min_messages = error;

-- The catalog state of the table, to compare after the rollback.
CREATE TEMP VIEW hist_shape AS
  SELECT 'column' AS kind, attname::text AS name, format_type(atttypid, atttypmod) AS def,
         attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS extra
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE attrelid = 'hist'::regclass AND attnum > 0 AND NOT attisdropped
  UNION ALL
  SELECT 'index', indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid::text
    FROM pg_index WHERE indrelid = 'hist'::regclass
  UNION ALL
  SELECT 'constraint', conname::text, pg_get_constraintdef(oid), convalidated::text
    FROM pg_constraint WHERE conrelid = 'hist'::regclass;
CREATE TEMP TABLE shape_before AS SELECT * FROM hist_shape;
SELECT now() AS migration_start \gset

ALTER TABLE hist ADD COLUMN note text;
CREATE INDEX hist_id_idx ON hist (id);
ALTER TABLE hist RENAME COLUMN note TO remark;
ALTER TABLE hist ALTER COLUMN amount TYPE bigint;
ALTER TABLE hist ALTER COLUMN id SET NOT NULL;
ALTER TABLE hist ADD CONSTRAINT hist_amount_positive CHECK (amount > 0) NOT VALID;
DROP INDEX hist_amount_idx;
ALTER TABLE hist ALTER COLUMN amount SET DEFAULT 8;
ALTER TABLE hist ALTER COLUMN id DROP DEFAULT;
ALTER TABLE hist DROP CONSTRAINT hist_id_positive;
ALTER TABLE hist ALTER COLUMN code DROP NOT NULL;
ALTER TABLE hist RENAME CONSTRAINT hist_amount_positive TO hist_amount_pos;
ALTER INDEX hist_id_idx RENAME TO hist_id_index;
TRUNCATE hist_small;
-- A rolled-back migration leaves no row.
BEGIN;
ALTER TABLE hist ADD COLUMN never int;
ROLLBACK;
RESET client_min_messages;

SELECT command, decision, findings, reversible, rollback_sql, irreversible_reason
  FROM migration_guard.history ORDER BY id;

-- The rollback script undoes it, last first, and calls out what it cannot.
SELECT migration_guard.rollback_script(:'migration_start'::timestamptz) AS script \gset
SELECT regexp_replace(:'script', '#[0-9]+', '#N', 'g') AS rollback_script;
SET migration_guard.mode = off;
SELECT regexp_replace(:'script', 'CONCURRENTLY ', '', 'g') AS script \gset
:script
SET migration_guard.mode = warn;
-- The table has its original shape again (the truncated rows are gone for good).
(SELECT * FROM hist_shape EXCEPT SELECT * FROM shape_before)
UNION ALL
(SELECT * FROM shape_before EXCEPT SELECT * FROM hist_shape);

-- An acknowledged exception is recorded as such.
CALL quietly('TRUNCATE migration_guard.history');
SET migration_guard.mode = enforce;
BEGIN;
SET LOCAL migration_guard.allow = 'index_not_concurrent';
SET LOCAL client_min_messages = warning;
CREATE INDEX hist_id2_idx ON hist (id);
COMMIT;
SELECT command, decision, findings FROM migration_guard.history;
SET migration_guard.mode = warn;

-- Only the extension writes the history; a role reads its own rows.
CREATE ROLE regress_mg_hist;
GRANT CREATE ON SCHEMA public TO regress_mg_hist;
SET ROLE regress_mg_hist;
SELECT count(*) AS visible_rows FROM migration_guard.history;
CREATE TABLE app_owned (id int);
ALTER TABLE app_owned ADD COLUMN by_app int;
SELECT username, command, rollback_sql FROM migration_guard.history;
INSERT INTO migration_guard.history (username, statement, command, decision, reversible)
  VALUES ('x', 'x', 'x', 'allowed', true);
DELETE FROM migration_guard.history;
UPDATE migration_guard.history SET decision = 'allowed';
RESET ROLE;
SELECT count(*) AS all_rows_for_the_superuser FROM migration_guard.history;

RESET ALL;
DROP VIEW hist_shape;
CALL quietly('DROP TABLE hist, hist_small, app_owned');
REVOKE CREATE ON SCHEMA public FROM regress_mg_hist;
DROP ROLE regress_mg_hist;
CALL quietly('TRUNCATE migration_guard.history');
ALTER DATABASE :"DBNAME" RESET migration_guard.history;
