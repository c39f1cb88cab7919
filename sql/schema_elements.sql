-- The statements nested in CREATE SCHEMA (its schema elements) are judged
-- like the same statements run on their own: an element can reach an
-- existing table (a new table's REFERENCES locks the referenced one).  Their
-- own sub-statements are not, and they are not recorded apart from the
-- schema (its DROP SCHEMA ... CASCADE undoes them).
SET migration_guard.mode = off;
SET migration_guard.large_table_rows = 1000;
CREATE TABLE se_big (id int PRIMARY KEY);
INSERT INTO se_big SELECT generate_series(1, 5000);
SELECT pg_stat_force_next_flush() \gset
ANALYZE se_big;
SET migration_guard.mode = warn;
SET lock_timeout = 0;   -- (the database of the suite sets one)
-- The lock request is judged: migration_guard.lock_timeout applies to it (and
-- lock_timeout_missing would speak if a session were in the way).
SET migration_guard.lock_timeout = '5s';
-- On its own: the lock on the referenced table is judged.
CREATE TABLE se_alone (big_id int REFERENCES se_big);
-- As a schema element: the same.
CREATE SCHEMA se
  CREATE TABLE child (big_id int REFERENCES public.se_big)
  CREATE INDEX ON child (big_id);
-- Elements that touch only new objects: silent.
CREATE SCHEMA se_quiet
  CREATE TABLE t (id int PRIMARY KEY)
  CREATE INDEX ON t (id);
SET migration_guard.mode = off;
DROP SCHEMA se, se_quiet CASCADE;
DROP TABLE se_alone, se_big;
RESET ALL;
