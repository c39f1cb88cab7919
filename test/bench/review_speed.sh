#!/usr/bin/env bash
# review_speed.sh [--full]: how fast migration_guard.review() judges a large
# migration, next to squawk on the same file, and whether its memory stays flat.
#
# One throwaway cluster preloading migration_guard, a database with 1 000
# tables (id bigint primary key, c int, v text, ref_id bigint; 100 rows each,
# and the session sets migration_guard.large_table_rows = 50 so that the
# blocking rules have something to say), and a generated migration of 10 000
# statements (--full: 50 000): ADD COLUMN, CREATE INDEX CONCURRENTLY, ADD
# CONSTRAINT ... NOT VALID, VALIDATE CONSTRAINT, SET DEFAULT, COMMENT, UPDATE,
# a CREATE INDEX without CONCURRENTLY, and a BEGIN/ADD FOREIGN KEY NOT
# VALID/COMMIT block, on tables cycling through the 1 000.
#
# Reports statements per second of
#   - review() and report() as psql sees them: the file sent as a parameter
#     (\set script `cat file`), \timing, so the client round trip is included;
#   - review(pg_read_file(...)) with the file read server-side;
#   - squawk (npm package squawk-cli, installed into the scratch directory; if
#     the install fails the row says so) on the same file, in the same run;
# and VmHWM/VmRSS (from /proc/self/status of the backend) and the total of
# pg_backend_memory_contexts after each of 20 consecutive review() calls in
# one session: none may grow after the first call.
. "$(dirname "$0")/lib.sh"

if [ "$FULL" = 1 ]; then NSTMTS=${NSTMTS:-50000}; else NSTMTS=${NSTMTS:-10000}; fi
NTABLES=${NTABLES:-1000}
NCALLS=${NCALLS:-20}
PORT_BASE=${PORT_BASE:-55440}

note "review_speed: starting a cluster in $SCRATCH"
start_cluster with $PORT_BASE with
q with <<EOF
DO \$\$ BEGIN
  FOR i IN 1..$NTABLES LOOP
    EXECUTE format('CREATE TABLE tbl_%s (id bigint PRIMARY KEY, c int, v text, ref_id bigint)', i);
    EXECUTE format('INSERT INTO tbl_%s SELECT g, g, ''v'' || g, g FROM generate_series(1, 100) g', i);
    IF i % 200 = 0 THEN COMMIT; END IF;
  END LOOP;
END \$\$;
ANALYZE;
EOF

# The migration: 10 statements per group, cycling through the tables.
MIG="$SCRATCH/migration.sql"
awk -v n="$NSTMTS" -v ntables="$NTABLES" 'BEGIN {
	print "SET lock_timeout = '\''5s'\'';"
	s = 1
	for (k = 1; s < n; k++) {
		t = "tbl_" ((k - 1) % ntables + 1)
		printf "ALTER TABLE %s ADD COLUMN col_%d text;\n", t, k
		printf "CREATE INDEX CONCURRENTLY %s_c_%d_idx ON %s (c);\n", t, k, t
		printf "ALTER TABLE %s ADD CONSTRAINT %s_chk_%d CHECK (c >= 0) NOT VALID;\n", t, t, k
		printf "ALTER TABLE %s VALIDATE CONSTRAINT %s_chk_%d;\n", t, t, k
		printf "ALTER TABLE %s ALTER COLUMN col_%d SET DEFAULT '\''x'\'';\n", t, k
		if (k % 2) printf "COMMENT ON COLUMN %s.col_%d IS '\''added by migration %d'\'';\n", t, k, k
		else printf "UPDATE %s SET col_%d = '\''x'\'' WHERE id < 10;\n", t, k
		printf "CREATE INDEX %s_v_%d_idx ON %s (v);\n", t, k, t
		printf "BEGIN;\nALTER TABLE %s ADD CONSTRAINT %s_fk_%d FOREIGN KEY (ref_id) REFERENCES tbl_1 (id) NOT VALID;\nCOMMIT;\n", t, t, k
		s += 10
	}
}' >"$MIG"
chmod 644 "$MIG"
NS=$(grep -c ';$' "$MIG")
KB=$(( $(stat -c %s "$MIG") / 1024 ))
note "migration: $NS statements, $KB kB"

SETUP="SET migration_guard.large_table_rows = 50;"

