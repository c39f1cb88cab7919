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
CREATE TABLE hist_gone (id int, payload text);
INSERT INTO hist_gone SELECT g, repeat('x', 20) FROM generate_series(1, 3000) g;
ANALYZE hist, hist_small, hist_gone;
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
CREATE TEMP TABLE data_before AS SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts FROM hist;
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
CREATE INDEX CONCURRENTLY hist_code_idx ON hist (code);
DROP INDEX CONCURRENTLY hist_code_idx;
TRUNCATE hist_small;
ALTER TABLE hist_small RENAME TO hist_tiny;
ALTER TABLE hist_gone DROP COLUMN payload;
DROP TABLE hist_gone;
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
-- ... and its data (the type change went to bigint and back).
SELECT (SELECT row(n, ids, amounts) FROM data_before) =
       (SELECT row(count(*), sum(id), sum(amount)) FROM hist) AS same_data;
SELECT to_regclass('hist_small') IS NOT NULL AS renamed_back, to_regclass('hist_gone') IS NULL AS dropped_for_good;

-- Creations, views, sequences, schemas and storage parameters: run them,
-- run the rollback script, and the relations are back as they were.
CREATE SCHEMA hist_b;
CREATE TABLE hist2_t (id int, v text);
INSERT INTO hist2_t SELECT g, 'v' FROM generate_series(1, 500) g;
CREATE VIEW hist2_v AS SELECT id, v FROM hist2_t WHERE id > 10;
CREATE VIEW hist2_vv WITH (security_barrier = true) AS SELECT id FROM hist2_v;
CREATE MATERIALIZED VIEW hist2_mv AS SELECT id FROM hist2_t WHERE id % 2 = 0;
CREATE INDEX hist2_mv_id ON hist2_mv (id);
CREATE SEQUENCE hist2_seq START 100 INCREMENT 5;
SELECT nextval('hist2_seq'), nextval('hist2_seq');
ALTER TABLE hist2_t SET (fillfactor = 90);
CREATE TEMP VIEW hist2_shape AS
  SELECT n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
         coalesce(c.reloptions::text, '') AS options,
         CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid)
              WHEN c.relkind = 'i' THEN pg_get_indexdef(c.oid) ELSE '' END AS def
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relname LIKE 'hist2%' AND n.nspname IN ('public', 'hist_b');
CREATE TEMP TABLE shape2_before AS SELECT * FROM hist2_shape;
CALL quietly('TRUNCATE migration_guard.history');
SELECT now() AS migration2_start \gset
SET client_min_messages = error;

CREATE TABLE hist2_new (id int);
CREATE TABLE IF NOT EXISTS hist2_t (id int);
ALTER TABLE hist2_t ADD COLUMN IF NOT EXISTS v text;
CREATE INDEX IF NOT EXISTS hist2_mv_id ON hist2_mv (id);
CREATE VIEW hist2_new_v AS SELECT id FROM hist2_new;
CREATE SEQUENCE hist2_new_seq;
CREATE MATERIALIZED VIEW hist2_new_mv AS SELECT 1 AS one;
CREATE TABLE hist2_copy AS SELECT * FROM hist2_t;
CREATE TEMP TABLE hist2_scratch (id int);
CREATE OR REPLACE VIEW hist2_v AS SELECT id, v FROM hist2_t WHERE id > 20;
CREATE SCHEMA hist_c;
CREATE EXTENSION seg;
CREATE DOMAIN hist2_dom AS int CHECK (VALUE > 0);
CREATE TYPE hist2_enum AS ENUM ('a', 'b');
CREATE TYPE hist2_comp AS (x int, y text);
CREATE TRIGGER hist2_t_trg BEFORE INSERT ON hist2_t
  FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE hist2_t SET (fillfactor = 70, autovacuum_enabled = false);
