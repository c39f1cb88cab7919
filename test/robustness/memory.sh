#!/usr/bin/env bash
# Memory of migration_guard:
#   1. one connection runs 100 000 judged DDL statements in warn mode, each
#      with findings (ALTER TABLE ... ADD COLUMN IF NOT EXISTS / SET DEFAULT /
#      RENAME COLUMN back and forth on a "large" table, no lock_timeout), and
#      1000 review() calls; the backend's memory (sum of
#      pg_backend_memory_contexts, and RssAnon of /proc/self/status) is sampled every 10 000
#      statements: it must stay flat (growth after the first sample < 1 MB);
#   2. the core's GoogleTest unit tests built with -fsanitize=address,undefined
#      in a separate CMake build: zero reports (LeakSanitizer included);
#   3. --full only: the project's pg_regress suite (make installcheck, with
#      the fixture of make install-test-fixtures) against a cluster whose
#      server runs under valgrind (memcheck, PostgreSQL's valgrind.supp from
#      the source package when available): zero reports in our code.
# Usage: test/robustness/memory.sh [--full]    (quick: 1 and 2, ~4 min)
source "$(dirname "$0")/lib.sh"

PORT=55550
start_cluster mem $PORT yes "migration_guard.mode = warn
migration_guard.large_table_rows = 1000
log_min_messages = error"
pg $PORT -d postgres -c "CREATE EXTENSION migration_guard" \
	-c "CREATE TABLE big AS SELECT g AS a, g::text AS b FROM generate_series(1, 5000) g" -c "ANALYZE big" >/dev/null ||
	die "setup failed"

N=100000
python3 - "$SCRATCH/mem.sql" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
stmts = ["ALTER TABLE big ADD COLUMN IF NOT EXISTS c int;",
         "ALTER TABLE big ALTER COLUMN c SET DEFAULT 1;",
         "ALTER TABLE big RENAME COLUMN c TO d;",
         "ALTER TABLE big RENAME COLUMN d TO c;"]
review = ("SELECT count(*) FROM migration_guard.review($$BEGIN; ALTER TABLE big ADD COLUMN e int NOT NULL; "
          "CREATE INDEX ON big (a); ALTER TABLE big ALTER COLUMN a TYPE smallint; UPDATE big SET b = ''; "
          "COMMIT; DROP TABLE big;$$) \\g /dev/null\n")