# psql_timed SQL REPEAT: median of the \timing figures (ms) of SQL run REPEAT times,
# in one session that first sets :script to the file's content.
psql_timed() {
	local sql=$1 n=$2 i
	{
		echo "\\set script \`cat $MIG\`"
		echo "$SETUP"
		echo "$sql"		# warm-up, not counted
		echo "\\timing on"
		for ((i = 0; i < n; i++)); do echo "$sql"; done
	} >"$SCRATCH/timed.sql"
	# shellcheck disable=SC2046
	median $(q with -f "$SCRATCH/timed.sql" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
}

FINDINGS=$(q with -c "$SETUP" -c "SELECT count(*) FROM migration_guard.review(pg_read_file('$MIG'))")
BYRULE=$(q with -F ' ' -c "$SETUP" -c "SELECT rule || ': ' || count(*) FROM migration_guard.review(pg_read_file('$MIG')) GROUP BY rule ORDER BY count(*) DESC" | paste -sd, | sed 's/,/, /g')
note "findings: $FINDINGS ($BYRULE)"

R_REVIEW=$(psql_timed "SELECT count(*) FROM migration_guard.review(:'script');" 3)
note "review() via psql: $R_REVIEW ms"
R_REPORT=$(psql_timed "SELECT length(migration_guard.report(:'script'));" 3)
note "report() via psql: $R_REPORT ms"
R_SERVER=$(psql_timed "SELECT count(*) FROM migration_guard.review(pg_read_file('$MIG'));" 3)
note "review(pg_read_file()): $R_SERVER ms"

# squawk, from npm, in our scratch directory.
SQ_MS="" SQ_NOTE=""
if ! command -v npm >/dev/null; then
	SQ_NOTE="npm not found"
elif ! npm install --prefix "$SCRATCH/npm" --no-audit --no-fund squawk-cli >"$SCRATCH/npm.log" 2>&1 ||
	[ ! -x "$SCRATCH/npm/node_modules/.bin/squawk" ]; then
	SQ_NOTE="npm install squawk-cli failed: $(tail -1 "$SCRATCH/npm.log")"
else
	SQ="$SCRATCH/npm/node_modules/.bin/squawk"
	SQ_VERSION=$("$SQ" --version 2>/dev/null | awk '{print $2}')
	"$SQ" --pg-version=15.0 "$MIG" >"$SCRATCH/squawk.out" 2>&1 || true	# warm-up; exit 1 on findings
	SQ_ISSUES=$(sed -n 's/^Found \([0-9]*\) issues.*/\1/p' "$SCRATCH/squawk.out" | tail -1)
	v=()
	for i in 1 2 3; do
		t0=$(date +%s%N)
		"$SQ" --pg-version=15.0 "$MIG" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		v+=("$(calc "($t1 - $t0) / 1000000")")
	done
	SQ_MS=$(median "${v[@]}")
	note "squawk $SQ_VERSION: ${v[*]} ms, ${SQ_ISSUES:-?} issues"
fi

# Memory over NCALLS consecutive review() calls in one session.
{
	echo "\\set script \`cat $MIG\`"
	echo "$SETUP"
	echo "CREATE TEMP TABLE memlog (call int, hwm_kb bigint, anon_kb bigint, contexts_kb bigint);"
	for ((i = 1; i <= NCALLS; i++)); do
		echo "SELECT count(*) FROM migration_guard.review(:'script');"
		echo "INSERT INTO memlog SELECT $i, substring(s FROM 'VmHWM:\\s+(\\d+)')::bigint, substring(s FROM 'RssAnon:\\s+(\\d+)')::bigint, (SELECT sum(total_bytes) / 1024 FROM pg_backend_memory_contexts) FROM pg_read_file('/proc/self/status') s;"
	done
	echo "SELECT string_agg(format('%s %s %s %s', call, hwm_kb, anon_kb, contexts_kb), ';' ORDER BY call) FROM memlog;"
} >"$SCRATCH/memory.sql"
MEM=$(q with -f "$SCRATCH/memory.sql" | tail -1)
# Call 1 fills the caches (catalog, relcache); from call 2 on nothing may grow.
mem_of() { echo "$MEM" | tr ';' '\n' | awk -v c="$1" '$1 == c { print $2, $3, $4 }'; }
read -r M1_HWM M1_ANON M1_CTX < <(mem_of 1)
read -r M2_HWM M2_ANON M2_CTX < <(mem_of 2)
read -r MN_HWM MN_ANON MN_CTX < <(mem_of "$NCALLS")
grow() { awk -v a="$1" -v b="$2" 'BEGIN { print (b - a <= 1024) ? "ok" : "**grows**" }'; }
note "memory after each call (call VmHWM RssAnon contexts, kB): $MEM"

sps() { fmt %.0f "$(calc "$NS / ($1 / 1000)")"; }
echo
echo "### review_speed ($(machine_line))"
echo
echo "A generated migration of $NS statements ($KB kB) on a database of $NTABLES tables; review() finds $FINDINGS findings ($BYRULE)."
echo
echo "| tool | whole call, ms (median of 3) | statements/s |"
echo "| --- | ---: | ---: |"
echo "| migration_guard.review(:'script') via psql | $(fmt %.0f "$R_REVIEW") | $(sps "$R_REVIEW") |"
echo "| migration_guard.report(:'script') via psql (Markdown) | $(fmt %.0f "$R_REPORT") | $(sps "$R_REPORT") |"
echo "| migration_guard.review(pg_read_file(...)) | $(fmt %.0f "$R_SERVER") | $(sps "$R_SERVER") |"
if [ -n "$SQ_MS" ]; then
	echo "| squawk $SQ_VERSION (npm squawk-cli; no database, $SQ_ISSUES issues) | $(fmt %.0f "$SQ_MS") | $(sps "$SQ_MS") |"
else
	echo "| squawk | $SQ_NOTE | |"
fi
echo
echo "| backend memory, kB, over $NCALLS consecutive review() calls in one session | after call 1 | after call 2 | after call $NCALLS | growth from call 2 (limit 1 MB) |"
echo "| --- | ---: | ---: | ---: | --- |"
echo "| VmHWM (peak resident set, shared buffers touched included) | $M1_HWM | $M2_HWM | $MN_HWM | $(grow "$M2_HWM" "$MN_HWM") |"
echo "| RssAnon (private memory: palloc and malloc) | $M1_ANON | $M2_ANON | $MN_ANON | $(grow "$M2_ANON" "$MN_ANON") |"
echo "| pg_backend_memory_contexts total | $M1_CTX | $M2_CTX | $MN_CTX | $(grow "$M2_CTX" "$MN_CTX") |"
echo
echo "Call 1 fills the backend's catalog caches; after call 2 nothing may grow."
