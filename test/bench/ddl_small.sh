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
# Each run starts from vacuumed catalogs, with autovacuum off: the create and
# drop cycle leaves thousands of dead catalog rows a second, and autovacuum
# cleaning them during one server's run halved its figure at random.
# Two configurations: the default lock table, and max_locks_per_transaction
# = 1024 (common on servers with many partitions), since the hook's cost
# depends on the size of the shared lock table (see README, Performance).
# Default: 5 rounds of 4 s per server and configuration (about 2 minutes);
# --full: 5 of 30 s.
. "$(dirname "$0")/lib.sh"

if [ "$FULL" = 1 ]; then ROUNDS=${ROUNDS:-5}; T=${T:-30}
else ROUNDS=${ROUNDS:-5}; T=${T:-4}; fi
CLIENTS=${CLIENTS:-1}
VARIANTS=${VARIANTS:-"default locks1024"}
PORT_BASE=${PORT_BASE:-55420}
STMTS=6		# SQL statements per transaction of the script below

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

# run CLUSTER ROUND SECONDS: one pgbench run; rounds > 0 are counted.
run() {
	local c=$1 r=$2 t=$3 out="$SCRATCH/ddl.$1.$2.log"
	# The same catalog state for every run: the previous run's dead catalog
	# rows vacuumed away (autovacuum is off, so it cannot land in one run of one server).
	q "$c" -c "VACUUM" >/dev/null
	measured_pgbench $c "$out" -c "$CLIENTS" -j "$CLIENTS" -T "$t" -n -f "$SCRATCH/ddl.sql"
	WARNINGS=$((WARNINGS + $(grep -c WARNING "$out" || true)))
	if [ "$r" -gt 0 ]; then
		TPS[$c]="${TPS[$c]:-} $LAST_TPS"
		LAT[$c]="${LAT[$c]:-} $LAST_LAT"
		CPU[$c]="${CPU[$c]:-} $LAST_CPU"
	fi
	note "round $r $c: $LAST_TPS tps, $LAST_LAT ms, server CPU $LAST_CPU µs/transaction"
}

# bench_variant NAME PORT EXTRA_CONF: a pair of clusters, the runs, one result row.
bench_variant() {
	local v=$1 port=$2 extra=$3 out a b la lb ca cb ratio added r
	note "ddl_small ($v): starting clusters in $SCRATCH"
	start_cluster with "$port" with "$extra
autovacuum = off"
	start_cluster without $((port + 1)) without "$extra
autovacuum = off"
	TPS=() LAT=() CPU=()

	# Each statement must pass: no WARNING from the server with the extension.
	out=$(q with -c "SET client_min_messages = warning" \
		-c "CREATE TABLE bench_check (id int)" -c "ALTER TABLE bench_check ADD COLUMN v text" \
		-c "CREATE INDEX bench_check_id_idx ON bench_check (id)" \
		-c "ALTER TABLE bench_check ALTER COLUMN v SET DEFAULT 'x'" \
		-c "COMMENT ON TABLE bench_check IS 'benchmark'" -c "DROP TABLE bench_check" 2>&1)
	[ -z "$out" ] || die "the DDL cycle is not clean under migration_guard: $out"

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
	# shellcheck disable=SC2086
	ca=$(median ${CPU[without]}); cb=$(median ${CPU[with]})
	RESULT[$v]="| $(variant_label "$v") | $(fmt %.0f "$a") | $(fmt %.0f "$b") | $ratio | 0.95 | $(verdict "$ratio" 0.95) | $added | $(fmt %.0f "$ca") | $(fmt %.0f "$cb") | $(fmt %.3f "$(calc "$ca / $cb")") | $(fmt %.1f "$(calc "($cb - $ca) / $STMTS")") |"
	RUNS[$v]="$v: tps without:${TPS[without]}; with:${TPS[with]}; latency ms without:${LAT[without]}; with:${LAT[with]}; CPU µs/tx without:${CPU[without]}; with:${CPU[with]}"
	stop_cluster with
	stop_cluster without
}

variant_label() { case $1 in default) echo "default configuration" ;; locks1024) echo "max_locks_per_transaction = 1024" ;; history_off) echo "migration_guard.history = off" ;; esac; }
declare -A TPS LAT CPU RUNS RESULT
WARNINGS=0
p=$PORT_BASE
for v in $VARIANTS; do
	case $v in
		default) bench_variant default $p "" ;;
		locks1024) bench_variant locks1024 $p "max_locks_per_transaction = 1024" ;;
		history_off) bench_variant history_off $p "migration_guard.history = off" ;;
		*) die "unknown variant $v" ;;
	esac
	p=$((p + 2))
done

echo
echo "### ddl_small ($(machine_line))"
echo
echo "CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE INDEX; ALTER COLUMN SET DEFAULT; COMMENT; DROP TABLE"
echo "on a new table, $CLIENTS client(s), median of $ROUNDS alternating runs of $T s per server;"
echo "warnings received: $WARNINGS."
echo
echo "| configuration | tps without | tps with | ratio with/without | target | | µs added per statement (latency) | server CPU µs/tx without | with | ratio without/with | CPU µs added per statement |"
echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for v in $VARIANTS; do echo "${RESULT[$v]}"; done
echo
echo "Server CPU per transaction: CPU time of all the cluster's processes during the run / transactions;"
echo "it is far less sensitive than tps and latency to other load on the machine."
echo
for v in $VARIANTS; do echo "Runs, ${RUNS[$v]}"; done
