-- Privilege decides only what a message may reveal, never whether a
-- statement is judged (docs/security.md): every relation a statement names
-- is judged, ownership counts even when the owner revoked its own
-- privileges, and facts a role may not read (pg_statistic, which pg_stats
-- hides) decide nothing it sees.
SET migration_guard.mode = off;
CREATE ROLE regress_mg_owner;
CREATE ROLE regress_mg_reader;
GRANT CREATE ON SCHEMA public TO regress_mg_owner;
SET ROLE regress_mg_owner;
CREATE TABLE priv_big (id int, note text);
INSERT INTO priv_big SELECT g, NULL FROM generate_series(1, 5000) g;
CREATE TABLE priv_decoy (id int);
SELECT pg_stat_force_next_flush() \gset
ANALYZE priv_big, priv_decoy;
GRANT SELECT (id) ON priv_big TO regress_mg_reader;
RESET ROLE;
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
SET lock_timeout = '5s';

-- A decoy named first hides nothing: every table of the statement is judged.
SET ROLE regress_mg_owner;
DROP TABLE priv_decoy, priv_big;
TRUNCATE priv_decoy, priv_big;
-- The owner that revoked its own privileges is still judged.
REVOKE ALL ON priv_big FROM regress_mg_owner;
SELECT has_table_privilege('priv_big', 'SELECT') AS owner_can_select;
DROP TABLE priv_big;
GRANT ALL ON priv_big TO regress_mg_owner;
-- Its column "note" is all NULL: the owner may drop it (the statistics say
-- so, and it may read them).
SELECT rule FROM migration_guard.review('ALTER TABLE priv_big DROP COLUMN note')
 WHERE rule = 'drop_column';
RESET ROLE;

-- A role that may not read "note" is not told it is all NULL: for it the
-- drop is flagged, as for any column whose content it cannot know.
SET ROLE regress_mg_reader;
SELECT rule FROM migration_guard.review('ALTER TABLE priv_big DROP COLUMN note')
 WHERE rule = 'drop_column';
-- Nor does the hook speak about a table it holds no table privilege on (a
-- column's is not one): the server's own error follows.
CREATE INDEX ON priv_big (id);
RESET ROLE;

-- A table read through a view (issue 14.6): the role may read the view, not
-- the table behind it.  Its lock is modelled, its size is not told: plan()
-- gives no estimate, a long read through the view under a held lock is not
-- described, and a refresh is judged without it.
SET ROLE regress_mg_owner;
CREATE VIEW priv_view AS SELECT id FROM priv_big;
GRANT SELECT ON priv_view TO regress_mg_reader;
RESET ROLE;
GRANT CREATE ON SCHEMA public TO regress_mg_reader;
SET ROLE regress_mg_reader;
SET migration_guard.mode = warn;
CREATE TABLE priv_own (id int);
INSERT INTO priv_own SELECT g FROM generate_series(1, 5000) g;
ANALYZE priv_own;
SELECT relation, lock_mode, effect FROM migration_guard.plan_locks(
  'CREATE TABLE priv_copy AS SELECT * FROM priv_view') ORDER BY 1;
SELECT relation, rows_estimate, bytes_estimate FROM migration_guard.plan(
  'CREATE TABLE priv_copy AS SELECT * FROM priv_big');
BEGIN;
ALTER TABLE priv_own ADD COLUMN x int;
CREATE TABLE priv_copy AS SELECT * FROM priv_view;
CREATE TABLE priv_copy2 AS SELECT * FROM priv_own;
ROLLBACK;
CREATE MATERIALIZED VIEW priv_mv AS SELECT * FROM priv_view WHERE id < 0;
REFRESH MATERIALIZED VIEW priv_mv;
SELECT rule FROM migration_guard.review('REFRESH MATERIALIZED VIEW priv_mv');
RESET ROLE;
SET migration_guard.mode = off;
DROP MATERIALIZED VIEW priv_mv;
DROP TABLE priv_own;
-- A role that may read the table is told: the same refresh is flagged.
CREATE MATERIALIZED VIEW priv_mv_owner AS SELECT * FROM priv_view WHERE id < 0;
SET migration_guard.mode = warn;
SELECT rule FROM migration_guard.review('REFRESH MATERIALIZED VIEW priv_mv_owner');
SET migration_guard.mode = off;
DROP MATERIALIZED VIEW priv_mv_owner;
REVOKE CREATE ON SCHEMA public FROM regress_mg_reader;

RESET lock_timeout;
SET migration_guard.mode = off;
DROP VIEW priv_view;
DROP TABLE priv_big, priv_decoy;
REVOKE CREATE ON SCHEMA public FROM regress_mg_owner;
DROP ROLE regress_mg_owner, regress_mg_reader;
RESET ALL;
