-- Production's facts in a shadow server: override_facts() and
-- override_null_fractions() replace the live row estimates, sizes and null
-- fractions for plan(), plan_locks(), review() and report() only.  The hook
-- never reads them (they cannot weaken the run-time guard), and only a
-- superuser may set them.
SET migration_guard.large_table_rows = 1000;
SET migration_guard.mode = off;
CREATE TABLE fo_small (id int PRIMARY KEY, v int, note text);
INSERT INTO fo_small SELECT g, g, 'note ' || g FROM generate_series(1, 10) g;
CREATE TABLE fo_big (id int PRIMARY KEY, v int, note text);
INSERT INTO fo_big SELECT g, g % 97, 'row ' || g FROM generate_series(1, 5000) g;
CREATE TABLE fo_parts (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE fo_parts_1 PARTITION OF fo_parts FOR VALUES FROM (0) TO (100);
CREATE TABLE fo_parts_2 PARTITION OF fo_parts FOR VALUES FROM (100) TO (200);
ANALYZE fo_small, fo_big, fo_parts;

-- Before: the live facts.
SELECT relation, rows_estimate FROM migration_guard.plan('CREATE INDEX ON fo_small (v); CREATE INDEX ON fo_big (v)');

-- Production says fo_small holds ten million rows, fo_big none, and each
-- partition of fo_parts three thousand; fo_small.note is entirely NULL
-- there (here it has values), fo_big.note never.
SELECT migration_guard.override_facts(ARRAY['fo_small', 'fo_big', 'fo_parts_1', 'fo_parts_2']::regclass[],
                                      ARRAY[10000000, 0, 3000, 3000], ARRAY[8000000000, 0, 131072, 131072]);
SELECT migration_guard.override_null_fractions(ARRAY['fo_small', 'fo_big']::regclass[],
                                               ARRAY['note', 'note']::name[], ARRAY[1, 0]::real[]);
SELECT relation, column_name, rows, bytes, null_frac FROM migration_guard.overrides()
 ORDER BY relation::text, column_name NULLS FIRST;

-- plan(), plan_locks(), review() and report() judge by them: the partitioned
-- table adds up its partitions.
SELECT relation, rows_estimate, bytes_estimate
  FROM migration_guard.plan('CREATE INDEX ON fo_small (v); CREATE INDEX ON fo_big (v); CREATE INDEX ON fo_parts (k)');
SELECT stmt_no, relation, effect FROM migration_guard.plan_locks('CREATE INDEX ON fo_parts (k)') ORDER BY stmt_no, relation;
SELECT stmt_no, rule, severity, relation
  FROM migration_guard.review('CREATE INDEX ON fo_small (v); CREATE INDEX ON fo_big (v); CREATE INDEX ON fo_parts (k)');
SELECT line FROM regexp_split_to_table(migration_guard.report('CREATE INDEX ON fo_small (v)'), E'\n') line
 WHERE line LIKE '| public.fo_small |%';
-- The null fraction: dropping a column that production has only NULLs in
-- loses nothing; the other column (live statistics) has values.
SELECT stmt_no, rule, relation
  FROM migration_guard.review('ALTER TABLE fo_small DROP COLUMN note; ALTER TABLE fo_small DROP COLUMN v');

-- The hook ignores them, both ways: in enforce mode the index on the table
-- that really is large is still rejected (the override said it was empty) ...
SET migration_guard.mode = enforce;
CREATE INDEX fo_big_v_idx ON fo_big (v);
-- ... and the one on the table that really is small is allowed (the override
-- said ten million rows).
CREATE INDEX fo_small_v_idx ON fo_small (v);
DROP INDEX fo_small_v_idx;
-- ... and a column that has values is not dropped on the override's word
-- that it holds only NULLs.
SET migration_guard.rules = 'drop_column=error';
ALTER TABLE fo_small DROP COLUMN note;
RESET migration_guard.rules;
SET migration_guard.mode = off;

-- Bad input: clear errors, nothing stored half-way.
SELECT migration_guard.override_facts(ARRAY['fo_small']::regclass[], ARRAY[1, 2], ARRAY[1]);
SELECT migration_guard.override_facts(ARRAY['fo_small']::regclass[], ARRAY[-1], ARRAY[1]);
SELECT migration_guard.override_facts(ARRAY[NULL]::regclass[], ARRAY[1], ARRAY[1]);
SELECT migration_guard.override_facts(ARRAY[0]::regclass[], ARRAY[1], ARRAY[1]);
SELECT migration_guard.override_facts(ARRAY[['fo_small'], ['fo_big']]::regclass[], ARRAY[1, 2], ARRAY[1, 2]);
SELECT migration_guard.override_null_fractions(ARRAY['fo_small']::regclass[], ARRAY['nope']::name[], ARRAY[0.5]::real[]);
SELECT migration_guard.override_null_fractions(ARRAY['fo_small']::regclass[], ARRAY['note']::name[], ARRAY[1.5]::real[]);
-- NULL rows and bytes: unknown.
SELECT migration_guard.override_facts(ARRAY['fo_parts_2']::regclass[], ARRAY[NULL]::bigint[], ARRAY[NULL]::bigint[]);
SELECT relation, rows, bytes FROM migration_guard.overrides() WHERE relation = 'fo_parts_2'::regclass;

-- Only a superuser may set or clear them: EXECUTE is revoked from PUBLIC ...
CREATE ROLE regress_mg_facts;
GRANT USAGE ON SCHEMA migration_guard TO regress_mg_facts;
SET ROLE regress_mg_facts;
SELECT migration_guard.override_facts(ARRAY['fo_big']::regclass[], ARRAY[0], ARRAY[0]);
SELECT migration_guard.clear_overrides();
RESET ROLE;
-- ... and granting EXECUTE is not enough either.
GRANT EXECUTE ON FUNCTION migration_guard.override_facts(regclass[], bigint[], bigint[]),
                          migration_guard.override_null_fractions(regclass[], name[], real[]),
                          migration_guard.clear_overrides() TO regress_mg_facts;
SET ROLE regress_mg_facts;
SELECT migration_guard.override_facts(ARRAY['fo_big']::regclass[], ARRAY[0], ARRAY[0]);
SELECT migration_guard.override_null_fractions(ARRAY['fo_big']::regclass[], ARRAY['v']::name[], ARRAY[1]::real[]);
SELECT migration_guard.clear_overrides();
RESET ROLE;

-- Cleared: the live facts again.
SELECT migration_guard.clear_overrides();
SELECT count(*) AS overrides FROM migration_guard.overrides();
SELECT relation, rows_estimate FROM migration_guard.plan('CREATE INDEX ON fo_small (v); CREATE INDEX ON fo_big (v)');

REVOKE ALL ON FUNCTION migration_guard.override_facts(regclass[], bigint[], bigint[]),
                       migration_guard.override_null_fractions(regclass[], name[], real[]),
                       migration_guard.clear_overrides() FROM regress_mg_facts;
REVOKE USAGE ON SCHEMA migration_guard FROM regress_mg_facts;
DROP ROLE regress_mg_facts;
DROP TABLE fo_small, fo_big, fo_parts;
RESET migration_guard.mode;
RESET migration_guard.large_table_rows;
