#!/usr/bin/env bash
# app_traffic.sh [--full]: what the extension costs ordinary application traffic.
#
# Two throwaway clusters side by side, one preloading migration_guard
# (mode = warn, extension created), one without.  Runs, alternating the two
# servers (A B, B A, A B, ...):
#   - pgbench's built-in TPC-B (scale 10, -c 2 -j 2, -M prepared);
#   - a custom script of non-DDL utility statements only, which all go through
#     the ProcessUtility hook: BEGIN; SET LOCAL work_mem = '8MB'; SHOW work_mem; COMMIT;
# and reports the median tps of each and the ratio with/without (target >= 0.99).
# Default: 3 rounds, TPC-B 20 s and utility 5 s per run (about 3 minutes);
# --full: 5 rounds of 60 s each.
. "$(dirname "$0")/lib.sh"

if [ "$FULL" = 1 ]; then ROUNDS=${ROUNDS:-5}; T_TPCB=${T_TPCB:-60}; T_UTIL=${T_UTIL:-60}
else ROUNDS=${ROUNDS:-3}; T_TPCB=${T_TPCB:-20}; T_UTIL=${T_UTIL:-5}; fi
PORT_BASE=${PORT_BASE:-55410}

note "app_traffic: starting clusters in $SCRATCH"
start_cluster with $PORT_BASE with
start_cluster without $((PORT_BASE + 1)) without
for c in with without; do
	pgb $c -i -s 10 -q >"$SCRATCH/init.$c.log" 2>&1 || { cat "$SCRATCH/init.$c.log" >&2; die "pgbench -i failed"; }
	q $c -c "VACUUM ANALYZE" -c CHECKPOINT
done
[ "$(q with -c "SELECT migration_guard.is_preloaded()")" = t ] || die "library not preloaded in cluster with"

cat >"$SCRATCH/utility.sql" <<'EOF'
BEGIN;
SET LOCAL work_mem = '8MB';
SHOW work_mem;
COMMIT;
EOF

declare -A TPS CPU
run() {	# run WORKLOAD CLUSTER ROUND
	local w=$1 c=$2 r=$3 out="$SCRATCH/$1.$2.$3.log"
	case $w in
		tpcb) measured_pgbench $c "$out" -c 2 -j 2 -T "$T_TPCB" -M prepared -n ;;
		utility) measured_pgbench $c "$out" -c 2 -j 2 -T "$T_UTIL" -M prepared -n -f "$SCRATCH/utility.sql" ;;
	esac
	TPS[$w.$c]="${TPS[$w.$c]:-} $LAST_TPS"
	CPU[$w.$c]="${CPU[$w.$c]:-} $LAST_CPU"
	note "$w round $r $c: $LAST_TPS tps, server CPU $LAST_CPU µs/transaction"
}

for w in tpcb utility; do
	# one warm-up run each, not counted
	T_SAVE_TPCB=$T_TPCB T_SAVE_UTIL=$T_UTIL
	T_TPCB=3 T_UTIL=3
	run $w with 0; run $w without 0
	T_TPCB=$T_SAVE_TPCB T_UTIL=$T_SAVE_UTIL
	TPS[$w.with]="" TPS[$w.without]="" CPU[$w.with]="" CPU[$w.without]=""
	for ((r = 1; r <= ROUNDS; r++)); do
		if ((r % 2)); then run $w with $r; run $w without $r
		else run $w without $r; run $w with $r; fi
	done
done

echo
echo "### app_traffic ($(machine_line))"
echo
echo "Median of $ROUNDS alternating runs per server; TPC-B -T $T_TPCB, utility -T $T_UTIL; -c 2 -j 2 -M prepared."
echo
echo "| workload | tps without | tps with | ratio with/without | target | | server CPU µs/tx without | with | ratio without/with |"
echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
for w in tpcb utility; do
	# shellcheck disable=SC2086
	a=$(median ${TPS[$w.without]}); b=$(median ${TPS[$w.with]})
	# shellcheck disable=SC2086
	ca=$(median ${CPU[$w.without]}); cb=$(median ${CPU[$w.with]})
	ratio=$(fmt %.3f "$(calc "$b / $a")")
	label=$([ $w = tpcb ] && echo "pgbench TPC-B, scale 10" || echo "BEGIN; SET LOCAL; SHOW; COMMIT")
	echo "| $label | $(fmt %.0f "$a") | $(fmt %.0f "$b") | $ratio | 0.99 | $(verdict "$ratio" 0.99) | $(fmt %.1f "$ca") | $(fmt %.1f "$cb") | $(fmt %.3f "$(calc "$ca / $cb")") |"
done
echo
echo "Server CPU per transaction: CPU time of all the cluster's processes during the run / transactions;"
echo "it is far less sensitive than tps to other load on the machine."
echo
echo "Runs (tps): TPC-B without:${TPS[tpcb.without]}; with:${TPS[tpcb.with]}; utility without:${TPS[utility.without]}; with:${TPS[utility.with]}"
echo "Runs (CPU µs/tx): TPC-B without:${CPU[tpcb.without]}; with:${CPU[tpcb.with]}; utility without:${CPU[utility.without]}; with:${CPU[utility.with]}"
