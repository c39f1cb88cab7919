-- Sizes that cannot be faked (docs/security.md): statistics a role can leave
-- behind without removing a row do not make a populated table look empty.
-- ANALYZE in a transaction that deleted every row and then rolled back
-- leaves reltuples = 0 in pg_class (its update is in place); the cumulative
-- statistics' live rows still count the rows, and the larger estimate wins.
CREATE ROLE regress_mg_faker;
GRANT CREATE ON SCHEMA public TO regress_mg_faker;
SET ROLE regress_mg_faker;
CREATE TABLE faked (id int, pad text);
INSERT INTO faked SELECT g, repeat('x', 50) FROM generate_series(1, 5000) g;
ANALYZE faked;
CREATE TABLE emptied (id int, pad text);
INSERT INTO emptied SELECT g, repeat('x', 50) FROM generate_series(1, 5000) g;
SELECT pg_stat_force_next_flush();
-- The fake: every row deleted and analyzed, then rolled back.
BEGIN;
DELETE FROM faked;
ANALYZE faked;
ROLLBACK;
-- The real thing: every row deleted for good, then analyzed.
DELETE FROM emptied;
ANALYZE emptied;
SELECT pg_stat_force_next_flush();
SELECT relname, reltuples, relpages > 0 AS has_pages FROM pg_class
 WHERE relname IN ('faked', 'emptied') ORDER BY relname;
SELECT relation, rows_estimate FROM migration_guard.plan('DROP TABLE faked; DROP TABLE emptied') ORDER BY 1;

SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = enforce;
SET lock_timeout = '5s';
-- The faked table is still judged by its rows: rejected.
DROP TABLE faked;
TRUNCATE faked;
-- The emptied one really is empty: silent.
DROP TABLE emptied;
RESET lock_timeout;
RESET migration_guard.mode;
RESET migration_guard.large_table_rows;
DROP TABLE faked;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM regress_mg_faker;
DROP ROLE regress_mg_faker;
