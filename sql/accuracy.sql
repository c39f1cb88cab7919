-- The accuracy test of the model: for each statement, plan_locks() predicts
-- the lock and the effect on every table it touches; then the statement runs
-- for real inside a subtransaction that is rolled back, and we read what the
-- server did: the locks it holds (pg_locks), whether the table got a new
-- relfilenode (rewrite, truncate), whether it was read in full (sequential
-- scans counted for this transaction), whether it is gone (drop).  Every row
-- must say ok; a mismatch is a bug in the model.
-- Statements that cannot run in a transaction block (CONCURRENTLY, VACUUM)
-- cannot be checked this way.
SET migration_guard.mode = off;
SET timezone = 'UTC';
CREATE TABLE acc_customers (id int PRIMARY KEY, name text);
INSERT INTO acc_customers SELECT g, 'c' || g FROM generate_series(1, 200) g;
CREATE TABLE acc_orders (id int PRIMARY KEY, customer_id int, amount numeric(10,2),
                         note varchar(20), created timestamp, status text);
INSERT INTO acc_orders SELECT g, g % 200 + 1, g, 'n', '2026-01-01', 'new' FROM generate_series(1, 1000) g;
CREATE INDEX acc_orders_note_idx ON acc_orders (note);
ALTER TABLE acc_orders ADD CONSTRAINT acc_orders_amount_check CHECK (amount >= 0) NOT VALID;
ALTER TABLE acc_orders ADD CONSTRAINT acc_orders_status_nn CHECK (status IS NOT NULL);
CREATE TABLE acc_child (id int, order_id int REFERENCES acc_orders (id));
INSERT INTO acc_child SELECT g, g FROM generate_series(1, 100) g;
CREATE TABLE acc_parts (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE acc_parts_1 PARTITION OF acc_parts FOR VALUES FROM (0) TO (1000);
CREATE TABLE acc_parts_2 PARTITION OF acc_parts FOR VALUES FROM (1000) TO (2000);
INSERT INTO acc_parts SELECT g, g FROM generate_series(0, 1999) g;
CREATE TABLE acc_new_part (id int, v int);
INSERT INTO acc_new_part SELECT g, g FROM generate_series(2000, 2100) g;
CREATE TABLE acc_proven_part (id int, v int, CONSTRAINT bound CHECK (id IS NOT NULL AND id >= 3000 AND id < 4000));
INSERT INTO acc_proven_part SELECT g, g FROM generate_series(3000, 3100) g;
CREATE MATERIALIZED VIEW acc_mv AS SELECT id, name FROM acc_customers;
CREATE UNIQUE INDEX acc_mv_id ON acc_mv (id);
CREATE UNIQUE INDEX acc_customers_name_idx ON acc_customers (name);
CREATE TABLE acc_child2 (id int, customer_id int);
INSERT INTO acc_child2 SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE acc_child2 ADD CONSTRAINT acc_child2_fk FOREIGN KEY (customer_id) REFERENCES acc_customers (id) NOT VALID;
CREATE SCHEMA acc_doomed;
CREATE TABLE acc_doomed.t AS SELECT g AS id FROM generate_series(1, 100) g;
CREATE TYPE acc_mood AS ENUM ('ok', 'bad');
CREATE TABLE acc_empty (id int);
CREATE DOMAIN acc_posint AS int CHECK (VALUE > 0);
-- Views and what reads them (issue 14.6), on tables of their own.
CREATE TABLE acc_vsrc (id int, v int);
INSERT INTO acc_vsrc SELECT g, g FROM generate_series(1, 100) g;
CREATE TABLE acc_vsrc2 (id int);
INSERT INTO acc_vsrc2 SELECT g FROM generate_series(1, 50) g;
CREATE TABLE acc_vparts (id int) PARTITION BY RANGE (id);
CREATE TABLE acc_vparts_1 PARTITION OF acc_vparts FOR VALUES FROM (0) TO (100);
CREATE TABLE acc_vparts_2 PARTITION OF acc_vparts FOR VALUES FROM (100) TO (200);
INSERT INTO acc_vparts SELECT g FROM generate_series(0, 199) g;
CREATE VIEW acc_v AS SELECT id, v FROM acc_vsrc WHERE id IN (SELECT id FROM acc_vsrc2);
CREATE VIEW acc_vv AS SELECT * FROM acc_v;
CREATE MATERIALIZED VIEW acc_mv2 AS SELECT * FROM acc_vv;
CREATE UNIQUE INDEX acc_mv2_id ON acc_mv2 (id);
CREATE TEMP TABLE acc_pred (relid oid, relation text, lock_mode text, effect text);
CREATE SCHEMA acc_other;
-- A tablespace of its own for SET TABLESPACE (issue 14.4).
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE acc_ts LOCATION '';
-- Partitioned and inheritance trees (issue 14.3): a nested level, a default
-- partition, an index; a leaf whose own CHECK proves v NOT NULL.
CREATE TABLE acc_tree (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE acc_tree_1 PARTITION OF acc_tree FOR VALUES FROM (0) TO (100);
CREATE TABLE acc_tree_2 PARTITION OF acc_tree FOR VALUES FROM (100) TO (200) PARTITION BY RANGE (id);
CREATE TABLE acc_tree_2a PARTITION OF acc_tree_2 FOR VALUES FROM (100) TO (150);
CREATE TABLE acc_tree_2b PARTITION OF acc_tree_2 FOR VALUES FROM (150) TO (200);
CREATE TABLE acc_tree_def PARTITION OF acc_tree DEFAULT;
CREATE INDEX acc_tree_v_idx ON acc_tree (v);
INSERT INTO acc_tree SELECT g, g FROM generate_series(0, 199) g;
INSERT INTO acc_tree SELECT g, g FROM generate_series(500, 520) g;
ALTER TABLE acc_tree_1 ADD CONSTRAINT acc_tree_1_v_nn CHECK (v IS NOT NULL);
CREATE TABLE acc_tree_new (id int, v int);
INSERT INTO acc_tree_new SELECT g, g FROM generate_series(300, 399) g;
CREATE TABLE acc_tree_proven (id int, v int, CHECK (id IS NOT NULL AND id >= 400 AND id < 500));
INSERT INTO acc_tree_proven SELECT g, g FROM generate_series(400, 450) g;
CREATE TABLE acc_tree_indexed (id int, v int, CHECK (id IS NOT NULL AND id >= 400 AND id < 500));
INSERT INTO acc_tree_indexed SELECT g, g FROM generate_series(400, 450) g;
CREATE INDEX acc_tree_indexed_v ON acc_tree_indexed (v);
-- A partitioned table to attach as a partition: its leaves are read.
CREATE TABLE acc_tree_sub (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE acc_tree_sub_a PARTITION OF acc_tree_sub FOR VALUES FROM (800) TO (850);
CREATE TABLE acc_tree_sub_b PARTITION OF acc_tree_sub FOR VALUES FROM (850) TO (900);
INSERT INTO acc_tree_sub SELECT g, g FROM generate_series(800, 899) g;
CREATE TABLE acc_inh (id int, v int);
CREATE TABLE acc_inh_1 () INHERITS (acc_inh);
CREATE TABLE acc_inh_2 () INHERITS (acc_inh);
INSERT INTO acc_inh_1 SELECT g, g FROM generate_series(1, 100) g;
INSERT INTO acc_inh_2 SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE acc_inh_2 ADD CONSTRAINT acc_inh_2_v_nn CHECK (v IS NOT NULL);
-- PostgreSQL 18 only (expected/accuracy_1.out): a NOT NULL constraint added
-- NOT VALID, virtual and stored generated columns.
SELECT current_setting('server_version_num')::int >= 180000 AS pg18 \gset
\if :pg18
CREATE TABLE acc_nnv (id int, c int);
INSERT INTO acc_nnv SELECT g, g FROM generate_series(1, 100) g;
ALTER TABLE acc_nnv ADD CONSTRAINT acc_nnv_c_nn NOT NULL c NOT VALID;
CREATE TABLE acc_gen (id int, virt int GENERATED ALWAYS AS (id * 2) VIRTUAL,
                      stor int GENERATED ALWAYS AS (id * 3) STORED);
INSERT INTO acc_gen (id) SELECT g FROM generate_series(1, 100) g;
\endif
ANALYZE;

CREATE FUNCTION acc_check(stmt text)
RETURNS TABLE (relation text, predicted text, actual text, ok boolean)
LANGUAGE plpgsql AS $$
DECLARE
  before jsonb;
  after jsonb;
  locks jsonb;
  p record;
  actual_lock text;
  actual_effect text;
  b jsonb;
  a jsonb;
  failure text;
BEGIN
  DELETE FROM acc_pred;
  INSERT INTO acc_pred SELECT l.relid, l.relation, l.lock_mode, l.effect
    FROM migration_guard.plan_locks(stmt) l;
  -- The facts before, for every user table.
  SELECT jsonb_object_agg(c.oid::text, jsonb_build_object(
           'filenode', c.relfilenode, 'scans', pg_stat_get_xact_numscans(c.oid)))
    INTO before FROM pg_class c
   WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'acc_other', 'acc_doomed'));
  BEGIN
    EXECUTE stmt;
    SELECT jsonb_object_agg(l.rel::text, l.mode) INTO locks
      FROM (SELECT pl.relation AS rel, (array_agg(pl.mode ORDER BY CASE pl.mode
                 WHEN 'AccessShareLock' THEN 1 WHEN 'RowShareLock' THEN 2
                 WHEN 'RowExclusiveLock' THEN 3 WHEN 'ShareUpdateExclusiveLock' THEN 4
                 WHEN 'ShareLock' THEN 5 WHEN 'ShareRowExclusiveLock' THEN 6
                 WHEN 'ExclusiveLock' THEN 7 ELSE 8 END DESC))[1] AS mode
              FROM pg_locks pl
             WHERE pl.pid = pg_backend_pid() AND pl.locktype = 'relation' AND pl.granted
             GROUP BY pl.relation) l;
    SELECT jsonb_object_agg(c.oid::text, jsonb_build_object(
             'filenode', c.relfilenode, 'scans', pg_stat_get_xact_numscans(c.oid)))
      INTO after FROM pg_class c
     WHERE c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'acc_other', 'acc_doomed'));
    RAISE EXCEPTION USING ERRCODE = 'MGACC';
  EXCEPTION
    WHEN SQLSTATE 'MGACC' THEN
      NULL;
    WHEN OTHERS THEN
      failure := SQLERRM;
  END;
  IF failure IS NOT NULL THEN
    relation := '-';
    predicted := '-';
    actual := 'statement failed: ' || failure;
    ok := false;
    RETURN NEXT;
    RETURN;
  END IF;
  -- Compare, for the tables of the schema: predicted against actual.
  FOR p IN
    SELECT c.oid, c.relname, c.relkind, coalesce(pr.lock_mode, '-') AS lock_mode,
           coalesce(pr.effect, 'none') AS effect
      FROM pg_class c LEFT JOIN acc_pred pr ON pr.relid = c.oid
     WHERE (c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'm', 'v'))
        OR pr.relid = c.oid
     ORDER BY c.relname
  LOOP
    b := before -> p.oid::text;
    a := after -> p.oid::text;
    actual_lock := coalesce(locks ->> p.oid::text, '-');
    IF b IS NOT NULL AND a IS NULL THEN
      actual_effect := 'drop';
    ELSIF b IS NULL THEN
      actual_effect := 'none';
    ELSIF (a ->> 'filenode') <> (b ->> 'filenode') THEN
      actual_effect := 'new relfilenode';
    ELSIF (a ->> 'scans')::int > (b ->> 'scans')::int THEN
      actual_effect := 'full scan';
    ELSE
      actual_effect := 'none';
    END IF;
    -- Tables the statement does not touch are left out when nothing happened.
    CONTINUE WHEN p.lock_mode = '-' AND actual_lock = '-' AND actual_effect = 'none';
    relation := p.relname;
    predicted := p.lock_mode || ' ' || p.effect;
    actual := actual_lock || ' ' || actual_effect;
    ok := p.lock_mode = actual_lock AND CASE p.effect
            WHEN 'rewrite' THEN actual_effect = 'new relfilenode'
            WHEN 'truncate' THEN actual_effect = 'new relfilenode'
            WHEN 'scan' THEN actual_effect = 'full scan'
            WHEN 'index_build' THEN actual_effect =
                 CASE WHEN p.relkind = 'i' THEN 'new relfilenode' ELSE 'full scan' END
            WHEN 'drop' THEN actual_effect = 'drop'
            ELSE actual_effect = 'none' END;
    RETURN NEXT;
  END LOOP;
