-- migration_guard 0.2.0 -> 0.3.0: rollback_script() keeps every line of its
-- prose a comment whatever the object names hold (a name with a line break
-- in it could end a "--" comment and put live SQL into the script).
\echo Use "ALTER EXTENSION migration_guard UPDATE TO '0.3.0'" to load this file. \quit

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

