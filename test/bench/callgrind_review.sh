#!/usr/bin/env bash
# callgrind_review.sh [--full]: instructions (callgrind) of review() on the two
# shapes of review_vs_squawk.sh, and of a hooked ALTER TABLE ... ADD COLUMN on
# a partitioned table of 1 000 partitions with and without the extension
# (issue 19).
#
# Like callgrind.sh: a single-user backend (postgres --single) under valgrind
# --tool=callgrind, on a fresh copy of one data directory that holds the 1 000
# tables of gen_migration.sh, a hash-partitioned table "parts" of NPARTS
# partitions (100 000 rows) and the extension (created).  The startup with one
# SELECT 1 is measured apart and subtracted.
#   review     SELECT count(*) FROM migration_guard.review(pg_read_file(F)) once, in a
#              new backend (cold caches, as in a CI job), F the 10 000-statement
#              migration on 1 000 tables ("many") or on one table ("one")
#   partitioned  NALTER x BEGIN; ALTER TABLE parts ADD COLUMN x int; ROLLBACK, in one
#              backend, with and without shared_preload_libraries = migration_guard
#              (mode warn); goal (issue 19): ratio <= 1.05
# Prints instructions per reviewed statement and the ratio of the ALTERs, and
# where the instructions go (inclusive, callgrind_annotate).  KEEP=DIR keeps
# the callgrind files (callgrind_annotate --inclusive=yes DIR/callgrind.*.out).
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
NSTMTS=${NSTMTS:-10000}
NTABLES=${NTABLES:-1000}
NPARTS=${NPARTS:-1000}
if [ "$FULL" = 1 ]; then NALTER=${NALTER:-5}; else NALTER=${NALTER:-2}; fi
PORT_BASE=${PORT_BASE:-55443}

note "callgrind_review: building the data directory in $SCRATCH"
start_cluster tpl "$PORT_BASE" with
"$here/gen_migration.sh" schema "$NSTMTS" "$NTABLES" tbl | q tpl >/dev/null
q tpl >/dev/null <<EOF
CREATE TABLE parts (id bigint, v text) PARTITION BY HASH (id);
DO \$\$ BEGIN
  FOR i IN 0..$((NPARTS - 1)) LOOP
    EXECUTE format('CREATE TABLE parts_%s PARTITION OF parts FOR VALUES WITH (MODULUS $NPARTS, REMAINDER %s)', i, i);
  END LOOP;
END \$\$;
INSERT INTO parts SELECT g, 'v' || g FROM generate_series(1, 100000) g;
VACUUM ANALYZE parts;
CHECKPOINT;
EOF
"$here/gen_migration.sh" migration "$NSTMTS" "$NTABLES" tbl >"$SCRATCH/many.sql"
"$here/gen_migration.sh" migration "$NSTMTS" 1 tbl >"$SCRATCH/one.sql"
TEMPLATE=$tpl_dir
as_pg "$PGBIN/pg_ctl" -D "$TEMPLATE" -m fast -w stop >/dev/null
# the preload goes per run, on the command line
sed -i "/^shared_preload_libraries/d;/^migration_guard.mode/d" "$TEMPLATE/postgresql.conf"

echo "SELECT 1;" >"$SCRATCH/base.sql"
for shape in many one; do
	echo "SET migration_guard.large_table_rows = 50;" >"$SCRATCH/review_$shape.sql"
	echo "SELECT count(*) FROM migration_guard.review(pg_read_file('$SCRATCH/$shape.sql'));" >>"$SCRATCH/review_$shape.sql"
done
echo "SET migration_guard.large_table_rows = 50;" >"$SCRATCH/review_base.sql"
for ((i = 0; i < NALTER; i++)); do
	printf "BEGIN;\nALTER TABLE parts ADD COLUMN x int;\nROLLBACK;\n"