ALTER TABLE hist2_t RESET (fillfactor);
ALTER TABLE hist2_t SET SCHEMA hist_b;
DROP VIEW hist2_v CASCADE;
DROP MATERIALIZED VIEW hist2_mv;
DROP SEQUENCE hist2_seq;
RESET client_min_messages;

-- The query of a view is shown as <query>: pg_get_viewdef's spelling changes
-- between versions (18 no longer qualifies the columns of a single table);
-- replaying the script below checks the definitions themselves.
SELECT command, reversible,
       regexp_replace(rollback_sql, '(\n [^\n]*)+;', E'\n <query>;', 'g') AS rollback_sql, relations
  FROM migration_guard.history ORDER BY id;
SELECT migration_guard.rollback_script(:'migration2_start'::timestamptz) AS script \gset
SET migration_guard.mode = off;
:script
SET migration_guard.mode = warn;
-- Every relation as it was: definitions, options, schema; the sequence at its value.
(SELECT * FROM hist2_shape EXCEPT SELECT * FROM shape2_before)
UNION ALL
(SELECT * FROM shape2_before EXCEPT SELECT * FROM hist2_shape);
SELECT to_regnamespace('hist_c') IS NULL AS schema_gone,
       NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'seg') AS extension_gone,
       to_regtype('hist2_dom') IS NULL AND to_regtype('hist2_enum') IS NULL
         AND to_regtype('hist2_comp') IS NULL AS types_gone,
       NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'hist2_t_trg') AS trigger_gone;
SELECT count(*) AS mv_rows FROM hist2_mv;
SELECT nextval('hist2_seq') AS next_value;
DROP VIEW hist2_shape;
CALL quietly('DROP SCHEMA hist_b; DROP VIEW hist2_vv, hist2_v; DROP MATERIALIZED VIEW hist2_mv; DROP TABLE hist2_t; DROP SEQUENCE hist2_seq');

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
INSERT INTO migration_guard.history (id, username, statement, command, decision, reversible)
  VALUES (1, 'x', 'x', 'x', 'allowed', true);
DELETE FROM migration_guard.history;
UPDATE migration_guard.history SET decision = 'allowed';
RESET ROLE;
SELECT count(*) AS all_rows_for_the_superuser FROM migration_guard.history;

-- DDL run inside DDL (here by an event trigger) gets a row of its own, and
-- leaves the outer statement's findings alone.
CALL quietly('TRUNCATE migration_guard.history');
CREATE FUNCTION make_audit_table() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  CREATE TABLE IF NOT EXISTS hist_audit (at timestamptz);
END $$;
CREATE EVENT TRIGGER hist_nested ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION make_audit_table();
SET client_min_messages = error;
ALTER TABLE hist RENAME COLUMN code TO code2;
RESET client_min_messages;
SELECT command, decision, findings, rollback_sql FROM migration_guard.history ORDER BY id;
-- A nested DROP that fails (caught by an EXCEPTION block) leaves no trace
-- in the outer statement's row.
CREATE TABLE hist_keep (id int);
CREATE OR REPLACE FUNCTION make_audit_table() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    DROP TABLE hist_keep;
    RAISE EXCEPTION 'changed my mind';
  EXCEPTION WHEN raise_exception THEN NULL;
  END;
END $$;
CALL quietly('TRUNCATE migration_guard.history');
SET client_min_messages = error;
ALTER TABLE hist RENAME COLUMN code2 TO code3;
RESET client_min_messages;
SELECT command, findings, reversible, rollback_sql, irreversible_reason
  FROM migration_guard.history ORDER BY id;
SELECT to_regclass('hist_keep') IS NOT NULL AS kept;
DROP TABLE hist_keep;
DROP EVENT TRIGGER hist_nested;
DROP FUNCTION make_audit_table();
CALL quietly('DROP TABLE hist_audit');

