-- The findings store (migration_guard.findings): every finding raised is kept,
-- rejected ones whose transaction rolled back included; a role sees its own,
-- pg_read_all_stats sees all.  And the wording for migration tools:
-- error_format = inline, rejections outside a transaction block, the history's
-- migration_id and history_exclude.
SET migration_guard.mode = off;
CREATE TABLE orders AS SELECT g AS id, g % 100 AS customer_id FROM generate_series(1, 5000) g;
CREATE TABLE tiny (id int);
SELECT pg_stat_force_next_flush() \gset
-- VACUUM: PostgreSQL 16+ extends a relation being filled by several pages at
-- once; without the empty ones the size is the same on every version.
VACUUM ANALYZE orders, tiny;
SELECT current_user AS admin \gset
-- alice logs in (pg_virtualenv uses password authentication).
\getenv password PGPASSWORD
\if :{?password}
\else
\set password 'unused with trust authentication'
\endif
CREATE ROLE regress_mg_alice LOGIN PASSWORD :'password';
CREATE ROLE regress_mg_bob;
CREATE ROLE regress_mg_auditor IN ROLE pg_read_all_stats;
GRANT CREATE ON SCHEMA public TO regress_mg_alice, regress_mg_bob;
ALTER TABLE orders OWNER TO regress_mg_alice;
ALTER TABLE tiny OWNER TO regress_mg_bob;
RESET migration_guard.mode;

SELECT migration_guard.findings_reset();
SELECT capacity, kept, evicted FROM migration_guard.findings_info;
-- The view is everyone's; resetting is not.
SET ROLE regress_mg_alice;
SELECT migration_guard.findings_reset();
RESET ROLE;

-- alice: a warning, then a rejection inside a transaction that rolls back,
-- then the same statement acknowledged.
SET ROLE regress_mg_alice;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.migration_id = '20240501_orders_customer_idx';
\set VERBOSITY terse
CREATE INDEX orders_customer_idx ON orders (customer_id);
DROP INDEX orders_customer_idx;
SET migration_guard.mode = enforce;
BEGIN;
CREATE INDEX orders_customer_idx ON orders (customer_id);
ROLLBACK;
\set VERBOSITY default
RESET ROLE;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
BEGIN;
SET LOCAL migration_guard.allow = 'index_not_concurrent';
SET LOCAL ROLE regress_mg_alice;
CREATE INDEX orders_customer_idx ON orders (customer_id);
ROLLBACK;
RESET ALL;

-- bob: a warning on his own table; then the superuser, in log mode (the
-- client sees nothing, the store keeps it).
SET ROLE regress_mg_bob;
SET migration_guard.large_table_rows = 1;
INSERT INTO tiny SELECT generate_series(1, 10);
ANALYZE tiny;
\set VERBOSITY terse
ALTER TABLE tiny ALTER COLUMN id TYPE bigint;
\set VERBOSITY default
RESET ROLE;
SET migration_guard.mode = log;
ALTER TABLE tiny ALTER COLUMN id TYPE int;
RESET ALL;

-- What each one sees.  alice: her three statements (the rejected one kept
-- although its transaction rolled back), with the migration id.
SET ROLE regress_mg_alice;
SELECT username, database = current_database() AS this_db, statement, rule, relation,
       severity, decision, migration_id, message
  FROM migration_guard.findings ORDER BY id;
RESET ROLE;
-- bob: his own only.
SET ROLE regress_mg_bob;
SELECT username, statement, rule, severity, decision FROM migration_guard.findings ORDER BY id;
RESET ROLE;
-- A member of pg_read_all_stats, and a superuser: everyone's.
SET ROLE regress_mg_auditor;
SELECT username, rule, decision FROM migration_guard.findings ORDER BY id;
RESET ROLE;
SELECT count(*) AS all_findings, count(DISTINCT username) AS users FROM migration_guard.findings;
SELECT capacity, kept, evicted FROM migration_guard.findings_info;

-- The statement text is cut at 1023 bytes, on a character boundary.
SET migration_guard.large_table_rows = 1000;
SELECT format('CREATE INDEX long_idx ON orders (customer_id) WHERE customer_id <> %s', string_agg('1', ' + ')) AS long_ddl
  FROM generate_series(1, 600) \gset
SET migration_guard.mode = log;
:long_ddl;
DROP INDEX long_idx;
SELECT octet_length(statement) AS kept_bytes, left(statement, 50) AS starts
  FROM migration_guard.findings WHERE statement LIKE 'CREATE INDEX long_idx%';
RESET ALL;

-- error_format = inline: the facts, the safe SQL and the rule id in the
-- primary message, for clients that print nothing else (knex, TypeORM).
-- Settable per role.
ALTER ROLE regress_mg_alice SET migration_guard.error_format = inline;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
\c - regress_mg_alice
SHOW migration_guard.error_format;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
DO $$
DECLARE
  msg text;
BEGIN
  CREATE INDEX orders_customer_idx ON orders (customer_id);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
  RAISE NOTICE 'the client''s message alone: %', msg;
