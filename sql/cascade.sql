-- Data preservation: what a DROP ... CASCADE really drops, judged by the
-- live facts of each table and column just before it goes (sql_drop, with
-- the facts noted by the object access hook).  Dropping a table with rows or
-- a populated column is an error in enforce; empty ones pass.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
SET lock_timeout = '5s';

CREATE DOMAIN amount_d AS int;
CREATE TABLE filled (id int, amount amount_d);
INSERT INTO filled SELECT g, g FROM generate_series(1, 5000) g;
CREATE TABLE hollow (id int, amount amount_d);
CREATE TABLE all_null (id int, amount amount_d);
INSERT INTO all_null SELECT g, NULL FROM generate_series(1, 5000) g;
ANALYZE filled, hollow, all_null;

-- The domain's CASCADE would take the populated column: rejected, nothing is dropped.
DROP DOMAIN amount_d CASCADE;
SELECT count(amount) AS values_kept FROM filled;

-- A plain DROP COLUMN of the all-NULL column loses nothing: it passes.
ALTER TABLE all_null DROP COLUMN amount;
-- Once the populated column was dropped on purpose (acknowledged), the
-- CASCADE only takes the column of the empty table: it passes.
BEGIN;
SET LOCAL migration_guard.allow = 'drop_column';
SET LOCAL client_min_messages = warning;
ALTER TABLE filled DROP COLUMN amount;
COMMIT;
DROP DOMAIN amount_d CASCADE;

-- Tables dropped by CASCADE: a typed table goes with its type.
CREATE TYPE row_t AS (id int, note text);
CREATE TABLE typed_big OF row_t;
INSERT INTO typed_big SELECT g, 'x' FROM generate_series(1, 5000) g;
CREATE TABLE typed_empty OF row_t;
ANALYZE typed_big, typed_empty;
DROP TYPE row_t CASCADE;
SELECT count(*) AS rows_kept FROM typed_big;
-- In warn mode the same statement runs, with the warning.
SET migration_guard.mode = warn;
BEGIN;
DROP TYPE row_t CASCADE;
ROLLBACK;
SET migration_guard.mode = enforce;
-- With the table emptied, its type can go with CASCADE.
DELETE FROM typed_big;
ANALYZE typed_big;
DROP TYPE row_t CASCADE;

-- DROP OWNED drops what a role owns, without naming it: judged the same way.
CREATE ROLE regress_mg_owner;
GRANT CREATE ON SCHEMA public TO regress_mg_owner;
SET ROLE regress_mg_owner;
CREATE TABLE owned_big (id int);
INSERT INTO owned_big SELECT generate_series(1, 5000);
CREATE TABLE owned_empty (id int);
ANALYZE owned_big, owned_empty;
RESET ROLE;
DROP OWNED BY regress_mg_owner;
SELECT count(*) AS rows_kept FROM owned_big;
BEGIN;
SET LOCAL migration_guard.allow = 'drop_table';
SET LOCAL client_min_messages = warning;
DROP TABLE owned_big;
COMMIT;
DROP OWNED BY regress_mg_owner;
SELECT count(*) AS tables_left FROM pg_class WHERE relname LIKE 'owned_%';

-- The history says what CASCADE took.
SELECT command, reversible, irreversible_reason, relations
  FROM migration_guard.history
 WHERE command IN ('DROP DOMAIN', 'DROP TYPE') ORDER BY id;

RESET ALL;
REVOKE CREATE ON SCHEMA public FROM regress_mg_owner;
DROP ROLE regress_mg_owner;
CALL quietly('DROP TABLE filled, hollow, all_null');
CALL quietly('TRUNCATE migration_guard.history');