END
$$;

CREATE TEMP TABLE acc_statements (n serial, stmt text);
INSERT INTO acc_statements (stmt) VALUES
  ('CREATE INDEX ON acc_orders (customer_id)'),
  ('CREATE UNIQUE INDEX ON acc_orders (id, customer_id)'),
  ('CREATE INDEX ON acc_parts (v)'),
  ('CREATE INDEX ON ONLY acc_parts (v)'),
  ('DROP INDEX acc_orders_note_idx'),
  ('REINDEX INDEX acc_orders_note_idx'),
  ('REINDEX TABLE acc_orders'),
  ('ALTER INDEX acc_orders_note_idx RENAME TO acc_note_idx'),
  ('ALTER TABLE acc_orders ADD COLUMN c1 int'),
  ('ALTER TABLE acc_orders ADD COLUMN c2 int DEFAULT 5'),
  ('ALTER TABLE acc_orders ADD COLUMN c3 timestamptz DEFAULT now()'),
  ('ALTER TABLE acc_orders ADD COLUMN c4 float8 DEFAULT random()'),
  ('ALTER TABLE acc_orders ADD COLUMN c5 bigserial'),
  ('ALTER TABLE acc_orders ADD COLUMN c6 int GENERATED ALWAYS AS IDENTITY'),
  ('ALTER TABLE acc_orders ADD COLUMN c7 int GENERATED ALWAYS AS (id * 2) STORED'),
  ('ALTER TABLE acc_orders ADD COLUMN c8 int NOT NULL DEFAULT 0'),
  ('ALTER TABLE acc_orders ALTER COLUMN note TYPE varchar(40)'),
  ('ALTER TABLE acc_orders ALTER COLUMN note TYPE text'),
  ('ALTER TABLE acc_orders ALTER COLUMN note TYPE varchar(10)'),
  ('ALTER TABLE acc_orders ALTER COLUMN amount TYPE numeric(12,2)'),
  ('ALTER TABLE acc_orders ALTER COLUMN amount TYPE numeric'),
  ('ALTER TABLE acc_orders ALTER COLUMN amount TYPE numeric(10,1)'),
  ('ALTER TABLE acc_orders ALTER COLUMN customer_id TYPE bigint'),
  ('ALTER TABLE acc_orders ALTER COLUMN customer_id TYPE int USING customer_id + 0'),
  ('ALTER TABLE acc_orders ALTER COLUMN created TYPE timestamptz'),
  ('ALTER TABLE acc_orders ALTER COLUMN customer_id SET NOT NULL'),
  ('ALTER TABLE acc_orders ALTER COLUMN status SET NOT NULL'),
  ('ALTER TABLE acc_child ALTER COLUMN id DROP NOT NULL'),
  ('ALTER TABLE acc_orders ALTER COLUMN note SET DEFAULT ''x'''),
  ('ALTER TABLE acc_orders ADD CONSTRAINT c_pos CHECK (id > 0)'),
  ('ALTER TABLE acc_orders ADD CONSTRAINT c_pos CHECK (id > 0) NOT VALID'),
  ('ALTER TABLE acc_orders VALIDATE CONSTRAINT acc_orders_amount_check'),
  ('ALTER TABLE acc_child ADD CONSTRAINT fk2 FOREIGN KEY (id) REFERENCES acc_customers (id)'),
  ('ALTER TABLE acc_child ADD CONSTRAINT fk2 FOREIGN KEY (id) REFERENCES acc_customers (id) NOT VALID'),
  ('ALTER TABLE acc_orders ADD CONSTRAINT u_note UNIQUE (id, note)'),
  ('ALTER TABLE acc_orders DROP CONSTRAINT acc_orders_amount_check'),
  ('ALTER TABLE acc_child DROP CONSTRAINT acc_child_order_id_fkey'),
  ('ALTER TABLE acc_orders DROP COLUMN status'),
  ('ALTER TABLE acc_new_part SET UNLOGGED'),
  ('ALTER TABLE acc_orders SET (fillfactor = 70)'),
  ('ALTER TABLE acc_orders ALTER COLUMN note SET STATISTICS 500'),
  ('ALTER TABLE acc_orders ENABLE ROW LEVEL SECURITY'),
  ('ALTER TABLE acc_orders RENAME COLUMN note TO remark'),
  ('ALTER TABLE acc_orders RENAME TO acc_orders2'),
  ('ALTER TABLE acc_orders SET SCHEMA acc_other'),
  ('ALTER TABLE acc_parts ATTACH PARTITION acc_new_part FOR VALUES FROM (2000) TO (3000)'),
  ('ALTER TABLE acc_parts ATTACH PARTITION acc_proven_part FOR VALUES FROM (3000) TO (4000)'),
  ('ALTER TABLE acc_parts DETACH PARTITION acc_parts_2'),
  ('ALTER TABLE acc_parts ADD COLUMN w int'),
  ('CREATE TABLE acc_parts_3 PARTITION OF acc_parts FOR VALUES FROM (5000) TO (6000)'),
  ('CREATE TABLE acc_ref (id int REFERENCES acc_customers (id))'),
  ('CREATE TRIGGER t BEFORE INSERT ON acc_orders FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()'),
  ('COMMENT ON TABLE acc_orders IS ''orders'''),
  ('COMMENT ON COLUMN acc_orders.note IS ''a note'''),
  ('GRANT SELECT ON acc_orders TO public'),
  ('LOCK TABLE acc_orders IN SHARE MODE'),
  ('TRUNCATE acc_child'),
  ('TRUNCATE acc_orders CASCADE'),
  ('DROP TABLE acc_child'),
  ('DROP TABLE acc_parts'),
  ('CLUSTER acc_orders USING acc_orders_pkey'),
  ('REFRESH MATERIALIZED VIEW acc_mv'),
  ('REFRESH MATERIALIZED VIEW CONCURRENTLY acc_mv'),
  ('ALTER TABLE acc_child2 VALIDATE CONSTRAINT acc_child2_fk'),
  ('ALTER TABLE acc_customers ADD CONSTRAINT acc_customers_name_key UNIQUE USING INDEX acc_customers_name_idx'),
  ('ALTER TABLE acc_orders ADD CONSTRAINT acc_ex EXCLUDE USING btree (id WITH =)'),
  ('ALTER TABLE acc_child2 ADD PRIMARY KEY (id)'),
  ('ALTER TABLE acc_orders ADD COLUMN d acc_posint'),
  ('ALTER TABLE acc_empty ADD COLUMN e int NOT NULL'),
  ('DROP SCHEMA acc_doomed CASCADE'),
  ('ALTER TYPE acc_mood ADD VALUE ''meh'''),
  ('ALTER INDEX acc_orders_note_idx SET (fillfactor = 50)'),
  ('ALTER TABLE acc_orders REPLICA IDENTITY FULL'),
  ('ALTER TABLE acc_orders OWNER TO CURRENT_USER'),
  ('ALTER TABLE acc_orders CLUSTER ON acc_orders_pkey'),
  ('ALTER TABLE acc_orders DISABLE TRIGGER ALL'),
  ('ALTER TABLE acc_orders ALTER COLUMN note SET STORAGE EXTERNAL'),
  ('ALTER TABLE acc_orders ALTER COLUMN status SET DATA TYPE varchar(100)'),
  ('ALTER TABLE acc_orders ALTER COLUMN customer_id TYPE text'),
  ('ANALYZE acc_orders'),
  ('DROP MATERIALIZED VIEW acc_mv'),
  ('DROP INDEX acc_orders_note_idx CASCADE'),
  -- What the server skips (issue 14.4), the USING forms (14.5), what ADD
  -- COLUMN carries (14.2).
  ('ALTER TABLE acc_orders SET ACCESS METHOD heap'),
  ('ALTER TABLE acc_orders SET TABLESPACE pg_default'),
  ('CREATE INDEX IF NOT EXISTS acc_orders_note_idx ON acc_orders (amount)'),
  ('ALTER TABLE acc_orders ALTER COLUMN amount TYPE numeric(12,2) USING amount::numeric(12,2)'),
  ('ALTER TABLE acc_orders ALTER COLUMN amount TYPE numeric(12,2) USING amount + 1'),
  ('ALTER TABLE acc_orders ADD COLUMN u1 int UNIQUE'),
  ('ALTER TABLE acc_orders ADD COLUMN k1 int DEFAULT 1 CHECK (k1 > 0)'),
  ('ALTER TABLE acc_orders ADD COLUMN f1 int REFERENCES acc_customers (id)'),
  ('ALTER TABLE acc_orders ADD COLUMN f2 int DEFAULT 1 REFERENCES acc_customers (id)'),
  -- Views, and tables made from a query (issue 14.6): what the query names
  -- is locked ACCESS SHARE (ROW SHARE under FOR UPDATE/SHARE, pushed into
  -- the views it names but not their sub-selects in expressions); a query
  -- that runs reads through the views it names, and the partitions.  (SELECT
  -- INTO cannot run in EXECUTE.)
  ('CREATE VIEW acc_nv AS SELECT * FROM acc_vv'),
  ('CREATE OR REPLACE VIEW acc_vv AS SELECT * FROM acc_v'),
  ('CREATE VIEW acc_nv AS SELECT * FROM acc_vparts WHERE EXISTS (SELECT 1 FROM acc_vsrc2)'),
  ('CREATE VIEW acc_nv AS WITH acc_vsrc AS (SELECT 1 AS id) SELECT * FROM acc_vsrc'),
  ('CREATE VIEW acc_nv AS WITH a AS (SELECT * FROM acc_vsrc), acc_vsrc2 AS (SELECT * FROM a) SELECT * FROM acc_vsrc2'),
  ('CREATE MATERIALIZED VIEW acc_nmv AS SELECT * FROM acc_vv'),
  ('CREATE MATERIALIZED VIEW acc_nmv AS SELECT * FROM acc_vv WITH NO DATA'),
  ('CREATE TABLE acc_nt AS SELECT * FROM acc_vv'),
  ('CREATE TABLE acc_nt AS SELECT * FROM acc_vparts'),
  ('CREATE TABLE acc_nt AS SELECT * FROM acc_vv WITH NO DATA'),
  ('CREATE TABLE IF NOT EXISTS acc_vsrc AS SELECT * FROM acc_vv'),
  ('CREATE VIEW acc_nv AS SELECT v.id FROM acc_vsrc v, acc_vsrc2 w FOR SHARE OF v'),
  ('CREATE TABLE acc_nt AS SELECT * FROM acc_vv FOR UPDATE'),
  ('REFRESH MATERIALIZED VIEW acc_mv2'),
  ('REFRESH MATERIALIZED VIEW CONCURRENTLY acc_mv2'),
  ('REFRESH MATERIALIZED VIEW acc_mv2 WITH NO DATA'),
  -- Partitioned tables and inheritance parents (issue 14.3): what each leaf
  -- and child gets.
  ('ALTER TABLE acc_tree ALTER COLUMN v TYPE bigint'),
  ('ALTER TABLE acc_tree ALTER COLUMN v SET NOT NULL'),
  ('ALTER TABLE acc_tree ADD CONSTRAINT acc_tree_ck CHECK (v > -1)'),
  ('ALTER TABLE acc_tree ADD CONSTRAINT acc_tree_ck CHECK (v > -1) NOT VALID'),
  ('ALTER TABLE acc_tree ADD COLUMN r float8 DEFAULT random()'),
  ('ALTER TABLE acc_tree ADD COLUMN n int DEFAULT 0'),
  ('ALTER TABLE acc_tree ADD PRIMARY KEY (id)'),
  ('ALTER TABLE acc_tree ATTACH PARTITION acc_tree_new FOR VALUES FROM (300) TO (400)'),
  ('ALTER TABLE acc_tree ATTACH PARTITION acc_tree_proven FOR VALUES FROM (400) TO (500)'),
  ('ALTER TABLE acc_tree ATTACH PARTITION acc_tree_indexed FOR VALUES FROM (400) TO (500)'),
  ('CREATE TABLE acc_tree_3 PARTITION OF acc_tree FOR VALUES FROM (600) TO (700)'),
  ('ALTER TABLE acc_tree DETACH PARTITION acc_tree_1'),
  ('ALTER TABLE acc_inh ALTER COLUMN v TYPE bigint'),
  ('ALTER TABLE acc_inh ADD COLUMN r float8 DEFAULT random()'),
  ('ALTER TABLE acc_inh ALTER COLUMN v SET NOT NULL'),
  ('ALTER TABLE acc_inh ADD CONSTRAINT acc_inh_ck CHECK (v > -1)'),
  ('ALTER TABLE acc_inh ADD CONSTRAINT acc_inh_ck CHECK (v > -1) NO INHERIT'),
  -- SET TABLESPACE to another one copies the files (issue 14.4); a
  -- partitioned table's only sets the default of its future partitions.
  ('ALTER TABLE acc_orders SET TABLESPACE acc_ts'),
  ('ALTER TABLE acc_tree SET TABLESPACE acc_ts'),
  ('ALTER TABLE acc_tree REPLICA IDENTITY FULL'),
  ('ALTER TABLE acc_tree OWNER TO CURRENT_USER'),
  ('ALTER TABLE acc_tree ALTER COLUMN v SET STATISTICS 100'),
  ('ALTER TABLE acc_inh OWNER TO CURRENT_USER'),
  ('ALTER TABLE acc_inh ALTER COLUMN v SET DEFAULT 1'),
  ('ALTER TABLE acc_tree ATTACH PARTITION acc_tree_sub FOR VALUES FROM (800) TO (900)');
