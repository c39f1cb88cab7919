-- unique_constraint_builds_index: ADD CONSTRAINT UNIQUE, PRIMARY KEY or
-- EXCLUDE builds its index on a large table under ACCESS EXCLUSIVE.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE orders (id int, note varchar(40));
INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 5000) g;
CREATE TABLE small (id int, note varchar(40));
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE orders, small;
SET migration_guard.mode = enforce;

-- UNIQUE, PRIMARY KEY, EXCLUDE on a large table: flagged; a small one: silent.
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id);
ALTER TABLE orders ADD PRIMARY KEY (id);
ALTER TABLE orders ADD CONSTRAINT orders_id_excl EXCLUDE USING btree (id WITH =);
ALTER TABLE small ADD CONSTRAINT small_id_key UNIQUE (id);
-- ... silent with USING INDEX (the recipe).
CREATE UNIQUE INDEX CONCURRENTLY orders_id_key ON orders (id);
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE USING INDEX orders_id_key;

-- Written inline in ADD COLUMN: the same index build, judged the same way;
-- the recipe adds the column first.  A small table: silent.
ALTER TABLE orders ADD COLUMN code text UNIQUE;
\set VERBOSITY terse
ALTER TABLE orders ADD COLUMN code2 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
\set VERBOSITY default
ALTER TABLE small ADD COLUMN code text UNIQUE;
SELECT relation, lock_mode, effect, cause FROM migration_guard.plan_locks('ALTER TABLE orders ADD COLUMN code3 text NOT NULL DEFAULT '''' UNIQUE');

CALL quietly('DROP TABLE orders, small');
RESET ALL;