END $$;
\c - :admin
ALTER ROLE regress_mg_alice RESET migration_guard.error_format;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
-- The standard format, in a transaction block: SET LOCAL acknowledges.
BEGIN;
CREATE INDEX orders_customer_idx ON orders (customer_id);
ROLLBACK;
-- Outside one (psql -f, sequelize): what ran before stays, and SET ... RESET.
CREATE TABLE made_before (id int);
CREATE INDEX orders_customer_idx ON orders (customer_id);
SELECT to_regclass('made_before') IS NOT NULL AS made_before_stays;
-- ... which does acknowledge it there.
SET migration_guard.allow = 'index_not_concurrent';
CREATE INDEX orders_customer_idx ON orders (customer_id);
RESET migration_guard.allow;
SELECT decision FROM migration_guard.findings
 WHERE rule = 'index_not_concurrent' ORDER BY id DESC LIMIT 1;
-- Warnings keep their own wording, inline or not.
SET migration_guard.error_format = inline;
SET migration_guard.mode = warn;
DROP INDEX orders_customer_idx;
\set VERBOSITY terse
CREATE INDEX orders_customer_idx ON orders (customer_id);
\set VERBOSITY default
RESET ALL;

-- The history: migration_id (anyone may set it) and application_name with
-- each row; history_exclude leaves tool bookkeeping out, and only a
-- superuser (or GRANT SET ON PARAMETER) may change it.
SET ROLE regress_mg_bob;
SET migration_guard.migration_id = '0042_add_note';
SET application_name = 'regress-tool';
ALTER TABLE tiny ADD COLUMN note text;
SELECT command, migration_id, application_name FROM migration_guard.history
 WHERE statement LIKE '%tiny ADD COLUMN note%';
SET migration_guard.history_exclude = 'public.tiny';
RESET ROLE;
RESET ALL;
SET migration_guard.history_exclude = 'bad list.';
SET migration_guard.history_exclude = 'tool_registry, public."BookKeeping", public.tiny';
SHOW migration_guard.history_exclude;
CREATE SCHEMA tool_registry;
CREATE TABLE tool_registry.changes (id int);
COMMENT ON TABLE tool_registry.changes IS 'registry';
COMMENT ON COLUMN tool_registry.changes.id IS 'id';
GRANT SELECT ON tool_registry.changes TO regress_mg_bob;
CREATE TABLE "BookKeeping" (id int);
ALTER TABLE tiny ADD COLUMN excluded int;
-- not recorded either: what a tool keeps in its schema besides tables
CREATE SEQUENCE tool_registry.change_ids;
ALTER SEQUENCE tool_registry.change_ids RESTART 5;
CREATE VIEW tool_registry.latest AS SELECT max(id) AS id FROM tool_registry.changes;
CREATE TABLE tool_registry.snapshot AS SELECT * FROM tool_registry.changes;
CREATE TYPE tool_registry.state AS ENUM ('deployed', 'reverted');
ALTER TYPE tool_registry.state ADD VALUE 'failed';
CREATE TYPE tool_registry.pair AS (a int, b int);
CREATE DOMAIN tool_registry.change_id AS int CHECK (VALUE > 0);
CREATE FUNCTION tool_registry.deployed(int) RETURNS boolean LANGUAGE sql AS 'SELECT true';
ALTER FUNCTION tool_registry.deployed(int) STABLE;
ALTER FUNCTION tool_registry.deployed(int) OWNER TO CURRENT_USER;
COMMENT ON FUNCTION tool_registry.deployed(int) IS 'is it deployed';
COMMENT ON TYPE tool_registry.state IS 'deployment state';
SET search_path = tool_registry, public;
CREATE FUNCTION registered() RETURNS int LANGUAGE sql AS 'SELECT 1';
RESET search_path;
DROP FUNCTION tool_registry.registered();
SET search_path = public, tool_registry;
DROP TYPE pair;
RESET search_path;
-- recorded: a new relation in public, whatever an excluded one of its name
-- further down search_path
CREATE SEQUENCE tool_registry.recorded_ids;
CREATE VIEW tool_registry.recorded_v AS SELECT 1 AS id;
CREATE TABLE tool_registry.recorded_snap (id int);
SET search_path = public, tool_registry;
CREATE SEQUENCE recorded_ids;
CREATE VIEW recorded_v AS SELECT 2 AS id;
CREATE TABLE recorded_snap AS SELECT 3 AS id;
RESET search_path;
DROP VIEW tool_registry.latest;
-- recorded: another table, and a name that differs only in case
CREATE TABLE bookkeeping (id int);
ALTER TABLE orders ADD COLUMN recorded int;
CREATE FUNCTION public.recorded_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE SEQUENCE recorded_seq;
SELECT command, relations FROM migration_guard.history
 WHERE statement ~* 'tool_registry|bookkeeping|excluded|recorded|registered' ORDER BY id;
RESET migration_guard.history_exclude;
GRANT SET ON PARAMETER migration_guard.history_exclude TO regress_mg_bob;
SET ROLE regress_mg_bob;
SET migration_guard.history_exclude = 'public.tiny';
RESET ROLE;
REVOKE SET ON PARAMETER migration_guard.history_exclude FROM regress_mg_bob;
RESET ALL;

DROP SCHEMA tool_registry CASCADE;
DROP FUNCTION recorded_fn();
DROP SEQUENCE recorded_seq, public.recorded_ids;
DROP VIEW public.recorded_v;
SET migration_guard.mode = off;
DROP TABLE orders, tiny, made_before, "BookKeeping", bookkeeping, public.recorded_snap;
REVOKE CREATE ON SCHEMA public FROM regress_mg_alice, regress_mg_bob;
DROP ROLE regress_mg_alice, regress_mg_bob, regress_mg_auditor;
RESET ALL;
