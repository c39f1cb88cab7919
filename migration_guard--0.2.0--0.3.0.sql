-- migration_guard 0.2.0 -> 0.3.0: the findings store (migration_guard.findings),
-- history rows tied to a migration (migration_guard.migration_id), and a
-- rollback_script() whose prose stays a comment whatever the object names hold
-- (a name with a line break in it could end a "--" comment); statement
-- locations for CI annotations, and production's facts for plan()/review()/
-- report() (superuser only; never read by the hook).
\echo Use "ALTER EXTENSION migration_guard UPDATE TO '0.3.0'" to load this file. \quit

-- migration_guard.migration_id when the statement ran: the migration, as the tool names it.
ALTER TABLE migration_guard.history ADD COLUMN migration_id text;

-- The findings store (shared memory, needs shared_preload_libraries): every
-- finding the server raised, logged, warned, acknowledged or rejected, kept
-- even when its transaction rolled back.  A role sees its own rows (and those
-- of the roles whose privileges it has); superusers and pg_read_all_stats
-- see all.
CREATE FUNCTION migration_guard.stored_findings(
    OUT id bigint,
    OUT found_at timestamptz,
    OUT userid oid,
    OUT dbid oid,
    OUT pid int,
    OUT application_name text,
    OUT migration_id text,
    OUT statement text,
    OUT rule text,
    OUT relation text,
    OUT severity text,
    OUT decision text,
    OUT message text)
RETURNS SETOF record
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_stored_findings';

CREATE VIEW migration_guard.findings AS
  SELECT f.id, f.found_at, r.rolname AS username, d.datname AS database, f.pid,
         f.application_name, f.migration_id, f.statement, f.rule, f.relation,
         f.severity, f.decision, f.message
    FROM migration_guard.stored_findings() f
    LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) f.userid
    LEFT JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) f.dbid;
COMMENT ON VIEW migration_guard.findings IS
  'every finding raised (logged, warned, acknowledged, rejected), rolled-back statements included: one''s own, or all for pg_read_all_stats';
GRANT SELECT ON migration_guard.findings TO PUBLIC;

CREATE FUNCTION migration_guard.findings_info(
    OUT capacity int,
    OUT kept bigint,
    OUT evicted bigint,
    OUT reset_at timestamptz)
RETURNS record
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_stored_findings_info';

CREATE VIEW migration_guard.findings_info AS
  SELECT capacity, kept, evicted, reset_at FROM migration_guard.findings_info();
COMMENT ON VIEW migration_guard.findings_info IS
  'the findings store: its size (migration_guard.findings_max), the entries kept, and those evicted since the last reset';
GRANT SELECT ON migration_guard.findings_info TO PUBLIC;

CREATE FUNCTION migration_guard.findings_reset()
RETURNS void
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_stored_findings_reset';
COMMENT ON FUNCTION migration_guard.findings_reset() IS
  'forgets every kept finding and the eviction count (superusers, and roles granted EXECUTE)';
REVOKE ALL ON FUNCTION migration_guard.findings_reset() FROM PUBLIC;

-- The undo of one history row: its statement, or why there is none.  Every
-- line of the prose it adds (names included) is a comment, whatever the
-- names hold: the server's lexer ends a "--" comment at \n and at \r, so
-- each line break in the reason, or in the commented-out SQL of an
-- irreversible step, starts a new "-- " line.
CREATE OR REPLACE FUNCTION migration_guard.undo_text(h migration_guard.history)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format(E'-- undo #%s (%s): %s\n%s', h.id,
                regexp_replace(h.command, '[[:space:][:cntrl:]]+', ' ', 'g'),
                left(regexp_replace(h.statement, '[[:space:][:cntrl:]]+', ' ', 'g'), 60),
                CASE WHEN h.reversible THEN h.rollback_sql
                     ELSE '-- IRREVERSIBLE: '
                          || regexp_replace(coalesce(h.irreversible_reason, 'no inverse known'),
                                            E'\r\n?|\n', E'\n-- ', 'g')
                          || coalesce(E'\n-- what can be restored once the rest is back:\n-- '
                                      || regexp_replace(h.rollback_sql, E'\r\n?|\n', E'\n-- ', 'g'), '') END)
$$;

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
