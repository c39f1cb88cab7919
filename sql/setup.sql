-- Installation, settings and their validation.
CREATE EXTENSION migration_guard;
SELECT migration_guard.is_preloaded();
SELECT evtname, evtevent, evtfoid::regproc FROM pg_event_trigger ORDER BY evtname;

-- Every setting and its default.
SELECT name, setting, unit, context FROM pg_settings
 WHERE name LIKE 'migration_guard.%' ORDER BY name;
SHOW migration_guard.large_table_size;

-- Invalid values are refused by the GUC machinery.
SET migration_guard.mode = 'bogus';
SET migration_guard.mode = '';
SET migration_guard.large_table_rows = 0;
SET migration_guard.large_table_rows = -5;
SET migration_guard.large_table_rows = 'many';
SET migration_guard.large_table_size = '10 parsecs';
-- Out of range: the server's message prints the units since PostgreSQL 18;
-- the SQLSTATE is the same everywhere.
\set VERBOSITY sqlstate
SET migration_guard.large_table_size = '0';
\set VERBOSITY default
SET migration_guard.no_such_setting = 'on';
-- Valid ones, with units.
SET migration_guard.mode = 'ENFORCE';
SHOW migration_guard.mode;
SET migration_guard.large_table_size = '1GB';
SHOW migration_guard.large_table_size;
RESET ALL;
SHOW migration_guard.mode;

-- The event-trigger functions refuse a direct call.
SELECT migration_guard.on_table_rewrite();
SELECT migration_guard.on_sql_drop();

-- The other test files run with a lock_timeout, as migrations should; the
-- locks test shows what happens without one.
ALTER DATABASE :"DBNAME" SET lock_timeout = '1min';

-- The tests clean up with this procedure: their DROP and TRUNCATE statements
-- are not what they test.
CREATE PROCEDURE quietly(sql text)
LANGUAGE plpgsql
SET migration_guard.mode = off
AS $$ BEGIN EXECUTE sql; END $$;
