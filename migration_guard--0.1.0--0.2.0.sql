-- migration_guard 0.1.0 -> 0.2.0: the history is recorded by default, with
-- ids that use no sequence, and rollback_script() shows, commented out, what
-- an irreversible step could still restore.
\echo Use "ALTER EXTENSION migration_guard UPDATE TO '0.2.0'" to load this file. \quit

-- (transaction id << 24) + the statement's number in its transaction:
-- nextval() on a sequence of ours would make lastval() answer for it.  Not
-- unique after a restore into another cluster: no unique index; rows are
-- found by time.
ALTER TABLE migration_guard.history ALTER COLUMN id DROP IDENTITY;
ALTER TABLE migration_guard.history DROP CONSTRAINT history_pkey;
CREATE INDEX history_executed_at_idx ON migration_guard.history (executed_at);

CREATE OR REPLACE FUNCTION migration_guard.rollback_script(since timestamptz)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT string_agg(migration_guard.undo_text(h), E'\n' ORDER BY h.executed_at DESC, h.id DESC)
    FROM migration_guard.history h
   WHERE h.executed_at >= since
$$;

CREATE OR REPLACE FUNCTION migration_guard.rollback_script(txid xid8)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT string_agg(migration_guard.undo_text(h), E'\n' ORDER BY h.executed_at DESC, h.id DESC)
    FROM migration_guard.history h
   WHERE h.transaction_id = txid
$$;

CREATE OR REPLACE FUNCTION migration_guard.undo_text(h migration_guard.history)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format(E'-- undo #%s (%s): %s\n%s', h.id, h.command, left(regexp_replace(h.statement, '\s+', ' ', 'g'), 60),
                CASE WHEN h.reversible THEN h.rollback_sql
                     ELSE '-- IRREVERSIBLE: ' || coalesce(h.irreversible_reason, 'no inverse known')
                          || coalesce(E'\n-- what can be restored once the rest is back:\n'
                                      || regexp_replace(h.rollback_sql, '^', '-- ', 'gn'), '') END)
$$;
