#!/usr/bin/env bash
# callgrind.sh [--full]: the extension's cost in instructions, which unlike
# time does not depend on what else the machine is doing.
#
# Runs a single-user backend (postgres --single) under valgrind --tool=callgrind
# on a fixed statement mix, once with -c shared_preload_libraries=migration_guard
# (mode warn) and once without, each on a fresh copy of the same data
# directory, and reports the total instructions and the instructions per
# statement.  The startup (including loading the library) is measured apart,
# with a script of one statement, and subtracted.  Mixes:
#   utility   1 000 x BEGIN; SET LOCAL work_mem = '8MB'; SHOW work_mem; COMMIT;
#   ddl       100 x CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE INDEX; DROP TABLE
#             on a new empty table (passes every rule)
#   ddl, max_locks_per_transaction = 1024: the same, with a larger lock table
# --full: 5 000 utility and 500 DDL cycles.  KEEP=DIR keeps the callgrind
# output files there (for callgrind_annotate).
# Event triggers do not fire in single-user mode: only the hook is measured.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
if [ "$FULL" = 1 ]; then NUTIL=${NUTIL:-5000}; NDDL=${NDDL:-500}
else NUTIL=${NUTIL:-1000}; NDDL=${NDDL:-100}; fi

TEMPLATE="$SCRATCH/template"
make_datadir "$TEMPLATE"
echo "$BENCH_CONF" >>"$TEMPLATE/postgresql.conf"

# The mixes: one statement per line (single-user mode ends a statement at a newline).
echo "SELECT 1;" >"$SCRATCH/base.sql"
for ((i = 0; i < NUTIL; i++)); do
	printf "BEGIN;\nSET LOCAL work_mem = '8MB';\nSHOW work_mem;\nCOMMIT;\n"
done >"$SCRATCH/utility.sql"
for ((i = 0; i < NDDL; i++)); do
	printf "CREATE TABLE bench_t%d (id int);\nALTER TABLE bench_t%d ADD COLUMN v text;\nCREATE INDEX bench_i%d ON bench_t%d (id);\nDROP TABLE bench_t%d;\n" \
		"$i" "$i" "$i" "$i" "$i"
done >"$SCRATCH/ddl.sql"
cp "$SCRATCH/ddl.sql" "$SCRATCH/ddl1024.sql"
chmod 644 "$SCRATCH"/*.sql

declare -A IR
# measure KIND(with|without) MIX [extra -c options]: total instructions of one run.
measure() {
	local kind=$1 mix=$2; shift 2
	local dir="$SCRATCH/run.$kind.$mix" out="$SCRATCH/callgrind.$kind.$mix.out"
	local opts=(-c "migration_guard.mode=warn")
	[ "$kind" = with ] && opts+=(-c shared_preload_libraries=migration_guard)
	rm -rf "$dir"
	cp -a "$TEMPLATE" "$dir"
	as_pg valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no \
		"$PGBIN/postgres" --single -D "$dir" "${opts[@]}" "$@" postgres \
		<"$SCRATCH/$mix.sql" >"$SCRATCH/single.$kind.$mix.log" 2>&1 ||
		{ tail -20 "$SCRATCH/single.$kind.$mix.log" >&2; die "single-user run $kind $mix failed"; }
	grep -q 'ERROR' "$SCRATCH/single.$kind.$mix.log" &&
		die "an ERROR in the single-user run $kind $mix: $(grep -m1 ERROR "$SCRATCH/single.$kind.$mix.log")"
	IR[$kind.$mix]=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p;s/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1)
	rm -rf "$dir"
	note "$kind $mix: ${IR[$kind.$mix]} instructions"
}

for kind in without with; do
	measure $kind base
	measure $kind utility
	measure $kind ddl
	# the larger lock table changes the startup too: its own base
	cp "$SCRATCH/base.sql" "$SCRATCH/base1024.sql"
	measure $kind base1024 -c max_locks_per_transaction=1024
	measure $kind ddl1024 -c max_locks_per_transaction=1024
done

# Where the extension's instructions go in the DDL mix (inclusive cost per DDL cycle).
top_functions() {	# top_functions OUTFILE: inclusive Ir of the hook's main parts, per judged statement
	callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$1" 2>/dev/null |
		awk -v n="$((NDDL * 3))" '/\[/ && match($0, /:(judge|mg_analyze|mg_evaluate|mg_report_findings|mg_guard_locks|find_blockers|GetLockStatusData|hash_seq_search|mg_table_facts|mg_auto_lock_timeout_nestlevel)[ (]/) {
			name = substr($0, RSTART + 1, RLENGTH - 2); ir = $1; gsub(",", "", ir)
			if (!(name in seen)) { seen[name] = 1; out = out sprintf("%s%s %.0f", out == "" ? "" : ", ", name, ir / n) } }
			END { print out }'
}
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$SCRATCH"/callgrind.*.out "$KEEP"/; fi
TOP_DDL=$(top_functions "$SCRATCH/callgrind.with.ddl.out")
TOP_DDL1024=$(top_functions "$SCRATCH/callgrind.with.ddl1024.out")

per() {	# per KIND MIX BASE NSTATEMENTS
	calc "(${IR[$1.$2]} - ${IR[$1.$3]}) / $4"
}
row() {	# row LABEL MIX BASE NSTATEMENTS
	local a b
	a=$(per without "$2" "$3" "$4"); b=$(per with "$2" "$3" "$4")
	echo "| $1 | $4 | $(fmt %.0f "${IR[without.$2]}") | $(fmt %.0f "${IR[with.$2]}") | $(fmt %.0f "$a") | $(fmt %.0f "$b") | $(fmt %+.0f "$(calc "$b - $a")") | $(fmt %+.1f%% "$(calc "($b - $a) * 100 / $a")") |"
}

echo
echo "### callgrind ($(machine_line))"
echo
echo "valgrind --tool=callgrind on postgres --single, the same statements with and without"
echo "shared_preload_libraries = migration_guard; per statement = (total - total of a one-statement run) / statements."
echo
echo "| mix | statements | total Ir without | total Ir with | Ir/statement without | Ir/statement with | difference per statement | |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| startup and one SELECT 1 | 1 | $(fmt %.0f "${IR[without.base]}") | $(fmt %.0f "${IR[with.base]}") | | | $(fmt %+.0f "$(calc "${IR[with.base]} - ${IR[without.base]}")") | |"
row "$NUTIL x BEGIN; SET LOCAL; SHOW; COMMIT" utility base $((NUTIL * 4))
row "$NDDL x CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE INDEX; DROP TABLE" ddl base $((NDDL * 4))
row "the same DDL, max_locks_per_transaction = 1024" ddl1024 base1024 $((NDDL * 4))
echo
echo "Inclusive Ir per judged statement (ALTER TABLE, CREATE INDEX, DROP TABLE; CREATE TABLE goes straight on) in the run with the library:"
echo "- default lock table: $TOP_DDL"
echo "- max_locks_per_transaction = 1024: $TOP_DDL1024"
