#!/usr/bin/env bash
# history_cost.sh [--full]: what recording the migration history costs, in
# instructions (which unlike time do not depend on the machine's other load).
#
# Runs a single-user backend (postgres --single) under valgrind --tool=callgrind
# on 100 (--full: 500) cycles of CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE
# INDEX; DROP TABLE in a database where the extension is installed, once with
# migration_guard.history = on and once off, each on a fresh copy of the same
# data directory, and reports the instructions added per recorded statement
# (4 per cycle) and per statement of the server without the extension.
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
if [ "$FULL" = 1 ]; then NDDL=${NDDL:-500}; else NDDL=${NDDL:-100}; fi

TEMPLATE="$SCRATCH/template"
make_datadir "$TEMPLATE"
echo "$BENCH_CONF" >>"$TEMPLATE/postgresql.conf"
echo "CREATE EXTENSION migration_guard;" >"$SCRATCH/install.sql"
echo "SELECT 1;" >"$SCRATCH/base.sql"
for ((i = 0; i < NDDL; i++)); do
	printf "CREATE TABLE bench_t%d (id int);\nALTER TABLE bench_t%d ADD COLUMN v text;\nCREATE INDEX bench_i%d ON bench_t%d (id);\nDROP TABLE bench_t%d;\n" \
		"$i" "$i" "$i" "$i" "$i"
done >"$SCRATCH/ddl.sql"
chmod 644 "$SCRATCH"/*.sql
as_pg "$PGBIN/postgres" --single -D "$TEMPLATE" -c shared_preload_libraries=migration_guard \
	postgres <"$SCRATCH/install.sql" >"$SCRATCH/install.log" 2>&1 ||
	{ cat "$SCRATCH/install.log" >&2; die "CREATE EXTENSION failed"; }

declare -A IR
measure() {	# measure LABEL MIX [postgres options]
	local label=$1 mix=$2; shift 2
	local dir="$SCRATCH/run.$label.$mix" out="$SCRATCH/callgrind.$label.$mix.out"
	rm -rf "$dir"; cp -a "$TEMPLATE" "$dir"
	as_pg valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no \
		"$PGBIN/postgres" --single -D "$dir" "$@" postgres \
		<"$SCRATCH/$mix.sql" >"$SCRATCH/single.$label.$mix.log" 2>&1 ||
		{ tail -20 "$SCRATCH/single.$label.$mix.log" >&2; die "single-user run $label $mix failed"; }
	grep -q 'ERROR' "$SCRATCH/single.$label.$mix.log" &&
		die "an ERROR in the single-user run $label $mix: $(grep -m1 ERROR "$SCRATCH/single.$label.$mix.log")"
	IR[$label.$mix]=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p;s/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1)
	rm -rf "$dir"
	note "$label $mix: ${IR[$label.$mix]} instructions"
}
EXT=(-c shared_preload_libraries=migration_guard -c migration_guard.mode=warn)
for mix in base ddl; do
	measure none "$mix"
	measure off "$mix" "${EXT[@]}" -c migration_guard.history=off
	measure on "$mix" "${EXT[@]}" -c migration_guard.history=on
done
N=$((NDDL * 4))
per() { calc "(${IR[$1.ddl]} - ${IR[$1.base]}) / $N"; }
none=$(per none); off=$(per off); on=$(per on)
echo
echo "### history_cost ($(machine_line))"
echo
echo "$NDDL x CREATE TABLE; ALTER TABLE ADD COLUMN; CREATE INDEX; DROP TABLE (each statement recorded), postgres --single under callgrind."
echo
echo "| configuration | Ir per statement | added to the server without the extension |"
echo "| --- | ---: | ---: |"
echo "| without the extension | $(fmt %.0f "$none") | |"
echo "| migration_guard, history = off | $(fmt %.0f "$off") | $(fmt %+.1f%% "$(calc "($off - $none) * 100 / $none")") |"
echo "| migration_guard, history = on | $(fmt %.0f "$on") | $(fmt %+.1f%% "$(calc "($on - $none) * 100 / $none")") |"
echo
echo "Recording one statement: $(fmt %.0f "$(calc "$on - $off")") instructions ($(fmt %+.1f%% "$(calc "($on - $off) * 100 / $none")") of a statement)."
