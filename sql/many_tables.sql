-- Statements that act on many tables are judged like their single-table
-- forms, one finding per table that qualifies, and rejected whole in
-- enforce: REINDEX SCHEMA / DATABASE / SYSTEM, VACUUM FULL and CLUSTER
-- without a table, ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL (every
-- table that uses the domain).  Which tables qualify follows the server:
-- those the role may act on.
SET migration_guard.mode = off;
SET migration_guard.large_table_rows = 1000;
CREATE ROLE regress_mg_many;
CREATE SCHEMA mg_many;
CREATE DOMAIN mg_many.amount AS int;
CREATE DOMAIN mg_many.positive_amount AS mg_many.amount;
CREATE TABLE mg_many.big (id int, amount mg_many.positive_amount);
INSERT INTO mg_many.big SELECT g, g FROM generate_series(1, 5000) g;
CREATE INDEX big_id_idx ON mg_many.big (id);
CREATE TABLE mg_many.small (id int, amount mg_many.amount);
INSERT INTO mg_many.small VALUES (1, 1), (2, 2);
CREATE INDEX small_id_idx ON mg_many.small (id);
CREATE TABLE mg_many.mine (id int);
ALTER TABLE mg_many.mine OWNER TO regress_mg_many;
GRANT USAGE ON SCHEMA mg_many TO regress_mg_many;
CLUSTER mg_many.big USING big_id_idx;
CLUSTER mg_many.small USING small_id_idx;
SELECT pg_stat_force_next_flush() \gset
ANALYZE mg_many.big, mg_many.small;
SET migration_guard.mode = enforce;
SET lock_timeout = '5s';

-- REINDEX SCHEMA: the large table is flagged, the small one is not.
SELECT stmt_no, rule, relation FROM migration_guard.review('REINDEX SCHEMA mg_many')
 WHERE rule <> 'lock_timeout_missing' ORDER BY 1, 2, 3;
REINDEX SCHEMA mg_many;
-- CONCURRENTLY blocks neither reads nor writes: silent.
SELECT count(*) AS findings FROM migration_guard.review('REINDEX SCHEMA CONCURRENTLY mg_many')
 WHERE rule <> 'lock_timeout_missing';
-- REINDEX DATABASE covers the schema's tables too (other tables of the
-- database left out of the listing).
SELECT rule, relation FROM migration_guard.review(format('REINDEX DATABASE %I', current_database()))
 WHERE relation LIKE 'mg_many.%' AND rule <> 'lock_timeout_missing' ORDER BY 1, 2;

-- VACUUM FULL without a table: every table the role may vacuum.
SELECT rule, relation FROM migration_guard.review('VACUUM FULL')
 WHERE relation LIKE 'mg_many.%' ORDER BY 1, 2;
SELECT rule, relation FROM migration_guard.review('VACUUM (FULL, VERBOSE)')
 WHERE relation LIKE 'mg_many.%' ORDER BY 1, 2;
-- Rejected whole (the other large tables of the test database, catalogs
-- included, are warned about first: not shown).
SET client_min_messages = error;
\set VERBOSITY sqlstate
VACUUM FULL;
\set VERBOSITY default
RESET client_min_messages;
-- A role that owns only a small table vacuums only that one: silent.
SET ROLE regress_mg_many;
SELECT count(*) AS findings FROM migration_guard.review('VACUUM FULL');
RESET ROLE;

-- CLUSTER without a table: the tables clustered before.
SELECT rule, relation FROM migration_guard.review('CLUSTER')
 WHERE relation LIKE 'mg_many.%' ORDER BY 1, 2;
\set VERBOSITY sqlstate
CLUSTER;
\set VERBOSITY default
SET ROLE regress_mg_many;
SELECT count(*) AS findings FROM migration_guard.review('CLUSTER');
RESET ROLE;

-- ALTER DOMAIN checks every table that uses the domain (through a domain
-- over it too), each under a SHARE lock.
ALTER DOMAIN mg_many.amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0);
ALTER DOMAIN mg_many.amount SET NOT NULL;
SELECT stmt_no, rule, relation FROM migration_guard.review(
  'ALTER DOMAIN mg_many.amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0);
   ALTER DOMAIN mg_many.amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0) NOT VALID;
   ALTER DOMAIN mg_many.amount SET NOT NULL;
   ALTER DOMAIN mg_many.positive_amount ADD CONSTRAINT below_max CHECK (VALUE < 1000000);')
 WHERE rule <> 'lock_timeout_missing' ORDER BY 1, 2, 3;
SELECT stmt_no, relation, lock_mode, effect FROM migration_guard.plan(
  'ALTER DOMAIN mg_many.amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0)') ORDER BY 2;
-- The safe form runs.
ALTER DOMAIN mg_many.amount ADD CONSTRAINT amount_positive CHECK (VALUE > 0) NOT VALID;

RESET lock_timeout;
SET migration_guard.mode = off;
DROP SCHEMA mg_many CASCADE;
DROP ROLE regress_mg_many;
RESET ALL;