with open(path, "w") as f:
    f.write("\\set ON_ERROR_STOP on\nSET client_min_messages = warning;\nSELECT pg_backend_pid() AS pid \\gset\n")
    sample = ("SELECT sum(total_bytes) AS mem, substring(pg_read_file('/proc/self/status') from 'RssAnon:\\s*(\\d+ kB)') AS rss"
              " FROM pg_backend_memory_contexts \\gset\n"
              "\\warn SAMPLE %d :mem\n\\warn SAMPLE_RSS %d :rss\n")
    f.write(sample % (0, 0))
    for i in range(1, n + 1):
        f.write(stmts[(i - 1) % 4] + "\n")
        if i % (n // 1000) == 0:
            f.write(review)
        if i % 10000 == 0:
            f.write(sample % (i, i))
PY
chmod 644 "$SCRATCH/mem.sql"
t0=$(date +%s)
timeout 1200 "$PGBIN/psql" -X -q -h "$SCRATCH/sock" -p $PORT -U postgres -d postgres -f "$SCRATCH/mem.sql" \
	>/dev/null 2>"$SCRATCH/mem.err"
rc=$?
secs=$(( $(date +%s) - t0 ))
nwarn=$(grep -c '^psql:.*WARNING:' "$SCRATCH/mem.err")
note "$N judged statements and $((N / (N / 1000))) review() calls in $secs s (psql exit $rc), $nwarn warnings"
note "samples (statements, memory contexts in bytes, RssAnon):"
paste <(grep '^SAMPLE ' "$SCRATCH/mem.err" | awk '{print $2, $3}') <(grep '^SAMPLE_RSS' "$SCRATCH/mem.err" | awk '{print $3, $4}') |
	awk '{ printf "#   %7d  %10d  %s %s\n", $1, $2, $3, $4 }'
check "all statements ran (psql exit $rc)" test "$rc" = 0
check "every statement had findings ($nwarn warnings >= $N)" test "$nwarn" -ge "$N"
first=$(grep '^SAMPLE ' "$SCRATCH/mem.err" | awk '$2==10000 {print $3}')
last=$(grep '^SAMPLE ' "$SCRATCH/mem.err" | tail -1 | awk '{print $3}')
growth=$(( ${last:-0} - ${first:-0} ))
check "backend memory flat from 10 000 to $N statements (growth $growth bytes < 1 MB)" test -n "$first" -a "$growth" -lt 1048576
rss1=$(grep '^SAMPLE_RSS 10000 ' "$SCRATCH/mem.err" | awk '{print $3}')
rss2=$(grep '^SAMPLE_RSS' "$SCRATCH/mem.err" | tail -1 | awk '{print $3}')
check "RssAnon (private memory, shared buffers excluded) flat from 10 000 to $N statements (${rss1:-?} -> ${rss2:-?} kB, growth < 2 MB)" \
	test -n "$rss1" -a $(( ${rss2:-0} - ${rss1:-0} )) -lt 2048
if no_crash "$LOG_mem"; then ok "no crash, no restart"; else not_ok "crash evidence in the server log"; fi
stop_cluster mem

note "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
t0=$(date +%s)
if cmake -S "$REPO_DIR" -B "$SCRATCH/asan" -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	>"$SCRATCH/asan.log" 2>&1 && timeout 1800 cmake --build "$SCRATCH/asan" -j2 >>"$SCRATCH/asan.log" 2>&1; then
	(cd "$SCRATCH/asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		timeout 1800 ctest -j2 --output-on-failure) >"$SCRATCH/asan.ctest" 2>&1
	summary=$(grep -E 'tests passed' "$SCRATCH/asan.ctest")
	reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$SCRATCH/asan.ctest")
	note "ASan/UBSan build and run in $(( $(date +%s) - t0 )) s: $summary"
	check "unit tests pass under the sanitizers ($summary)" grep -q ' 0 tests failed' "$SCRATCH/asan.ctest"
	check "no sanitizer report ($reports)" test "$reports" = 0
	grep -E -A8 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$SCRATCH/asan.ctest" | head -20 | sed 's/^/#   /'
else
	tail -5 "$SCRATCH/asan.log" | sed 's/^/#   /'
	not_ok "sanitizer build of the core"
fi

if [ "$FULL" = 1 ]; then
	note "project's pg_regress suite with the server under valgrind"
	command -v valgrind >/dev/null || { not_ok "valgrind is not installed (apt-get install valgrind)"; finish; }
	supp=""
	if get_pg_source >/dev/null && [ -f "$PGSRC/src/tools/valgrind.supp" ]; then supp="--suppressions=$PGSRC/src/tools/valgrind.supp"; fi
	(cd "$REPO_DIR" && make -s install-test-fixtures >/dev/null)
	VPORT=55551
	start_cluster vg $VPORT yes "migration_guard.mode = warn
max_connections = 20
log_min_messages = warning"
	stop_cluster vg
	# The postmaster and every backend under memcheck; each process writes its
	# own report file.
	mkdir -p "$SCRATCH/vg"; [ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH/vg"
	as_pg sh -c "cd $SCRATCH && nohup valgrind --quiet --trace-children=yes --track-origins=no --leak-check=no \
		--read-var-info=no --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END $supp \
		--log-file=$SCRATCH/vg/%p.log $PGBIN/postgres -D $DATADIR_vg -p $VPORT -k $SCRATCH/sock \
		-c listen_addresses='' >$SCRATCH/vg.log 2>&1 &"
	for i in $(seq 1 120); do pg $VPORT -d postgres -Atc "SELECT 1" >/dev/null 2>&1 && break; sleep 2; done
	t0=$(date +%s)
	# The blockers test and the isolation spec depend on timing (sleeps of a
	# second, a 300 ms lock_wait_max) that valgrind's slowdown breaks: left out.
	vg_regress=$(make -s -C "$REPO_DIR" -f Makefile -f - print-regress <<<'print-regress: ; @echo $(REGRESS)' 2>/dev/null | sed 's/\bblockers\b//')
	# pg_regress does not create the subdirectory of results/rules/<id>.out.
	mkdir -p "$SCRATCH/vgout/results/rules"
	(cd "$REPO_DIR" && timeout 5400 make installcheck PGPORT=$VPORT PGHOST="$SCRATCH/sock" PGUSER=postgres \
		REGRESS="$vg_regress" ISOLATION= \
		REGRESS_OPTS="--load-extension=plpgsql --outputdir=$SCRATCH/vgout" >"$SCRATCH/vg.installcheck" 2>&1)
	rc=$?
	note "installcheck under valgrind: exit $rc in $(( $(date +%s) - t0 )) s: $(grep -E 'tests (passed|failed)' "$SCRATCH/vg.installcheck" | tr -s ' ')"
	stop_cluster vg
	ours=$(grep -l 'VALGRINDERROR-BEGIN' "$SCRATCH"/vg/*.log 2>/dev/null | xargs -r grep -lE 'migration_guard|mg_' | wc -l)
	all=$(grep -c 'VALGRINDERROR-BEGIN' "$SCRATCH"/vg/*.log 2>/dev/null | awk -F: '{s+=$2} END {print s+0}')
	note "valgrind reports: $all in all, files naming our code: $ours"
	check "no valgrind report in our code ($ours)" test "$ours" = 0
	grep -h -A15 'VALGRINDERROR-BEGIN' "$SCRATCH"/vg/*.log 2>/dev/null | grep -B3 -A10 -E 'migration_guard|mg_' | head -30 | sed 's/^/#   /'
	check "installcheck passed under valgrind" test "$rc" = 0
fi
finish
