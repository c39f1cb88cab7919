-- migration_guard 0.3.0
\echo Use "CREATE EXTENSION migration_guard" to load this file. \quit

COMMENT ON SCHEMA migration_guard IS 'migration_guard: functions and event triggers';
-- plan(), review(), report(), the rules and one's own history are for everyone.
GRANT USAGE ON SCHEMA migration_guard TO PUBLIC;

CREATE FUNCTION migration_guard.is_preloaded()
RETURNS boolean
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_is_preloaded';
COMMENT ON FUNCTION migration_guard.is_preloaded() IS
  'true when the library was loaded at server or session start, so that its hook sees every statement';

CREATE FUNCTION migration_guard.on_table_rewrite()
RETURNS event_trigger
LANGUAGE C
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_on_table_rewrite';

CREATE FUNCTION migration_guard.on_sql_drop()
RETURNS event_trigger
LANGUAGE C
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_on_sql_drop';

CREATE EVENT TRIGGER migration_guard_table_rewrite ON table_rewrite
  EXECUTE FUNCTION migration_guard.on_table_rewrite();
CREATE EVENT TRIGGER migration_guard_sql_drop ON sql_drop
  EXECUTE FUNCTION migration_guard.on_sql_drop();

DO $$
BEGIN
  IF NOT migration_guard.is_preloaded() OPERATOR(pg_catalog.=) true THEN
    RAISE WARNING 'migration_guard is installed but not preloaded'
      USING DETAIL = 'Without preloading, its hook is active only in sessions that happened to load the library, and DDL elsewhere is not checked.',
            HINT = pg_catalog.format('Add migration_guard to shared_preload_libraries in postgresql.conf and restart the server, or run: ALTER DATABASE %I SET session_preload_libraries = ''migration_guard'';',
                                     pg_catalog.current_database());
  END IF;
END
$$;

-- plan(), plan_locks(), review() and report() resolve the names of the
-- migration they are given with the caller's search_path, like the migration
-- itself will: they are the only functions without a fixed search_path, and
-- they run no SQL of their own.

-- The model of each statement of a script, without executing anything.
CREATE FUNCTION migration_guard.plan(
    sql text,
    OUT stmt_no int,
    OUT statement text,
    OUT command text,
    OUT relation text,
    OUT lock_mode text,
    OUT other_locks text[],
    OUT effect text,
    OUT rows_estimate bigint,
    OUT bytes_estimate bigint)
RETURNS SETOF record
LANGUAGE C STRICT VOLATILE
AS 'MODULE_PATHNAME', 'mg_plan';
COMMENT ON FUNCTION migration_guard.plan(text) IS
  'what each statement of a script would lock and do, read from the catalogs, without executing it';

CREATE FUNCTION migration_guard.rule_catalog(
    OUT id text,
    OUT severity text,
    OUT summary text,
    OUT explanation text,
    OUT recipe text)
RETURNS SETOF record
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mg_rules';

CREATE VIEW migration_guard.rules AS
  SELECT id, severity, summary, explanation, recipe FROM migration_guard.rule_catalog();
COMMENT ON VIEW migration_guard.rules IS 'the rules migration_guard applies, with their default severity and safe recipe';

-- Every relation each statement would lock, with the mode and the effect.
CREATE FUNCTION migration_guard.plan_locks(
    sql text,
    OUT stmt_no int,
    OUT relid oid,
    OUT relation text,
    OUT lock_mode text,
    OUT effect text,
    OUT cause text,
    OUT is_target boolean)
RETURNS SETOF record
LANGUAGE C STRICT VOLATILE
AS 'MODULE_PATHNAME', 'mg_plan_locks';
COMMENT ON FUNCTION migration_guard.plan_locks(text) IS
  'one row per statement and relation of plan(): lock mode, effect and its cause';

-- A whole migration script judged without executing it: one row per finding.
CREATE FUNCTION migration_guard.review(
    sql text,
    in_transaction boolean DEFAULT false,
    OUT stmt_no int,
    OUT statement text,
    OUT rule text,
    OUT severity text,
    OUT relation text,
    OUT message text,
    OUT detail text,
    OUT hint text)
