-- A policy that holds: per-rule overrides, acknowledged exceptions, and who
-- may weaken the policy.  Run by a superuser; the roles below try every way
-- around it.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE ledger (id int, amount int);
INSERT INTO ledger SELECT g, g FROM generate_series(1, 5000) g;
SELECT pg_stat_force_next_flush() \gset
ANALYZE ledger;
CREATE ROLE regress_mg_app;
CREATE ROLE regress_mg_deploy;
ALTER TABLE ledger OWNER TO regress_mg_deploy;
GRANT ALL ON ledger TO regress_mg_app;
GRANT CREATE ON SCHEMA public TO regress_mg_app, regress_mg_deploy;
-- The recommended setup: the deploy role may acknowledge exceptions and set
-- the mode; the application role may not.
GRANT SET ON PARAMETER migration_guard.allow TO regress_mg_deploy;
GRANT SET ON PARAMETER migration_guard.mode TO regress_mg_deploy;
-- The administrators' setting for the database: the baseline that only a
-- privileged role may go below (policy_baseline tests every source).
ALTER DATABASE :"DBNAME" SET migration_guard.mode = enforce;
\c
SET migration_guard.large_table_rows = 1000;
SHOW migration_guard.mode;

-- Per-rule overrides (as superuser): a rule downgraded, a rule turned off.
SET migration_guard.rules = 'index_not_concurrent=warning';
SHOW migration_guard.rules;
CREATE INDEX ledger_id_idx ON ledger (id);
CALL quietly('DROP INDEX ledger_id_idx');
SET migration_guard.rules = 'index_not_concurrent=off';
CREATE INDEX ledger_id_idx ON ledger (id);
CALL quietly('DROP INDEX ledger_id_idx');
RESET migration_guard.rules;
-- ... and made stricter: drop_column is a warning by default.
SET migration_guard.rules = 'drop_column=error';
ALTER TABLE ledger DROP COLUMN amount;
RESET migration_guard.rules;
-- Bad values, named.
SET migration_guard.rules = 'no_such_rule=error';
SET migration_guard.rules = 'drop_column';
SET migration_guard.rules = 'drop_column=fatal';
SET migration_guard.allow = 'no_such_rule';

-- The application role cannot weaken the policy, by any path.
SET ROLE regress_mg_app;
SET migration_guard.mode = off;
SET migration_guard.mode = warn;
BEGIN;
SET LOCAL migration_guard.mode = log;
ROLLBACK;
SELECT set_config('migration_guard.mode', 'off', false);
DO $$ BEGIN PERFORM set_config('migration_guard.mode', 'off', true); END $$;
CREATE FUNCTION sneaky() RETURNS void LANGUAGE sql SET migration_guard.mode = off AS 'SELECT 1';
ALTER ROLE regress_mg_app SET migration_guard.mode = off;
SET migration_guard.large_table_rows = 1000000;
SET migration_guard.large_table_size = '1TB';
SET migration_guard.rules = 'index_not_concurrent=warning';
SET migration_guard.allow = 'index_not_concurrent';
SHOW migration_guard.mode;
CREATE INDEX ledger_id_idx ON ledger (id);
-- Nor switch the guard off another way.
LOAD '$libdir/plugins/nothing_here';
ALTER EVENT TRIGGER migration_guard_table_rewrite DISABLE;
DROP EVENT TRIGGER migration_guard_sql_drop;
DROP EXTENSION migration_guard;
-- Making the policy stricter is allowed to everyone.
SET migration_guard.large_table_rows = 500;
SET migration_guard.rules = 'drop_column=error';
RESET migration_guard.rules;
RESET migration_guard.large_table_rows;
RESET ROLE;

-- The deploy role may acknowledge an exception for one transaction: the
-- statement runs, with a NOTICE (and a line in the server log).
SET ROLE regress_mg_deploy;
SET migration_guard.mode = enforce;
SET migration_guard.large_table_rows = 1000;
BEGIN;
SET LOCAL migration_guard.allow = 'index_not_concurrent';
CREATE INDEX ledger_id_idx ON ledger (id);
COMMIT;
SHOW migration_guard.allow;
-- ... but not downgrade a rule it was not granted.
SET migration_guard.rules = 'index_not_concurrent=off';
-- It may lower the mode: it was granted SET on it.
SET migration_guard.mode = warn;
RESET ROLE;

-- A role without privilege on a table gets the server's own error, and no
-- message of ours telling the table's size.
CREATE TABLE secret (id int);
INSERT INTO secret SELECT generate_series(1, 5000);
SET ROLE regress_mg_app;
SET migration_guard.mode = enforce;
SET migration_guard.large_table_rows = 1000;
CREATE INDEX secret_id_idx ON secret (id);
RESET ROLE;

-- Installing with a search_path that leads to objects planted by an
-- untrusted user: the script calls none of them.
CREATE SCHEMA planted;
CREATE FUNCTION planted.format(text, text) RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'planted function called'; RETURN ''; END $$;
CREATE FUNCTION planted.current_database() RETURNS name LANGUAGE plpgsql
  AS $$ BEGIN RAISE NOTICE 'planted function called'; RETURN 'x'; END $$;
SET search_path = planted, public;
DROP EXTENSION migration_guard;
CREATE EXTENSION migration_guard;
RESET search_path;
SELECT proname, proconfig FROM pg_proc
 WHERE pronamespace = 'migration_guard'::regnamespace ORDER BY proname;

RESET ALL;
ALTER DATABASE :"DBNAME" RESET migration_guard.mode;
\c
CALL quietly('DROP TABLE ledger, secret');
DROP SCHEMA planted CASCADE;
REVOKE CREATE ON SCHEMA public FROM regress_mg_app, regress_mg_deploy;
REVOKE SET ON PARAMETER migration_guard.allow FROM regress_mg_deploy;
REVOKE SET ON PARAMETER migration_guard.mode FROM regress_mg_deploy;
DROP ROLE regress_mg_app, regress_mg_deploy;
