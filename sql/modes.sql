-- Policy per role, per database, and for extension scripts.
SET migration_guard.large_table_rows = 1000;
SELECT current_user AS admin \gset
CREATE TABLE big (id int);
INSERT INTO big SELECT g FROM generate_series(1, 5000) g;
-- Flushed before ANALYZE, so that the cumulative statistics do not count the
-- load twice (docs/security.md, "Sizes that cannot be faked").
SELECT pg_stat_force_next_flush() \gset
ANALYZE big;
-- The role gets the password of the test connection (pg_virtualenv uses
-- password authentication).
\getenv password PGPASSWORD
\if :{?password}
\else
\set password 'unused with trust authentication'
\endif
CREATE ROLE regress_mg_deployer LOGIN PASSWORD :'password';
ALTER TABLE big OWNER TO regress_mg_deployer;
GRANT CREATE ON SCHEMA public TO regress_mg_deployer;

-- Per role: the deployer's sessions enforce.
ALTER ROLE regress_mg_deployer SET migration_guard.mode = enforce;
ALTER ROLE regress_mg_deployer SET migration_guard.large_table_rows = 1000;
\c - regress_mg_deployer
SHOW migration_guard.mode;
CREATE INDEX big_id_idx ON big (id);
-- An unprivileged role cannot relax it for itself (see the policy test).
SET migration_guard.mode = warn;
CREATE INDEX big_id_idx ON big (id);
\c - :admin

-- Per database: every session of the database logs only.
ALTER DATABASE :"DBNAME" SET migration_guard.mode = log;
\c
SHOW migration_guard.mode;
SET migration_guard.large_table_rows = 1000;
CREATE INDEX big_id_idx ON big (id);
CALL quietly('DROP INDEX big_id_idx');
ALTER DATABASE :"DBNAME" RESET migration_guard.mode;
\c
SHOW migration_guard.mode;

-- An extension's install script is reported, never rejected: a DBA cannot
-- edit a third-party script.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
CREATE EXTENSION mg_test_ext;
SELECT count(*) FROM pg_indexes WHERE indexname = 'mg_test_ext_idx';
DROP EXTENSION mg_test_ext;
-- The same statement outside the script is rejected.
CREATE INDEX mg_test_ext_idx ON public.big (id);

CALL quietly('DROP TABLE big');
REVOKE CREATE ON SCHEMA public FROM regress_mg_deployer;
DROP ROLE regress_mg_deployer;
RESET ALL;
