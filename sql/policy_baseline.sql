-- The administrators' setting is the baseline (docs/security.md): a role
-- that may not weaken the policy cannot get under what the file, ALTER
-- DATABASE or a trusted ALTER ROLE set, whatever the path: connection
-- options, its own role settings written earlier or from another database,
-- SET.  The lock policy is protected the same way.
SELECT current_database() AS regress_db \gset
-- Real connections: pg_virtualenv's clusters want the password it set.
\getenv pw PGPASSWORD
\if :{?pw}
\else
\set pw 'trust'
\endif
SET client_min_messages = warning;
CREATE ROLE regress_mg_owner LOGIN PASSWORD :'pw';
CREATE ROLE regress_mg_granted LOGIN PASSWORD :'pw';
GRANT SET ON PARAMETER migration_guard.mode TO regress_mg_granted;
CREATE DATABASE regress_mg_other;
CREATE DATABASE regress_mg_owned OWNER regress_mg_owner;
RESET client_min_messages;

-- Before the administrators turn enforce on, each role stores 'warn' for
-- itself (not weaker than the default then), one of them from another database.
\c :regress_db regress_mg_owner
ALTER ROLE regress_mg_owner SET migration_guard.mode = warn;
\c regress_mg_other regress_mg_owner
ALTER ROLE regress_mg_owner IN DATABASE :"regress_db" SET migration_guard.on_lock_conflict = warn;
\c :regress_db regress_mg_granted
ALTER ROLE regress_mg_granted SET migration_guard.mode = warn;

-- The administrators' policy for the database.
\c :regress_db postgres
ALTER DATABASE :"regress_db" SET migration_guard.mode = enforce;
ALTER DATABASE :"regress_db" SET migration_guard.rules = 'rename_table=error';
ALTER DATABASE :"regress_db" SET migration_guard.on_lock_conflict = fail;
ALTER DATABASE :"regress_db" SET migration_guard.lock_timeout = '2s';
ALTER DATABASE :"regress_db" SET migration_guard.max_blocker_age = '5s';
ALTER DATABASE :"regress_db" SET migration_guard.lock_wait_max = '10s';

-- The role's own stored values are weaker: refused at connection, not applied.
\c :regress_db regress_mg_owner
SELECT current_setting('migration_guard.mode') AS mode,
       current_setting('migration_guard.on_lock_conflict') AS on_lock_conflict,
       current_setting('migration_guard.rules') AS rules;
-- The role granted SET on the mode keeps its own.
\c :regress_db regress_mg_granted
SHOW migration_guard.mode;

-- Connection options cannot weaken it either (PGOPTIONS, any client's startup
-- options): the connection is refused; a value as strict is accepted.
\c :regress_db postgres
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE FUNCTION pg_temp.connect_with(options text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  PERFORM dblink_connect('mg_options',
    format('host=%s port=%s dbname=%s user=regress_mg_owner password=%s options=%L',
           -- the way this session came in: TCP (pg_virtualenv) or the socket
           coalesce(host(inet_server_addr()),
                    split_part(current_setting('unix_socket_directories'), ',', 1)),
           current_setting('port'),
           current_database(), current_setting('mg.pw'), options));
  RETURN (SELECT s FROM dblink('mg_options',
            $q$SELECT current_setting('migration_guard.mode') || ' ' || current_setting('migration_guard.large_table_rows')$q$)
            AS t(s text))
         || (SELECT '' FROM dblink_disconnect('mg_options'));
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN regexp_replace(detail, '^.*FATAL:\s*', 'FATAL: ');
END $$;
SELECT set_config('mg.pw', :'pw', false) IS NOT NULL AS pw_set;
SELECT pg_temp.connect_with('-c migration_guard.mode=warn') AS mode_warn;
SELECT pg_temp.connect_with('-c migration_guard.rules=') AS rules_cleared;
SELECT pg_temp.connect_with('-c migration_guard.lock_timeout=0') AS no_lock_timeout;
SELECT pg_temp.connect_with('-c migration_guard.mode=enforce -c migration_guard.large_table_rows=10') AS stricter;
DROP EXTENSION dblink;
\c :regress_db regress_mg_owner

-- SET is measured against the baseline, not against the session's value.
SET migration_guard.mode = warn;
SET migration_guard.large_table_rows = 100000;
RESET migration_guard.large_table_rows;
SET migration_guard.rules = '';
SET migration_guard.rules = 'rename_table=error, rename_column=error';
-- The lock policy: no weaker conflict policy, no longer or missing
-- lock_timeout, no larger blocker age or wait; stricter values are fine.
SET migration_guard.on_lock_conflict = wait;
SET migration_guard.on_lock_conflict = warn;
SET migration_guard.on_lock_conflict = poll;
SET migration_guard.lock_timeout = 0;
SET migration_guard.lock_timeout = '10s';
SET migration_guard.lock_timeout = '1s';
SET migration_guard.max_blocker_age = '1h';
SET migration_guard.max_blocker_age = '1s';
SET migration_guard.lock_wait_max = '1min';
SET migration_guard.lock_wait_max = '5s';
SELECT current_setting('migration_guard.on_lock_conflict') AS on_lock_conflict,
       current_setting('migration_guard.lock_timeout') AS lock_timeout,
       current_setting('migration_guard.max_blocker_age') AS max_blocker_age,
       current_setting('migration_guard.lock_wait_max') AS lock_wait_max;

-- A database owner without the privilege cannot weaken its own database's
-- policy below the file's: not when writing it, not when a superuser wrote it.
\c regress_mg_owned regress_mg_owner
ALTER DATABASE regress_mg_owned SET migration_guard.mode = off;
\c regress_mg_owned postgres
ALTER DATABASE regress_mg_owned SET migration_guard.mode = log;
\c regress_mg_owned regress_mg_owner
SHOW migration_guard.mode;

\c :regress_db postgres
ALTER DATABASE :"regress_db" RESET migration_guard.mode;
ALTER DATABASE :"regress_db" RESET migration_guard.rules;
ALTER DATABASE :"regress_db" RESET migration_guard.on_lock_conflict;
ALTER DATABASE :"regress_db" RESET migration_guard.lock_timeout;
ALTER DATABASE :"regress_db" RESET migration_guard.max_blocker_age;
ALTER DATABASE :"regress_db" RESET migration_guard.lock_wait_max;

-- A role-level value is the session user's: SET ROLE to a role of which it
-- is a member does not leave it behind.
CREATE ROLE regress_mg_group;
GRANT regress_mg_group TO regress_mg_owner;
ALTER ROLE regress_mg_owner IN DATABASE :"regress_db" SET migration_guard.mode = enforce;
\c :regress_db regress_mg_owner
SET ROLE regress_mg_group;
SET migration_guard.mode = warn;
RESET ROLE;
SHOW migration_guard.mode;
\c :regress_db postgres
SET client_min_messages = warning;
DROP DATABASE regress_mg_other;
DROP DATABASE regress_mg_owned;
ALTER ROLE regress_mg_owner RESET ALL;
ALTER ROLE regress_mg_owner IN DATABASE :"regress_db" RESET ALL;
ALTER ROLE regress_mg_granted RESET ALL;
REVOKE SET ON PARAMETER migration_guard.mode FROM regress_mg_granted;
DROP ROLE regress_mg_owner, regress_mg_granted, regress_mg_group;