-- Only a superuser may change the retention, and only to a valid value.
SET ROLE regress_mg_hist;
SET migration_guard.history_retention = -1;
SET migration_guard.history = off;
RESET ROLE;
-- Out of range: the server's message prints the units since PostgreSQL 18;
-- the SQLSTATE is the same everywhere.
\set VERBOSITY sqlstate
SET migration_guard.history_retention = -2;
\set VERBOSITY default
SET migration_guard.history_retention = 'a week';
SET migration_guard.history_retention = '30d';
SHOW migration_guard.history_retention;

RESET ALL;
DROP VIEW hist_shape;
CALL quietly('DROP TABLE hist, hist_small, app_owned');
REVOKE CREATE ON SCHEMA public FROM regress_mg_hist;
DROP ROLE regress_mg_hist;

-- Retention: rows older than migration_guard.history_retention are deleted by
-- the backend that records the next statement (its first one, then at most
-- every ten minutes).
CALL quietly('TRUNCATE migration_guard.history');
INSERT INTO migration_guard.history (id, executed_at, username, statement, command, decision, reversible)
VALUES (1, now() - interval '100 days', 'old_user', 'ALTER TABLE a', 'ALTER TABLE', 'allowed', true),
       (2, now() - interval '10 days', 'recent_user', 'ALTER TABLE b', 'ALTER TABLE', 'allowed', true);
\c
SET migration_guard.history_retention = '30d';
CREATE TABLE hist_retention (id int);
SELECT username, command FROM migration_guard.history ORDER BY id;
-- Recording uses no sequence: lastval() still knows of none in this session.
SELECT lastval();
-- -1 keeps everything.
INSERT INTO migration_guard.history (id, executed_at, username, statement, command, decision, reversible)
VALUES (3, now() - interval '100 days', 'old_user', 'ALTER TABLE a', 'ALTER TABLE', 'allowed', true);
\c
SET migration_guard.history_retention = -1;
DROP TABLE hist_retention;
SELECT username, command FROM migration_guard.history ORDER BY id;
CALL quietly('TRUNCATE migration_guard.history');

-- A view's definition is captured schema-qualified, so that the rollback
-- replays under any search_path; a re-created sequence gets its owner and
-- its grants back.
CREATE ROLE regress_hist_owner;
CREATE SCHEMA hist_app;
SET search_path = hist_app, public;
CREATE TABLE src (a int);
CREATE VIEW v AS SELECT a FROM src;
CREATE SEQUENCE s;
ALTER SEQUENCE s OWNER TO regress_hist_owner;
GRANT USAGE ON SEQUENCE s TO PUBLIC;
SELECT pg_get_viewdef('v'::regclass) AS view_before \gset
SELECT relacl::text AS acl_before FROM pg_class WHERE oid = 's'::regclass \gset
SELECT now() AS drops_start \gset
DROP VIEW v;
DROP SEQUENCE s;
RESET search_path;
SELECT migration_guard.rollback_script(:'drops_start'::timestamptz) AS script \gset
-- (the view's query shown as <query>: pg_get_viewdef's spelling changes
-- between versions; the replay below checks it)
SELECT regexp_replace(regexp_replace(:'script', '#[0-9]+', '#N', 'g'),
                      '(\n [^\n]*)+;', E'\n <query>;', 'g') AS rollback_script;
SET migration_guard.mode = off;
:script
SET migration_guard.mode = warn;
SET search_path = hist_app, public;
SELECT pg_get_viewdef('hist_app.v'::regclass) = :'view_before' AS same_view,
       (SELECT rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
         WHERE c.oid = 'hist_app.s'::regclass) AS sequence_owner,
       (SELECT relacl::text FROM pg_class WHERE oid = 'hist_app.s'::regclass) = :'acl_before' AS same_grants;
RESET search_path;
DROP SCHEMA hist_app CASCADE;
DROP ROLE regress_hist_owner;
CALL quietly('TRUNCATE migration_guard.history');
ALTER DATABASE :"DBNAME" RESET migration_guard.history;