-- What only PostgreSQL 18 has (expected/accuracy_1.out); GRANT above takes
-- ACCESS SHARE there.
INSERT INTO acc_statements (stmt)
SELECT s FROM unnest(ARRAY[
  'ALTER TABLE acc_orders ADD CONSTRAINT acc_nn NOT NULL customer_id NOT VALID',
  'ALTER TABLE acc_orders ADD CONSTRAINT acc_nn NOT NULL customer_id',
  'ALTER TABLE acc_orders ADD CONSTRAINT acc_nn NOT NULL status',
  'ALTER TABLE acc_nnv VALIDATE CONSTRAINT acc_nnv_c_nn',
  'ALTER TABLE acc_nnv ALTER COLUMN c SET NOT NULL',
  'ALTER TABLE acc_nnv ALTER COLUMN id SET NOT NULL',
  'ALTER TABLE acc_orders ADD COLUMN v1 int GENERATED ALWAYS AS (id * 2) VIRTUAL',
  'ALTER TABLE acc_gen ALTER COLUMN virt SET EXPRESSION AS (id * 4)',
  'ALTER TABLE acc_gen ALTER COLUMN stor SET EXPRESSION AS (id * 4)',
  'ALTER TABLE acc_gen ALTER COLUMN stor DROP EXPRESSION',
  'ALTER TABLE acc_parts ADD CONSTRAINT acc_parts_fk FOREIGN KEY (v) REFERENCES acc_customers (id) NOT VALID',
  'GRANT SELECT ON acc_orders, acc_customers TO public',
  'REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM public'
]) s WHERE :'pg18'::boolean;

SELECT s.n, s.stmt, c.relation, c.predicted, c.actual, c.ok
  FROM acc_statements s, LATERAL acc_check(s.stmt) c
 ORDER BY s.n, c.relation;

-- The summary: every statement, every table.
SELECT count(*) AS checks, count(*) FILTER (WHERE NOT ok) AS mismatches
  FROM acc_statements s, LATERAL acc_check(s.stmt) c;

DROP TABLE acc_statements;
DROP FUNCTION acc_check(text);
DROP MATERIALIZED VIEW acc_mv;
DROP TABLE acc_vsrc, acc_vsrc2, acc_vparts CASCADE;
DROP TABLE acc_empty, acc_child, acc_child2, acc_orders, acc_customers, acc_parts, acc_new_part, acc_proven_part;
DROP TABLE acc_tree, acc_tree_new, acc_tree_proven, acc_tree_indexed, acc_tree_sub, acc_inh CASCADE;
DROP TABLESPACE acc_ts;
DROP SCHEMA acc_doomed CASCADE;
DROP TYPE acc_mood;
DROP DOMAIN acc_posint;
DROP SCHEMA acc_other;
\if :pg18
DROP TABLE acc_nnv, acc_gen;
\endif
RESET ALL;
