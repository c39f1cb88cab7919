#!/usr/bin/env bash
# ddl_small.sh [--full]: what the extension costs DDL that passes every rule.
#
# A pgbench custom script creates, alters, indexes and drops a small table
# with a unique name (6 statements, each judged by the hook except CREATE
# TABLE, plus the sql_drop event trigger on DROP TABLE), run on two throwaway
# clusters side by side, one preloading migration_guard (mode = warn), one
# without, alternating (A B, B A, ...).  Reports the median tps, the ratio
# with/without (target >= 0.95) and the microseconds added per statement,
# from the difference of the average transaction latencies, one client.
# Default: 3 rounds of 10 s per server (about 1 minute); --full: 5 of 30 s.
. "$(dirname "$0")/lib.sh"

if [ "$FULL" = 1 ]; then ROUNDS=${ROUNDS:-5}; T=${T:-30}
else ROUNDS=${ROUNDS:-3}; T=${T:-10}; fi
CLIENTS=${CLIENTS:-1}
PORT_BASE=${PORT_BASE:-55420}
STMTS=6		# SQL statements per transaction of the script below

note "ddl_small: starting clusters in $SCRATCH"
start_cluster with $PORT_BASE with
start_cluster without $((PORT_BASE + 1)) without

# Unique names: the client id and a random 12-digit number.
cat >"$SCRATCH/ddl.sql" <<'EOF'
\set n :client_id * 1000000000000 + random(1, 999999999999)
CREATE TABLE bench_t:n (id int);
ALTER TABLE bench_t:n ADD COLUMN v text;
CREATE INDEX bench_i:n ON bench_t:n (id);
ALTER TABLE bench_t:n ALTER COLUMN v SET DEFAULT 'x';
COMMENT ON TABLE bench_t:n IS 'benchmark';
DROP TABLE bench_t:n;
EOF

# Each statement must pass: no WARNING from the server with the extension.
out=$(q with -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
	-c "CREATE TABLE bench_check (id int)" -c "ALTER TABLE bench_check ADD COLUMN v text" \
	-c "CREATE INDEX bench_check_id_idx ON bench_check (id)" \
	-c "ALTER TABLE bench_check ALTER COLUMN v SET DEFAULT 'x'" \
	-c "COMMENT ON TABLE bench_check IS 'benchmark'" -c "DROP TABLE bench_check" 2>&1)
[ -z "$out" ] || die "the DDL cycle is not clean under migration_guard: $out"

declare -A TPS LAT
WARNINGS=0
run() {	# run CLUSTER ROUND SECONDS
	local c=$1 r=$2 t=$3 out="$SCRATCH/ddl.$1.$2.log"
	pgb $c -c "$CLIENTS" -j "$CLIENTS" -T "$t" -n -f "$SCRATCH/ddl.sql" >"$out" 2>&1 ||
		{ cat "$out" >&2; die "pgbench on $c failed"; }
	WARNINGS=$((WARNINGS + $(grep -c WARNING "$out" || true)))
	if [ "$r" -gt 0 ]; then
		TPS[$c]="${TPS[$c]:-} $(tps_of "$out")"
		LAT[$c]="${LAT[$c]:-} $(lat_of "$out")"
	fi
	note "round $r $c: $(tps_of "$out") tps, $(lat_of "$out") ms"
}

run with 0 3; run without 0 3	# warm-up, not counted
for ((r = 1; r <= ROUNDS; r++)); do
	if ((r % 2)); then run with $r "$T"; run without $r "$T"
	else run without $r "$T"; run with $r "$T"; fi
done

# shellcheck disable=SC2086
a=$(median ${TPS[without]}); b=$(median ${TPS[with]})
# shellcheck disable=SC2086
la=$(median ${LAT[without]}); lb=$(median ${LAT[with]})
ratio=$(fmt %.3f "$(calc "$b / $a")")
added=$(fmt %.1f "$(calc "($lb - $la) * 1000 / $STMTS")")

echo
echo "### ddl_small ($(machine_line))"
echo
echo "CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE INDEX; ALTER COLUMN SET DEFAULT; COMMENT; DROP TABLE"
echo "on a new table, $CLIENTS client(s), median of $ROUNDS alternating runs of $T s per server;"
echo "warnings received: $WARNINGS."
echo
echo "| workload | tps without | tps with | ratio with/without | target | | µs added per statement |"
echo "| --- | ---: | ---: | ---: | ---: | --- | ---: |"
echo "| small-table DDL cycle ($STMTS statements) | $(fmt %.0f "$a") | $(fmt %.0f "$b") | $ratio | 0.95 | $(verdict "$ratio" 0.95) | $added |"
echo
echo "Runs (tps): without:${TPS[without]}; with:${TPS[with]}; latency ms without:${LAT[without]}; with:${LAT[with]}"