RETURNS SETOF record
LANGUAGE C STRICT VOLATILE
AS 'MODULE_PATHNAME', 'mg_review_sql';
COMMENT ON FUNCTION migration_guard.review(text, boolean) IS
  'the findings of every statement of a migration script, judged in sequence, without executing it';

-- The same review as a Markdown or JSON document.
CREATE FUNCTION migration_guard.report(
    sql text,
    format text DEFAULT 'markdown',
    in_transaction boolean DEFAULT false)
RETURNS text
LANGUAGE C STRICT VOLATILE
AS 'MODULE_PATHNAME', 'mg_report_sql';
COMMENT ON FUNCTION migration_guard.report(text, text, boolean) IS
  'the review of a migration script as a Markdown (format => ''markdown'') or JSON (format => ''json'') report';

-- The history of the DDL statements migration_guard judged, written in the
-- same transaction as the statement (a rolled-back migration leaves no row),
-- with the SQL that undoes each one when it is known.  Readable by the role
-- that ran the statement (row level security) and by superusers; written
-- only by the extension (its insert runs as the table's owner).
CREATE TABLE migration_guard.history (
    -- (transaction id << 24) + the statement's number in its transaction: in
    -- execution order within a transaction.  Not unique after a restore into
    -- another cluster, whose transaction ids start again: no unique index.
    -- Not a sequence: nextval() would make lastval() answer for it.
    id bigint NOT NULL,
    executed_at timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
    transaction_id xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    username name NOT NULL,
    application_name text,
    statement text NOT NULL,
    command text NOT NULL,
    relations text[] NOT NULL DEFAULT '{}',
    findings text[] NOT NULL DEFAULT '{}',
    decision text NOT NULL CHECK (decision IN ('allowed', 'warned', 'acknowledged')),
    rollback_sql text,
    reversible boolean NOT NULL,
    irreversible_reason text,
    -- migration_guard.migration_id when the statement ran: the migration, as the tool names it.
    migration_id text
) WITH (
    -- Append-only, a row per DDL statement: analysing it every 50 rows, as
    -- autovacuum would for a small table, costs more than the rows.
    autovacuum_analyze_threshold = 100000,
    autovacuum_vacuum_insert_threshold = 100000
);
-- rollback_script(since) and the pruning find rows by time.
CREATE INDEX history_executed_at_idx ON migration_guard.history (executed_at);
COMMENT ON TABLE migration_guard.history IS
  'every DDL statement migration_guard judged: who, what, the findings, the decision, and the SQL that undoes it';
REVOKE ALL ON migration_guard.history FROM PUBLIC;
GRANT SELECT ON migration_guard.history TO PUBLIC;
ALTER TABLE migration_guard.history ENABLE ROW LEVEL SECURITY;
CREATE POLICY history_own_rows ON migration_guard.history FOR SELECT
  USING (username OPERATOR(pg_catalog.=) CURRENT_USER);
SELECT pg_catalog.pg_extension_config_dump('migration_guard.history', '');

-- The undo of one history row: its statement, or why there is none.  Every
-- line of the prose it adds (names included) is a comment, whatever the
-- names hold: the server's lexer ends a "--" comment at \n and at \r, so
-- each line break in the reason, or in the commented-out SQL of an
-- irreversible step, starts a new "-- " line.
CREATE FUNCTION migration_guard.undo_text(h migration_guard.history)
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

-- The statements that undo what ran since a point in time, or in one
-- transaction, last first, with every irreversible step called out in a
-- comment.
CREATE FUNCTION migration_guard.rollback_script(since timestamptz)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT string_agg(migration_guard.undo_text(h), E'\n' ORDER BY h.executed_at DESC, h.id DESC)
    FROM migration_guard.history h
   WHERE h.executed_at >= since
$$;

CREATE FUNCTION migration_guard.rollback_script(txid xid8)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT string_agg(migration_guard.undo_text(h), E'\n' ORDER BY h.executed_at DESC, h.id DESC)
    FROM migration_guard.history h
   WHERE h.transaction_id = txid
$$;

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
