-- migration_guard 0.1.0
\echo Use "CREATE EXTENSION migration_guard" to load this file. \quit

COMMENT ON SCHEMA migration_guard IS 'migration_guard: functions and event triggers';

CREATE FUNCTION migration_guard.is_preloaded()
RETURNS boolean
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'mg_is_preloaded';
COMMENT ON FUNCTION migration_guard.is_preloaded() IS
  'true when the library was loaded at server or session start, so that its hook sees every statement';

CREATE FUNCTION migration_guard.on_table_rewrite()
RETURNS event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'mg_on_table_rewrite';

CREATE FUNCTION migration_guard.on_sql_drop()
RETURNS event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'mg_on_sql_drop';

CREATE EVENT TRIGGER migration_guard_table_rewrite ON table_rewrite
  EXECUTE FUNCTION migration_guard.on_table_rewrite();
CREATE EVENT TRIGGER migration_guard_sql_drop ON sql_drop
  EXECUTE FUNCTION migration_guard.on_sql_drop();

DO $$
BEGIN
  IF NOT migration_guard.is_preloaded() THEN
    RAISE WARNING 'migration_guard is installed but not preloaded'
      USING DETAIL = 'Without preloading, its hook is active only in sessions that happened to load the library, and DDL elsewhere is not checked.',
            HINT = 'Add migration_guard to shared_preload_libraries in postgresql.conf and restart the server, or run: ALTER DATABASE '
                   || quote_ident(current_database()) || ' SET session_preload_libraries = ''migration_guard'';';
  END IF;
END
$$;
