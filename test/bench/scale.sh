#!/usr/bin/env bash
# scale.sh [--full]: the cost of one check against the size of what it checks.
#
# Two throwaway clusters side by side, one preloading migration_guard
# (mode = warn), one without, each holding the same objects:
#   small   a table of 1 000 rows
#   large   a table of 2 million rows (10 million with --full), built with
#           INSERT ... SELECT generate_series, then ANALYZEd
#   parts   a hash-partitioned table with 1 000 partitions (200 000 rows)
#   catalog 10 000 further tables (two columns each), then a 1 000-row table
# For each, it prints the microseconds per call of
#   - migration_guard.plan('CREATE INDEX ON <t> (c)'), repeated in a PL/pgSQL
#     loop (server side, median of 3 loops of up to 2 s), with the extension;
#   - BEGIN; ALTER TABLE <t> ADD COLUMN bench_x int; ROLLBACK; through the hook,
#     run by pgbench (one client, median of 3 alternating runs per server),
#     with and without the extension, and the difference.
# The sessions set lock_timeout = 5s, so the ALTER passes every rule: what is
# measured is the check, not the sending of a warning.
. "$(dirname "$0")/lib.sh"

if [ "$FULL" = 1 ]; then LARGE_ROWS=${LARGE_ROWS:-10000000}; T=${T:-5}; ROUNDS=${ROUNDS:-5}
else LARGE_ROWS=${LARGE_ROWS:-2000000}; T=${T:-3}; ROUNDS=${ROUNDS:-3}; fi
NTABLES=${NTABLES:-10000}
NPARTS=${NPARTS:-1000}
PORT_BASE=${PORT_BASE:-55430}
export PGOPTIONS="-c lock_timeout=5s"

note "scale: starting clusters in $SCRATCH"
start_cluster with $PORT_BASE with
start_cluster without $((PORT_BASE + 1)) without

setup() {	# setup CLUSTER PHASE
	local c=$1
	case $2 in
	tables)
		q $c <<EOF
CREATE TABLE small (id int, c int);
INSERT INTO small SELECT g, g % 100 FROM generate_series(1, 1000) g;
CREATE TABLE large (id int, c int);
INSERT INTO large SELECT g, g % 1000 FROM generate_series(1, $LARGE_ROWS) g;
CREATE TABLE parts (id int, c int) PARTITION BY HASH (id);
DO \$\$ BEGIN
  FOR i IN 0..$((NPARTS - 1)) LOOP
    EXECUTE format('CREATE TABLE parts_%s PARTITION OF parts FOR VALUES WITH (MODULUS $NPARTS, REMAINDER %s)', i, i);
    IF i % 100 = 99 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
INSERT INTO parts SELECT g, g % 100 FROM generate_series(1, 200000) g;
ANALYZE small; ANALYZE large; ANALYZE parts;
EOF
		;;
	catalog)
		q $c <<EOF
DO \$\$ BEGIN
  FOR i IN 1..$NTABLES LOOP
    EXECUTE format('CREATE TABLE cat_%s (id int, c int)', i);
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
CREATE TABLE catalog (id int, c int);
INSERT INTO catalog SELECT g, g % 100 FROM generate_series(1, 1000) g;
ANALYZE catalog;
EOF
		;;
	esac
}

q with <<'EOF'
CREATE FUNCTION bench_us(sql text, max_n int, budget_ms int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  n int := 0;
BEGIN
  LOOP
    EXECUTE sql;
    n := n + 1;
    EXIT WHEN n >= max_n OR clock_timestamp() - t0 > budget_ms * interval '1 ms';
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $$;
EOF

declare -A PLAN ALTW ALTWO
plan_us() {	# plan_us TARGET: median µs of plan('CREATE INDEX ON target (c)')
	local t=$1 r v=()
	q with -c "SELECT bench_us('SELECT count(*) FROM migration_guard.plan(''CREATE INDEX ON $t (c)'')', 5, 10000)" >/dev/null
	for r in 1 2 3; do
		v+=("$(q with -c "SELECT bench_us('SELECT count(*) FROM migration_guard.plan(''CREATE INDEX ON $t (c)'')', 20000, 2000)")")
	done
	PLAN[$t]=$(median "${v[@]}")
	note "plan $t: ${v[*]} µs"
}
alter_us() {	# alter_us TARGET
	local t=$1 r c w=() wo=()
	printf 'BEGIN;\nALTER TABLE %s ADD COLUMN bench_x int;\nROLLBACK;\n' "$t" >"$SCRATCH/alter_$t.sql"
	for c in with without; do pgb $c -n -t 3 -f "$SCRATCH/alter_$t.sql" >/dev/null 2>&1; done
	for ((r = 1; r <= ROUNDS; r++)); do
		for c in $( ((r % 2)) && echo with without || echo without with); do
			measured_pgbench $c "$SCRATCH/alter.$t.$c.$r.log" -n -c 1 -T "$T" -f "$SCRATCH/alter_$t.sql"
			grep -q WARNING "$SCRATCH/alter.$t.$c.$r.log" && die "ALTER TABLE $t was warned about: $(grep -m1 WARNING "$SCRATCH/alter.$t.$c.$r.log")"
			if [ $c = with ]; then w+=("$(calc "$LAST_LAT * 1000")"); else wo+=("$(calc "$LAST_LAT * 1000")"); fi
		done
	done
	ALTW[$t]=$(median "${w[@]}"); ALTWO[$t]=$(median "${wo[@]}")
	note "alter $t: with ${w[*]} µs, without ${wo[*]} µs"
}

note "building $LARGE_ROWS-row and $NPARTS-partition tables"
setup with tables & setup without tables; wait
q with -c "SELECT bench_us('SELECT count(*) FROM migration_guard.plan(''SELECT 1'')', 5, 1000)" >/dev/null
v=(); for r in 1 2 3; do v+=("$(q with -c "SELECT bench_us('SELECT count(*) FROM migration_guard.plan(''SELECT 1'')', 20000, 2000)")"); done
PLAN[none]=$(median "${v[@]}")
for t in small large parts; do plan_us $t; alter_us $t; done
note "creating $NTABLES tables"
setup with catalog & setup without catalog; wait
plan_us catalog; alter_us catalog

label() {
	case $1 in
		none) echo "no table: plan('SELECT 1')" ;;
		small) echo "table of 1 000 rows" ;;
		large) echo "table of $(awk -v n="$LARGE_ROWS" 'BEGIN { if (n % 1000000 == 0) print n / 1000000 " million"; else print n }') rows ($(q with -c "SELECT pg_size_pretty(pg_table_size('large'))"))" ;;
		parts) echo "partitioned table, $NPARTS partitions" ;;
		catalog) echo "1 000 rows, among $NTABLES more tables" ;;
	esac
}

echo
echo "### scale ($(machine_line))"
echo
echo "plan(): server-side loop, median of 3; ALTER: pgbench -c 1, BEGIN/ALTER/ROLLBACK, median of $ROUNDS alternating runs of $T s."
echo
echo "| target | plan('CREATE INDEX ...') µs/call | BEGIN; ALTER ... ADD COLUMN; ROLLBACK µs without | with | added µs |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| $(label none) | $(fmt %.1f "${PLAN[none]}") | | | |"
for t in small large parts catalog; do
	echo "| $(label $t) | $(fmt %.1f "${PLAN[$t]}") | $(fmt %.0f "${ALTWO[$t]}") | $(fmt %.0f "${ALTW[$t]}") | $(fmt %.0f "$(calc "${ALTW[$t]} - ${ALTWO[$t]}")") |"
done
