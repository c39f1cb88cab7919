-- migration_guard 0.2.0 -> 0.3.0
\echo Use "ALTER EXTENSION migration_guard UPDATE TO '0.3.0'" to load this file. \quit

-- ---------------------------------------------------------------- 0.3.0

-- Where each statement of a script starts and ends (line and column, in
-- characters, 1-based; the end is exclusive): CI annotations.
CREATE FUNCTION migration_guard.statement_locations(
    sql text,
    OUT stmt_no int,
    OUT line int,
    OUT col int,
    OUT end_line int,
    OUT end_col int,
    OUT "position" int)
RETURNS SETOF record
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_statement_locations';
COMMENT ON FUNCTION migration_guard.statement_locations(text) IS
  'where each statement of a script starts and ends, as the server''s parser splits it (stmt_no as in review())';

-- Production's facts in a shadow server (migration-guard review --production):
-- row and byte estimates and null fractions that plan(), plan_locks(),
-- review() and report() read instead of the live ones, in this session only.
-- The run-time guard (the hook) never reads them.  Superusers only.
CREATE FUNCTION migration_guard.override_facts(relations regclass[], rows bigint[], bytes bigint[])
RETURNS integer
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_override_facts';
COMMENT ON FUNCTION migration_guard.override_facts(regclass[], bigint[], bigint[]) IS
  'superuser: the row and byte estimates plan(), review() and report() use for these relations in this session (NULL: unknown); never read by the hook';

CREATE FUNCTION migration_guard.override_null_fractions(relations regclass[], columns name[], null_fracs real[])
RETURNS integer
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_override_null_fractions';
COMMENT ON FUNCTION migration_guard.override_null_fractions(regclass[], name[], real[]) IS
  'superuser: the null fractions plan(), review() and report() use for these columns in this session; never read by the hook';

CREATE FUNCTION migration_guard.clear_overrides()
RETURNS void
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_clear_overrides';
COMMENT ON FUNCTION migration_guard.clear_overrides() IS
  'superuser: forgets the facts set by override_facts() and override_null_fractions() in this session';

CREATE FUNCTION migration_guard.overrides(
    OUT relation regclass,
    OUT column_name text,
    OUT rows bigint,
    OUT bytes bigint,
    OUT null_frac real)
RETURNS SETOF record
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_overrides';
COMMENT ON FUNCTION migration_guard.overrides() IS
  'the facts overridden in this session, one row per relation or column';

REVOKE ALL ON FUNCTION migration_guard.override_facts(regclass[], bigint[], bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION migration_guard.override_null_fractions(regclass[], name[], real[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION migration_guard.clear_overrides() FROM PUBLIC;