done >"$SCRATCH/partitioned.sql"
chmod 644 "$SCRATCH"/*.sql

declare -A IR
# measure KIND(with|without) MIX: total instructions of one run.
measure() {
	local kind=$1 mix=$2
	local dir="$SCRATCH/run.$kind.$mix" out="$SCRATCH/callgrind.$kind.$mix.out"
	local opts=(-c "migration_guard.mode=warn")
	[ "$kind" = with ] && opts+=(-c shared_preload_libraries=migration_guard)
	rm -rf "$dir"
	cp -a "$TEMPLATE" "$dir"
	as_pg valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no \
		"$PGBIN/postgres" --single -D "$dir" "${opts[@]}" bench \
		<"$SCRATCH/$mix.sql" >"$SCRATCH/single.$kind.$mix.log" 2>&1 ||
		{ tail -20 "$SCRATCH/single.$kind.$mix.log" >&2; die "single-user run $kind $mix failed"; }
	grep -q 'ERROR' "$SCRATCH/single.$kind.$mix.log" &&
		die "an ERROR in the single-user run $kind $mix: $(grep -m1 ERROR "$SCRATCH/single.$kind.$mix.log")"
	IR[$kind.$mix]=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p;s/^summary: *\([0-9]*\).*/\1/p' "$out" | head -1)
	rm -rf "$dir"
	note "$kind $mix: ${IR[$kind.$mix]} instructions"
}

measure with review_base
measure with review_many
measure with review_one
for kind in without with; do
	measure $kind base
	measure $kind partitioned
done
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$SCRATCH"/callgrind.*.out "$KEEP"/; fi

# top OUTFILE N FUNCTIONS...: inclusive Ir of the named functions, divided by N.
top() {
	local out=$1 n=$2; shift 2
	local re
	re=$(IFS='|'; echo "$*")
	callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$out" 2>/dev/null |
		awk -v n="$n" -v re="^($re)\$" '/\[/ {
			line = $0; ir = $1; gsub(",", "", ir)
			if (!match(line, /:[A-Za-z_0-9]+ /)) next
			name = substr(line, RSTART + 1, RLENGTH - 2)
			if (name !~ re || (name in seen)) next
			seen[name] = 1; out = out sprintf("%s%s %.0f", out == "" ? "" : ", ", name, ir / n) }
			END { print out }'
}
NS=$(grep -c ';$' "$SCRATCH/many.sql")
per_stmt() { calc "(${IR[with.review_$1]} - ${IR[with.review_base]}) / $NS"; }
alter() { calc "(${IR[$1.partitioned]} - ${IR[$1.base]}) / $NALTER"; }
A_WITHOUT=$(alter without); A_WITH=$(alter with)
A_RATIO=$(calc "$A_WITH / $A_WITHOUT")
FUNCS=(mg_review_sql mg_report_sql review_script mg_analyze mg_table_facts_with estimate_leaf
	main_fork_bytes mg_foreach_index RelationIdGetRelation RelationBuildDesc relation_open
	SearchCatCache1 SearchCatCache2 SearchCatCacheMiss raw_parser mg_evaluate mg_judge
	created_in_current_transaction pgstat_fetch_stat_tabentry find_all_inheritors RangeVarGetRelidExtended)

echo
echo "### callgrind_review ($(machine_line))"
echo
echo "valgrind --tool=callgrind on postgres --single; review() once in a new backend (cold caches, as in a CI job); per statement = (total - total of the same backend with SET only) / $NS statements."
echo
echo "| review() of $NS statements | total Ir | Ir per statement |"
echo "| --- | ---: | ---: |"
echo "| every statement on another of $NTABLES tables | $(fmt %.0f "${IR[with.review_many]}") | $(fmt %.0f "$(per_stmt many)") |"
echo "| every statement on one table | $(fmt %.0f "${IR[with.review_one]}") | $(fmt %.0f "$(per_stmt one)") |"
echo "| ratio many / one | | $(fmt %.2f "$(calc "$(per_stmt many) / $(per_stmt one)")") |"
echo
echo "Inclusive Ir per statement:"
echo "- many: $(top "$SCRATCH/callgrind.with.review_many.out" "$NS" "${FUNCS[@]}")"
echo "- one: $(top "$SCRATCH/callgrind.with.review_one.out" "$NS" "${FUNCS[@]}")"
echo
echo "| BEGIN; ALTER TABLE parts ADD COLUMN x int; ROLLBACK on $NPARTS partitions, $NALTER times in one backend | without | with | ratio (goal <= 1.05) |"
echo "| --- | ---: | ---: | ---: |"
echo "| Ir per ALTER (startup subtracted) | $(fmt %.0f "$A_WITHOUT") | $(fmt %.0f "$A_WITH") | $(fmt %.3f "$A_RATIO") $(awk -v r="$A_RATIO" 'BEGIN { print (r <= 1.05) ? "ok" : "**above**" }') |"
echo
echo "Inclusive Ir per ALTER in the run with the library: $(top "$SCRATCH/callgrind.with.partitioned.out" "$NALTER" "${FUNCS[@]}" judge mg_guard_locks mg_history_record)"
