-- index_not_concurrent: CREATE INDEX without CONCURRENTLY on a large table.
-- "Large" is lowered to 1000 rows; the tables hold real rows.
SET migration_guard.large_table_rows = 1000;
CREATE TABLE big (id bigint, created_at timestamptz, note text);
INSERT INTO big SELECT g, '2026-01-01'::timestamptz + g * interval '1 minute', 'n' || g
  FROM generate_series(1, 5000) g;
ANALYZE big;
CREATE TABLE small (id bigint, note text);
INSERT INTO small SELECT g, 'n' FROM generate_series(1, 10) g;
ANALYZE small;
CREATE TABLE empty (id bigint);

-- mode = warn (the default): a WARNING with the safe statement, then it runs.
SHOW migration_guard.mode;
CREATE INDEX big_created_idx ON big (created_at);
CALL quietly('DROP INDEX big_created_idx');
-- An unnamed index, a unique one, odd spacing, comments and quoted names:
-- the hint is the same statement with CONCURRENTLY in the right place.
CREATE INDEX ON big (id);
CREATE UNIQUE /* unique! */ INDEX IF NOT EXISTS "Big Id" ON public.big USING btree (id) WHERE id > 0;
-- IF NOT EXISTS of an index that exists builds nothing: no message.
CREATE INDEX IF NOT EXISTS "Big Id" ON big (note);
CALL quietly('DROP INDEX big_id_idx, "Big Id"');
-- Small, empty: no message at all.
CREATE INDEX small_id_idx ON small (id);
CREATE INDEX empty_id_idx ON empty (id);
-- Already safe: CONCURRENTLY.
CREATE INDEX CONCURRENTLY big_note_idx ON big (note);
CALL quietly('DROP INDEX big_note_idx');

-- mode = enforce: rejected with SQLSTATE MG001; the index is not built.
SET migration_guard.mode = enforce;
CREATE INDEX big_created_idx ON big (created_at);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pg_indexes WHERE indexname = 'big_created_idx';
CREATE INDEX small_note_idx ON small (note);
CREATE INDEX CONCURRENTLY big_created_idx ON big (created_at);
CALL quietly('DROP INDEX big_created_idx, small_note_idx');

-- mode = log: server log only (shown here by lowering client_min_messages).
SET migration_guard.mode = log;
CREATE INDEX big_created_idx ON big (created_at);
SET client_min_messages = log;
CREATE INDEX big_note_idx ON big (note);
RESET client_min_messages;
CALL quietly('DROP INDEX big_created_idx, big_note_idx');

-- mode = off: nothing.
SET migration_guard.mode = off;
CREATE INDEX big_created_idx ON big (created_at);
CALL quietly('DROP INDEX big_created_idx');
SET migration_guard.mode = enforce;

-- The size threshold alone also makes a table large.
SET migration_guard.large_table_rows = 1000000;
CREATE INDEX big_id_idx ON big (id);
SET migration_guard.large_table_size = '64kB';
CREATE INDEX big_id_idx ON big (id);
RESET migration_guard.large_table_size;
SET migration_guard.large_table_rows = 1000;

-- Live size, not stale statistics: rows loaded since the last ANALYZE count.
CREATE TABLE grown (id bigint);
INSERT INTO grown SELECT g FROM generate_series(1, 200) g;
ANALYZE grown;
CREATE INDEX grown_id_idx ON grown (id);
CALL quietly('DROP INDEX grown_id_idx');
INSERT INTO grown SELECT g FROM generate_series(201, 5000) g;
CREATE INDEX grown_id_idx ON grown (id);
-- After TRUNCATE and reload, statistics say nothing, but the table is not empty.
CALL quietly('TRUNCATE grown');
SELECT reltuples, relpages FROM pg_class WHERE relname = 'grown';
CREATE INDEX grown_id_idx ON grown (id);
INSERT INTO grown SELECT g FROM generate_series(1, 5000) g;
CREATE INDEX grown_id_idx ON grown (id);

-- A table created in this transaction is invisible to others: nothing to block.
BEGIN;
CREATE TABLE fresh (id bigint);
INSERT INTO fresh SELECT g FROM generate_series(1, 5000) g;
CREATE INDEX fresh_id_idx ON fresh (id);
COMMIT;
-- ... but an existing table altered earlier in the transaction is still judged.
BEGIN;
ALTER TABLE big ADD COLUMN extra int;
CREATE INDEX big_extra_idx ON big (extra);
ROLLBACK;
-- Temporary tables are private.
CREATE TEMP TABLE tmp AS SELECT g AS id FROM generate_series(1, 5000) g;
CREATE INDEX tmp_id_idx ON tmp (id);
-- A materialized view has no writers to block.
CREATE MATERIALIZED VIEW mv AS SELECT g AS id FROM generate_series(1, 5000) g;
CREATE INDEX mv_id_idx ON mv (id);
-- Missing table: the server's own error, untouched.
CREATE INDEX nope_idx ON no_such_table (id);

-- Partitioned tables: CONCURRENTLY is not supported there, so the recipe is
-- ON ONLY + each partition concurrently + ATTACH.
CREATE TABLE events (id bigint, kind text) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (3000);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (3000) TO (10000);
INSERT INTO events SELECT g, 'k' FROM generate_series(1, 5000) g;
ANALYZE events;
CREATE INDEX events_kind_idx ON events (kind);
-- The recipe itself comes out clean.
CREATE INDEX events_kind_idx ON ONLY events (kind);
CREATE INDEX CONCURRENTLY events_1_events_kind_idx ON public.events_1 (kind);
ALTER INDEX public.events_kind_idx ATTACH PARTITION public.events_1_events_kind_idx;
CREATE INDEX CONCURRENTLY events_2_events_kind_idx ON public.events_2 (kind);
ALTER INDEX public.events_kind_idx ATTACH PARTITION public.events_2_events_kind_idx;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass;
-- A partitioned table whose partitions are small is not large.
CREATE TABLE few (id bigint) PARTITION BY LIST (id);
CREATE TABLE few_1 PARTITION OF few FOR VALUES IN (1);
INSERT INTO few VALUES (1);
CREATE INDEX few_id_idx ON few (id);

-- Names that need quoting are quoted in the hint.
CREATE SCHEMA "Sales";
CREATE TABLE "Sales"."Order Items" ("select" int);
INSERT INTO "Sales"."Order Items" SELECT g FROM generate_series(1, 5000) g;
CREATE INDEX "Items By Select" ON "Sales"."Order Items" ("select");

CALL quietly('DROP SCHEMA "Sales" CASCADE');
CALL quietly('DROP TABLE big, small, empty, grown, fresh, events, few');
CALL quietly('DROP MATERIALIZED VIEW mv');
RESET ALL;
