#!/usr/bin/env bash
# pgbench with clients running DDL on shared tables (ADD/DROP COLUMN IF [NOT]
# EXISTS, CREATE/DROP INDEX IF [NOT] EXISTS, two tables in both orders in one
# transaction) and DML (UPDATE/INSERT/SELECT, one transaction touching both
# tables) at the same time, on tables of 20 000 rows that are "large"
# (migration_guard.large_table_rows = 1000):
#   with     preloads migration_guard, mode = enforce, on_lock_conflict = warn,
#            max_blocker_age = 0, the DDL with a lock_timeout of 300 ms;
#   without  the same server and workload without the library.
# No crash, no aborted client, no backend left waiting or active at the end;
# deadlocks (server log) with the extension must not exceed those without
# (+2 and x1.5 for noise).  20 s per run; --full: 60 s.
# Usage: test/robustness/concurrency.sh [--full]
source "$(dirname "$0")/lib.sh"

secs=20; [ "$FULL" = 1 ] && secs=60
CLIENTS=8

cat >"$SCRATCH/setup.sql" <<'EOF'
CREATE TABLE s1 (id int PRIMARY KEY, v int NOT NULL DEFAULT 0, t text);
CREATE TABLE s2 (id int PRIMARY KEY, v int NOT NULL DEFAULT 0, t text);
INSERT INTO s1 SELECT g, 0, md5(g::text) FROM generate_series(1, 20000) g;
INSERT INTO s2 SELECT g, 0, md5(g::text) FROM generate_series(1, 20000) g;
ANALYZE s1; ANALYZE s2;
-- DDL that may fail as expected (lock timeout, rejection, concurrent
-- creation) without aborting the pgbench client; deadlocks propagate.
CREATE FUNCTION ddl(VARIADIC stmts text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
  PERFORM set_config('lock_timeout', '300ms', true);
  FOREACH s IN ARRAY stmts LOOP EXECUTE s; END LOOP;
EXCEPTION
  WHEN lock_not_available OR duplicate_column OR undefined_column OR duplicate_table
    OR undefined_object OR unique_violation OR object_in_use THEN
    NULL;
  WHEN SQLSTATE 'MG001' THEN
    RAISE LOG 'concurrency.sh: rejected by migration_guard';
END $$;
EOF
cat >"$SCRATCH/ddl.sql" <<'EOF'
\set k random(1, 8)
\set tab random(1, 2)
SELECT ddl(replace(CASE :k
  WHEN 1 THEN 'ALTER TABLE @T ADD COLUMN IF NOT EXISTS x int'
  WHEN 2 THEN 'ALTER TABLE @T DROP COLUMN IF EXISTS x'
  WHEN 3 THEN 'CREATE INDEX IF NOT EXISTS @T_v ON @T (v)'
  WHEN 4 THEN 'DROP INDEX IF EXISTS @T_v'
  WHEN 5 THEN 'ALTER TABLE @T ADD COLUMN IF NOT EXISTS y int DEFAULT 0'
  WHEN 6 THEN 'ALTER TABLE @T DROP COLUMN IF EXISTS y'
  WHEN 7 THEN 'ALTER TABLE s1 ADD COLUMN IF NOT EXISTS z int'
  ELSE 'ALTER TABLE s2 ADD COLUMN IF NOT EXISTS z int' END, '@T', 's' || :tab),
  CASE :k
  WHEN 7 THEN 'ALTER TABLE s2 DROP COLUMN IF EXISTS z'
  WHEN 8 THEN 'ALTER TABLE s1 DROP COLUMN IF EXISTS z'
  ELSE 'SELECT 1' END);
EOF
cat >"$SCRATCH/dml.sql" <<'EOF'
\set id random(1, 20000)
\set tab random(1, 2)
\set r random(1, 999999)
BEGIN;
UPDATE s1 SET v = v + 1 WHERE id = :id;
SELECT count(*) FROM s2 WHERE id BETWEEN :id AND :id + 10;
UPDATE s2 SET v = v + 1 WHERE id = :id + :tab;
END;
INSERT INTO s1 (id, v) VALUES (20000 + :client_id * 1000000 + :r, 1) ON CONFLICT DO NOTHING;
EOF
chmod 644 "$SCRATCH"/*.sql

for run in without with; do
	if [ $run = with ]; then
		start_cluster $run 55541 yes "migration_guard.mode = enforce
migration_guard.large_table_rows = 1000
migration_guard.on_lock_conflict = warn
migration_guard.max_blocker_age = 0
deadlock_timeout = 100ms
log_min_messages = warning"
		pg 55541 -d postgres -c "CREATE EXTENSION migration_guard" >/dev/null
		port=55541
	else
		start_cluster $run 55540 no "deadlock_timeout = 100ms
log_min_messages = warning"
		port=55540
	fi
	pg $port -d postgres -f "$SCRATCH/setup.sql" >/dev/null || die "setup failed"
	timeout $((secs + 120)) "$PGBIN/pgbench" -n -h "$SCRATCH/sock" -p $port -U postgres -c $CLIENTS -j 2 -T $secs \
		--failures-detailed -f "$SCRATCH/ddl.sql@3" -f "$SCRATCH/dml.sql@7" postgres \
		>"$SCRATCH/pgbench.$run.out" 2>"$SCRATCH/pgbench.$run.err"
	rc=$?
	sleep 2
	tx=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$SCRATCH/pgbench.$run.out")
	tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$SCRATCH/pgbench.$run.out" | head -1)
	failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$SCRATCH/pgbench.$run.out")
	dl=$(grep -c 'ERROR:  deadlock detected' "$SCRATCH/$run.log")
	lt=$(grep -c 'canceling statement due to lock timeout' "$SCRATCH/$run.log")
	ours=$(grep -cE 'CONTEXT:  migration_guard rule' "$SCRATCH/$run.log")
	rej=$(grep -c 'concurrency.sh: rejected by migration_guard' "$SCRATCH/$run.log")
	blk=$(grep -c 'will wait for locks held by' "$SCRATCH/pgbench.$run.err")
	aborted=$(grep -cE 'client [0-9]+ .*aborted' "$SCRATCH/pgbench.$run.err")
	note "$run: pgbench exit $rc, ${tx:-0} transactions (${tps:-0} tps), failed ${failed:-?}, deadlocks $dl, lock timeouts $lt, findings $ours (rejected $rej), blocker warnings $blk"
	eval "DL_$run=$dl"
	check "$run: pgbench ran to the end with no aborted client ($aborted)" test "$rc" = 0 -a "$aborted" = 0
	grep -m3 -E 'client [0-9]+ .*aborted' "$SCRATCH/pgbench.$run.err" | cut -c1-200 | sed 's/^/#   /'
	stuck=$(pg $port -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND (state <> 'idle' OR wait_event_type = 'Lock')")
	check "$run: no backend left active or waiting ($stuck)" test "$stuck" = 0
	waiting=$(pg $port -d postgres -Atc "SELECT count(*) FROM pg_locks WHERE NOT granted")
	check "$run: no lock left waiting ($waiting)" test "$waiting" = 0
	stop_cluster $run
	if no_crash "$SCRATCH/$run.log"; then ok "$run: no crash, no restart"; else not_ok "$run: crash evidence in the server log"; fi
done
limit=$(( DL_without * 3 / 2 + 2 ))
check "the extension adds no deadlocks (with: $DL_with, without: $DL_without, limit $limit)" test "$DL_with" -le "$limit"
finish
