-- migration_guard 0.2.0 -> 0.3.0: the findings store (migration_guard.findings),
-- history rows tied to a migration (migration_guard.migration_id), and a
-- rollback_script() whose prose stays a comment whatever the object names hold
-- (a name with a line break in it could end a "--" comment).
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

