#!/usr/bin/env bash
# review_vs_squawk.sh [--full]: review() and report() next to the static linter
# squawk on the same files, as a CI job runs them (issue 19).
#
# One throwaway cluster preloading migration_guard, a database of 1 000 tables
# (gen_migration.sh schema) and two generated migrations of 10 000 statements
# (gen_migration.sh migration; --full: RUNS=9 instead of 5):
#   many   every statement touches another of the 1 000 tables (each table 10 times)
#   one    every statement touches the same table
# Each run times, alternating: squawk on the file (a new process: what a CI
# job starts), review() in a fresh backend (a new psql connection that reads
# the file into a variable and calls SELECT count(*) FROM
# migration_guard.review(:'script')), and report() the same way (Markdown),
# on each shape in turn; the figure is the median of the runs, in wall-clock
# time of the whole command (client start, connection and round trip
# included).  Ratios are squawk's time divided by ours: above 1, we are faster.
# Goals (issue 19): on "many", squawk/review >= 2.0 and squawk/report >= 1.5.
#
# squawk: npm package squawk-cli (SQUAWK_VERSION, default 2.66.0), installed
# once into SQUAWK_CACHE (default ~/.cache/migration-guard-bench), never into
# the repository.  SQUAWK=/path/to/squawk uses another binary.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

NSTMTS=${NSTMTS:-10000}
NTABLES=${NTABLES:-1000}
if [ "$FULL" = 1 ]; then RUNS=${RUNS:-9}; else RUNS=${RUNS:-5}; fi
PORT_BASE=${PORT_BASE:-55442}
SQUAWK_VERSION=${SQUAWK_VERSION:-2.66.0}
SQUAWK_CACHE=${SQUAWK_CACHE:-$HOME/.cache/migration-guard-bench}

# squawk first: without it there is nothing to compare with.
if [ -z "${SQUAWK:-}" ]; then
	SQUAWK="$SQUAWK_CACHE/node_modules/.bin/squawk"
	if ! "$SQUAWK" --version 2>/dev/null | grep -q "$SQUAWK_VERSION"; then
		command -v npm >/dev/null || die "npm not found: install npm, or set SQUAWK=/path/to/squawk"
		mkdir -p "$SQUAWK_CACHE"
		note "installing squawk-cli@$SQUAWK_VERSION into $SQUAWK_CACHE"
		npm install --prefix "$SQUAWK_CACHE" --no-audit --no-fund "squawk-cli@$SQUAWK_VERSION" \
			>"$SCRATCH/npm.log" 2>&1 ||
			die "npm install squawk-cli@$SQUAWK_VERSION failed: $(tail -3 "$SCRATCH/npm.log")"
	fi
fi
SQ_VERSION=$("$SQUAWK" --version 2>/dev/null | awk '{print $2}') ||
	die "$SQUAWK does not run (squawk-cli downloads a platform binary; see $SQUAWK_CACHE)"

note "review_vs_squawk: starting a cluster in $SCRATCH"
start_cluster with "$PORT_BASE" with
"$here/gen_migration.sh" schema "$NSTMTS" "$NTABLES" tbl | q with >/dev/null
"$here/gen_migration.sh" migration "$NSTMTS" "$NTABLES" tbl >"$SCRATCH/many.sql"
"$here/gen_migration.sh" migration "$NSTMTS" 1 tbl >"$SCRATCH/one.sql"
chmod 644 "$SCRATCH"/*.sql

# The session settings of the CI job: a threshold low enough for the 100-row
# tables to count as large, so that the blocking rules have something to say.
export PGOPTIONS="-c migration_guard.large_table_rows=50"
for shape in many one; do
	printf '\\set script `cat %s`\nSELECT count(*) FROM migration_guard.review(:'"'"'script'"'"');\n' \
		"$SCRATCH/$shape.sql" >"$SCRATCH/$shape.review.psql"
	printf '\\set script `cat %s`\nSELECT length(migration_guard.report(:'"'"'script'"'"'));\n' \
		"$SCRATCH/$shape.sql" >"$SCRATCH/$shape.report.psql"
done
declare -A NS FINDINGS ISSUES
for shape in many one; do
	NS[$shape]=$(grep -c ';$' "$SCRATCH/$shape.sql")
	FINDINGS[$shape]=$(q with -f "$SCRATCH/$shape.review.psql")		# also the warm-up
	"$SQUAWK" --pg-version=15.0 "$SCRATCH/$shape.sql" >"$SCRATCH/squawk.$shape.out" 2>&1 || true
	ISSUES[$shape]=$(sed -n 's/^Found \([0-9]*\) issues.*/\1/p' "$SCRATCH/squawk.$shape.out" | tail -1)
	note "$shape: ${NS[$shape]} statements, review() ${FINDINGS[$shape]} findings, squawk ${ISSUES[$shape]:-?} issues"
done

# ms CMD...: wall-clock milliseconds of one run of CMD (output discarded).
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	calc "($t1 - $t0) / 1000000"
}
declare -A T
for ((r = 1; r <= RUNS; r++)); do
	for shape in many one; do
		T[squawk.$shape]+=" $(ms "$SQUAWK" --pg-version=15.0 "$SCRATCH/$shape.sql")"
		T[review.$shape]+=" $(ms q with -f "$SCRATCH/$shape.review.psql")"
		T[report.$shape]+=" $(ms q with -f "$SCRATCH/$shape.report.psql")"
	done
	note "run $r/$RUNS done"
done
declare -A M
for k in "${!T[@]}"; do
	# shellcheck disable=SC2086
	M[$k]=$(median ${T[$k]})
	note "$k:${T[$k]} ms (median ${M[$k]})"
done

ratio() { calc "${M[squawk.$1]} / ${M[$2.$1]}"; }
sps() { fmt %.0f "$(calc "${NS[$1]} / (${M[$2.$1]} / 1000)")"; }
echo
echo "### review_vs_squawk ($(machine_line))"
echo
echo "Generated migrations of ${NS[many]} statements on a database of $NTABLES tables (test/bench/gen_migration.sh);"
echo "median wall-clock time of $RUNS alternating runs, each a new process (squawk) or a new psql connection and backend (review(), report())."
echo
echo "| shape | squawk $SQ_VERSION | review() | report() | squawk / review() | squawk / report() |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for shape in many one; do
	label="every statement on another of $NTABLES tables"
	[ "$shape" = one ] && label="every statement on one table"
	echo "| $label (squawk ${ISSUES[$shape]:-?} issues, review() ${FINDINGS[$shape]} findings) | $(fmt %.0f "${M[squawk.$shape]}") ms | $(fmt %.0f "${M[review.$shape]}") ms ($(sps "$shape" review) st/s) | $(fmt %.0f "${M[report.$shape]}") ms ($(sps "$shape" report) st/s) | $(fmt %.2f "$(ratio "$shape" review)") | $(fmt %.2f "$(ratio "$shape" report)") |"
done
echo
echo "Goals on $NTABLES tables: squawk / review() >= 2.0: $(verdict "$(ratio many review)" 2.0); squawk / report() >= 1.5: $(verdict "$(ratio many report)" 1.5)."
