-- plan(), review() and report() judge a migration without executing it
-- (docs/security.md): where the model must evaluate an expression the
-- author wrote, it runs as the table's owner in a security-restricted
-- operation, never with the reviewer's rights; and the text recipes copy
-- from the statement is cut with the server's scanner, so that it holds
-- whole tokens only (no quote or comment left open for a later statement
-- of the migration to close).
SET migration_guard.mode = off;
SET migration_guard.large_table_rows = 1000;
CREATE ROLE regress_mg_author;
CREATE SCHEMA rs AUTHORIZATION regress_mg_author;
SET ROLE regress_mg_author;
CREATE TABLE rs.calls (who name);
CREATE FUNCTION rs.bound() RETURNS int LANGUAGE plpgsql VOLATILE
  AS $$ BEGIN INSERT INTO rs.calls VALUES (current_user); RETURN 1; END $$;
CREATE TABLE rs.p (k int) PARTITION BY LIST (k);
CREATE TABLE rs.c (k int);
INSERT INTO rs.c SELECT 1 FROM generate_series(1, 5000);
CREATE TABLE rs.checked (k text);
INSERT INTO rs.checked SELECT 'x' FROM generate_series(1, 5000);
CREATE TABLE rs.canary (id int);
CREATE TABLE rs.lp (k text) PARTITION BY LIST (k);
CREATE TABLE rs.lc (k text);
INSERT INTO rs.lc SELECT 'a;' FROM generate_series(1, 5000);
SELECT pg_stat_force_next_flush() \gset
ANALYZE rs.c, rs.checked, rs.lc;
RESET ROLE;

-- A superuser plans the author's ATTACH: the bound's function runs as its
-- owner (who could run it anyway), not as the superuser.
SELECT stmt_no, command, relation FROM migration_guard.plan(
  'ALTER TABLE rs.p ATTACH PARTITION rs.c FOR VALUES IN (rs.bound())');
SELECT who FROM rs.calls;

-- A CHECK expression with an escaped quote, and a later statement holding
-- text that would be SQL if the quote were left open: the recommended
-- migration parses into the intended statements, nothing on the canary.
SELECT migration_guard.report(
  $m$ALTER TABLE rs.checked ADD CONSTRAINT ck CHECK (k <> E'\'' || ')');
COMMENT ON TABLE rs.checked IS ') NOT VALID; DROP TABLE rs.canary; --';$m$, 'json')::jsonb->>'recommended_sql' AS sql \gset
SELECT stmt_no, command FROM migration_guard.plan(:'sql') ORDER BY 1;
-- A partition bound holding a ';' in a literal stays whole in the recipe.
SELECT f->>'safe_sql' AS recipe
  FROM jsonb_array_elements((migration_guard.report(
         $m$ALTER TABLE rs.lp ATTACH PARTITION rs.lc FOR VALUES IN ('a;') -- note$m$, 'json')::jsonb)->'statements') s,
       jsonb_array_elements(s->'findings') f
 WHERE f->>'rule' = 'attach_partition_scan';

DROP SCHEMA rs CASCADE;
DROP ROLE regress_mg_author;
RESET ALL;
