#!/usr/bin/env bash
# Bad input for migration_guard, on a throwaway cluster that preloads it:
# each case must end in a clear ERROR with a SQLSTATE (or a result), never a
# crash, an internal error (XX000) or a server restart.
#   - huge statements: a 50 MB string literal through review(), plan(),
#     report() and the hook; a script of 200 000 statements (must stay
#     linear and answer a cancel / statement_timeout);
#   - deep nesting: 10 000 nested parentheses (parser: 42601/54001), left-deep
#     expressions of 100 000 terms in CHECK, DEFAULT, USING and index
#     expressions, through review() and the hook (54001, not a crash);
#   - NUL bytes (54000 / 22021), invalid UTF-8 in a SQL_ASCII database, a
#     LATIN1 database with non-ASCII identifiers (messages, JSON report);
#   - objects that vanish concurrently: one session drops and re-creates a
#     table in a loop while another runs ALTER TABLE / CREATE INDEX / plan() /
#     review() on it in warn mode (20 s; --full: 60 s);
#   - nonsense GUC values (SET, ALTER SYSTEM + reload, a server started with
#     one) and extreme valid ones (rates of 1 kB/s, INT_MAX thresholds);
#   - log mode must not change the server's own errors (ATTACH PARTITION of
#     an incompatible table: same message as mode = off).
# Usage: test/robustness/bad_input.sh [--full]
source "$(dirname "$0")/lib.sh"

PORT=55530
start_cluster bad $PORT yes "migration_guard.mode = warn
migration_guard.large_table_rows = 1000
max_stack_depth = 2MB
log_min_messages = warning"
DB=postgres
pg $PORT -d $DB -c "CREATE EXTENSION migration_guard" >/dev/null || die "CREATE EXTENSION failed"
pg $PORT -d $DB -c "CREATE TABLE t AS SELECT g AS a, g::text AS b FROM generate_series(1, 5000) g; ANALYZE t;" >/dev/null

calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
alive() { pg $PORT -d postgres -Atc "SELECT 1" 2>/dev/null | grep -qx 1; }

# run_case NAME EXPECT-REGEX [psql args...]: runs psql (verbose errors), takes
# the SQLSTATEs of its ERRORs (or "ok" when there is none); ok when they all
# match EXPECT-REGEX, the server is alive and nothing is XX000.
run_case() {
	local name=$1 expect=$2 out codes t0 secs; shift 2
	t0=$(date +%s.%N)
	out=$(timeout 300 "$PGBIN/psql" -X -q -h "$SCRATCH/sock" -p $PORT -U postgres -v ON_ERROR_STOP=0 \
		-v VERBOSITY=verbose "$@" 2>&1 >/dev/null)
	secs=$(calc "$(date +%s.%N) - $t0")
	codes=$(echo "$out" | sed -nE 's/^(psql:[^ ]* )?(ERROR|FATAL|PANIC):  ([0-9A-Z]{5}):.*/\3/p' | sort -u | tr '\n' ' ')
	codes=${codes% }
	[ -z "$codes" ] && codes=ok
	if ! alive; then
		not_ok "$name" "server not answering after it ($codes, ${secs}s)"
		echo "$out" | head -5 | sed 's/^/#   /'
	elif echo "$codes" | grep -q 'XX'; then
		not_ok "$name" "internal error ($codes, ${secs}s)"
		echo "$out" | grep -A3 'XX' | head -8 | sed 's/^/#   /'
	elif [ -n "$(echo "$codes" | tr ' ' '\n' | grep -vxE "$expect")" ]; then
		not_ok "$name" "got $codes, expected $expect (${secs}s)"
		echo "$out" | grep -E 'ERROR|FATAL' | head -4 | cut -c1-200 | sed 's/^/#   /'
	else
		ok "$name -> $codes (${secs}s)"
	fi
}
q() { printf '%s\n' "$@"; }   # a psql script on stdin

note "huge statements"
run_case "review() of a 50 MB string literal" 'ok' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review('SELECT ''' || repeat('x', 50*1024*1024) || ''';')"
run_case "plan() of a 50 MB ALTER TABLE ... SET DEFAULT" 'ok' -d $DB -c \
	"SELECT count(*) FROM migration_guard.plan('ALTER TABLE t ALTER COLUMN b SET DEFAULT ''' || repeat('x', 50*1024*1024) || ''';')"
run_case "report(json) of a 50 MB COMMENT" 'ok' -d $DB -c \
	"SELECT length(migration_guard.report('COMMENT ON TABLE t IS ''' || repeat('é', 25*1024*1024) || ''';', format => 'json'))"
run_case "review() of 50 MB of unterminated quote" '42601' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review('ALTER TABLE t ADD COLUMN c text DEFAULT ''' || repeat('x', 50*1024*1024))"
run_case "hook: a 20 MB ALTER TABLE ... ALTER COLUMN ... SET DEFAULT, executed" 'ok' -d $DB -f <(q \
	"BEGIN;" \
	"SELECT format('ALTER TABLE t ALTER COLUMN b SET DEFAULT %L', repeat('y', 20*1024*1024)) AS s \\gset" \
	":s;" "ROLLBACK;")
run_case "hook: a 20 MB ALTER TABLE ... ADD COLUMN ... DEFAULT, executed (row too big: 54000)" 'ok|54000' -d $DB -f <(q \
	"BEGIN;" \
	"SELECT format('ALTER TABLE t ADD COLUMN big text DEFAULT %L', repeat('y', 20*1024*1024)) AS s \\gset" \
	":s;" "ROLLBACK;")

# A script of many statements must be reviewed in time linear in its length
# and must answer a cancel.  REPRODUCER (fails until fixed): plan() and
# review() take the strlen() of the whole script for each statement
# (mg_raw_statement_text, src/glue/sql_functions.cpp), quadratic, and never
# CHECK_FOR_INTERRUPTS between statements.
for n in 50000 200000; do
	t0=$(date +%s.%N)
	pg $PORT -d $DB -Atc "SELECT count(*) FROM migration_guard.plan(repeat('SELECT 1; ', $n))" >/dev/null 2>&1
	eval "plan_$n=$(calc "$(date +%s.%N) - $t0")"
done
note "plan() of 50 000 statements: ${plan_50000}s, of 200 000: ${plan_200000}s (linear: x4)"
ratio=$(calc "$plan_200000 / ($plan_50000 + 0.05)")
check "plan() is linear in the number of statements (200k/50k time ratio $ratio <= 6)" \
	test "$(calc "$ratio <= 6")" = 1.0
t0=$(date +%s.%N)
run_case "statement_timeout = 1s cancels review() of 300 000 statements" '57014' -d $DB -c "SET statement_timeout = '1s'" -c \
	"SELECT count(*) FROM migration_guard.review(repeat('ALTER TABLE t ADD COLUMN IF NOT EXISTS z int; ', 300000))"
secs=$(calc "$(date +%s.%N) - $t0")
check "... and within 3 s (took $secs s)" test "$(calc "$secs < 3")" = 1.0

note "deep nesting"
run_case "review(): 10 000 nested parentheses" '42601|54001' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review('SELECT ' || repeat('(', 10000) || '1' || repeat(')', 10000))"
run_case "review(): CHECK of 10 000 nested parentheses" '42601|54001' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review('ALTER TABLE t ADD CHECK (' || repeat('(', 10000) || 'a > 0' || repeat(')', 10000) || ')')"
for what in "ADD CONSTRAINT deep CHECK (%s > 0)" "ALTER COLUMN a SET DEFAULT %s" \
	"ALTER COLUMN a TYPE bigint USING %s" "ADD COLUMN d bigint DEFAULT %s" "ADD COLUMN g bigint GENERATED ALWAYS AS (%s) STORED"; do
	expr="repeat('a + ', 100000) || 'a'"
	[ "${what#*SET DEFAULT}" != "$what" ] || [ "${what#*ADD COLUMN d}" != "$what" ] && expr="repeat('1 + ', 100000) || '1'"
	sql="'ALTER TABLE t $(printf "$what" "' || $expr || '")'"
	run_case "review(): ${what%% %s*} ... (100 000 terms)" 'ok|54001' -d $DB -c \
		"SELECT count(*) FROM migration_guard.review($sql)"
	run_case "hook: ${what%% %s*} ... (100 000 terms), executed" 'ok|54001|42P16|0A000|42804' -d $DB -f <(q \
		"BEGIN;" "SELECT $sql AS s \\gset" ":s;" "ROLLBACK;")
done
run_case "hook: CREATE INDEX on an expression of 100 000 terms" 'ok|54001' -d $DB -f <(q \
	"BEGIN;" "SELECT 'CREATE INDEX ON t ((' || repeat('a + ', 100000) || 'a))' AS s \\gset" ":s;" "ROLLBACK;")
run_case "plan(): ATTACH PARTITION bound of 100 000 terms" 'ok|54001|42P17|42P16|42601' -d $DB -c \
	"CREATE TABLE p (a int) PARTITION BY RANGE (a)" -c "CREATE TABLE p1 (a int)" -c \
	"SELECT count(*) FROM migration_guard.plan('ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (' || repeat('1 + ', 100000) || '1) TO (10)')"

note "NUL bytes and encodings"
run_case "review(chr(0))" '54000' -d $DB -c "SELECT count(*) FROM migration_guard.review(chr(0))"
run_case "review() of a NUL from bytea" '22021' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review(convert_from('\\x414c54455220005441424c45'::bytea, 'UTF8'))"
run_case "review() of invalid UTF-8 from bytea (UTF8 database)" '22021' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review(convert_from('\\x44524f50205441424c4520c328'::bytea, 'UTF8'))"
pg $PORT -d postgres -c "CREATE DATABASE sqlascii TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'" \
	-c "CREATE DATABASE latin1 TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'" >/dev/null
for db in sqlascii latin1; do
	pg $PORT -d $db -c "CREATE EXTENSION migration_guard" >/dev/null
done
# SQL_ASCII: bytes are not checked, so invalid UTF-8 reaches our code.
pg $PORT -d sqlascii -c "SELECT convert_from('\\x43524541544520544142\\x4c452022c328ff22202861202c206220696e7429'::bytea, 'SQL_ASCII')" >/dev/null 2>&1
pg $PORT -d sqlascii -Atc "SELECT 'CREATE TABLE \"' || convert_from('\\xc328ff'::bytea, 'SQL_ASCII') || '\" AS SELECT g AS a FROM generate_series(1, 5000) g'" \
	-o "$SCRATCH/mk.sql" && chmod 644 "$SCRATCH/mk.sql" && pg $PORT -d sqlascii -f "$SCRATCH/mk.sql" >/dev/null
inv="convert_from('\\xc328ff'::bytea, 'SQL_ASCII')"
run_case "SQL_ASCII: review() of a DROP TABLE of a table named with invalid UTF-8" 'ok' -d sqlascii -c \
	"SELECT count(*) FROM migration_guard.review('DROP TABLE \"' || $inv || '\"; ALTER TABLE \"' || $inv || '\" RENAME TO x;')"
run_case "SQL_ASCII: report(json) of it" 'ok|22021' -d sqlascii -c \
	"SELECT length(migration_guard.report('DROP TABLE \"' || $inv || '\" -- ' || $inv || E'\\n;', format => 'json'))"
run_case "SQL_ASCII: report(markdown) of it" 'ok|22021' -d sqlascii -c \
	"SELECT length(migration_guard.report('DROP TABLE \"' || $inv || '\";'))"
run_case "SQL_ASCII: hook (warn) on it, executed" 'ok|23502' -d sqlascii -f <(q \
	"BEGIN;" "SELECT 'ALTER TABLE \"' || $inv || '\" ADD COLUMN \"' || $inv || '\" int NOT NULL' AS s \\gset" ":s;" "ROLLBACK;" \
	"BEGIN;" "SELECT 'DROP TABLE \"' || $inv || '\"' AS s \\gset" ":s;" "ROLLBACK;")
# LATIN1: valid LATIN1 bytes that are not UTF-8, sent by a LATIN1 client.
printf 'SET client_encoding = LATIN1;\nCREATE TABLE "tabl\xe9" AS SELECT g AS "colonne\xe9" FROM generate_series(1, 5000) g;\nANALYZE "tabl\xe9";\nSELECT count(*) FROM migration_guard.review($$DROP TABLE "tabl\xe9"; ALTER TABLE "tabl\xe9" RENAME "colonne\xe9" TO x;$$);\nSELECT length(migration_guard.report($$ALTER TABLE "tabl\xe9" ALTER COLUMN "colonne\xe9" TYPE smallint;$$, format => $$json$$));\nSELECT length(migration_guard.report($$ALTER TABLE "tabl\xe9" ALTER COLUMN "colonne\xe9" TYPE smallint;$$));\nBEGIN;\nALTER TABLE "tabl\xe9" ALTER COLUMN "colonne\xe9" TYPE smallint;\nROLLBACK;\n' >"$SCRATCH/latin1.sql"
chmod 644 "$SCRATCH/latin1.sql"
run_case "LATIN1 database and client: review(), report(json/markdown), hook" 'ok' -d latin1 -f "$SCRATCH/latin1.sql"

note "objects that vanish concurrently"
secs=20; [ "$FULL" = 1 ] && secs=60
pg $PORT -d $DB -c "CREATE TABLE v AS SELECT g AS a FROM generate_series(1, 3000) g" >/dev/null
python3 - "$SCRATCH" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/dropper.sql", "w") as f:
    f.write("\\set VERBOSITY verbose\nSET lock_timeout = '200ms';\n")
    for i in range(200000):
        f.write("DROP TABLE IF EXISTS v;\nCREATE TABLE v AS SELECT g AS a FROM generate_series(1, 3000) g;\n")
        if i % 3 == 0:
            f.write("ALTER TABLE v RENAME TO v_old; ALTER TABLE v_old RENAME TO v;\n")
with open(d + "/alterer.sql", "w") as f:
    f.write("\\set VERBOSITY verbose\nSET lock_timeout = '200ms';\nSET migration_guard.on_lock_conflict = warn;\nSET migration_guard.max_blocker_age = 0;\n")
    for i in range(200000):
        f.write("ALTER TABLE v ADD COLUMN IF NOT EXISTS b int;\n"
                "ALTER TABLE v DROP COLUMN IF EXISTS b;\n"
                "ALTER TABLE v ALTER COLUMN a TYPE bigint;\n"
                "ALTER TABLE v ADD CONSTRAINT c CHECK (a > 0);\n"
                "ALTER TABLE v ALTER COLUMN a SET NOT NULL;\n"
                "CREATE INDEX IF NOT EXISTS v_a ON v (a);\n"
                "DROP INDEX IF EXISTS v_a;\n"
                "TRUNCATE v;\n"
                "SELECT count(*) FROM migration_guard.plan('ALTER TABLE v ADD COLUMN c int DEFAULT random(); CREATE INDEX ON v (a); DROP TABLE v');\n"
                "SELECT count(*) FROM migration_guard.review('ALTER TABLE v ALTER COLUMN a SET NOT NULL; VACUUM FULL v; REINDEX TABLE v');\n")
PY
chmod 644 "$SCRATCH"/*.sql
for who in dropper alterer alterer; do
	timeout "$secs" "$PGBIN/psql" -X -q -h "$SCRATCH/sock" -p $PORT -U postgres -d $DB -v ON_ERROR_STOP=0 \
		-f "$SCRATCH/$who.sql" >/dev/null 2>>"$SCRATCH/race.$who.err" &
	BGPIDS+=($!)
done
wait
BGPIDS=()
note "concurrent drop/create vs ALTER TABLE for $secs s: SQLSTATEs seen:"
cat "$SCRATCH"/race.*.err | sed -nE 's/^psql:[^ ]* (ERROR|FATAL|PANIC):  ([0-9A-Z]{5}):.*/\1 \2/p' | sort | uniq -c | sort -rn | sed 's/^/#   /'
n=$(cat "$SCRATCH"/race.alterer.err | grep -cE 'WARNING:  01MG1' || true)
note "warnings of ours in the altering sessions: $n"
nbad=$(cat "$SCRATCH"/race.*.err | grep -cE '(ERROR|FATAL|PANIC):  XX|connection to server was lost|server closed the connection' || true)
check "no XX000, FATAL or lost connection in the race ($nbad)" test "$nbad" = 0
cat "$SCRATCH"/race.*.err | grep -E -A2 '(ERROR|FATAL|PANIC):  XX' | head -9 | sed 's/^/#   /'
check "server alive after the race" alive

note "GUCs set to nonsense"
run_case "SET migration_guard.mode = 'bogus'" '22023' -d $DB -c "SET migration_guard.mode = 'bogus'"
run_case "SET migration_guard.large_table_rows = -1" '22023' -d $DB -c "SET migration_guard.large_table_rows = -1"
run_case "SET migration_guard.large_table_rows = 'many'" '22023' -d $DB -c "SET migration_guard.large_table_rows = 'many'"
run_case "SET migration_guard.large_table_rows = 1e20" '22023' -d $DB -c "SET migration_guard.large_table_rows = 1e20"
run_case "SET migration_guard.large_table_size = '12 parsecs'" '22023' -d $DB -c "SET migration_guard.large_table_size = '12 parsecs'"
run_case "SET migration_guard.scan_rate = 0" '22023' -d $DB -c "SET migration_guard.scan_rate = 0"
run_case "SET migration_guard.rewrite_rate = '-5MB'" '22023' -d $DB -c "SET migration_guard.rewrite_rate = '-5MB'"
run_case "SET migration_guard.lock_timeout = '-1'" '22023' -d $DB -c "SET migration_guard.lock_timeout = '-1'"
run_case "SET migration_guard.on_lock_conflict = 'maybe'" '22023' -d $DB -c "SET migration_guard.on_lock_conflict = 'maybe'"
run_case "SET migration_guard.lock_wait_max = '10 years'" '22023' -d $DB -c "SET migration_guard.lock_wait_max = '10 years'"
run_case "SET migration_guard.max_blocker_age = 'x'" '22023' -d $DB -c "SET migration_guard.max_blocker_age = 'x'"
run_case "SET migration_guard.nonexistent = 1" '42602|42704' -d $DB -c "SET migration_guard.nonexistent = 1"
run_case "ALTER SYSTEM SET migration_guard.mode = 'bogus'" '22023' -d $DB -c "ALTER SYSTEM SET migration_guard.mode = 'bogus'"
run_case "report(format => 'xml')" '22023' -d $DB -c "SELECT migration_guard.report('SELECT 1', format => 'xml')"
run_case "review(NULL), plan(NULL), report(NULL)" 'ok' -d $DB -c \
	"SELECT count(*) FROM migration_guard.review(NULL)" -c "SELECT count(*) FROM migration_guard.plan(NULL)" -c "SELECT migration_guard.report(NULL)"
run_case "extreme valid values: rates of 1 kB/s, INT_MAX thresholds, a 1-row threshold, poll with lock_wait_max 0" 'ok|55P03|MG001' -d $DB \
	-c "SET migration_guard.scan_rate = 1" -c "SET migration_guard.rewrite_rate = 1" -c "SET migration_guard.index_build_rate = 1" \
	-c "SET migration_guard.large_table_size = 2147483647" -c "SET migration_guard.large_table_rows = 1" \
	-c "SET migration_guard.lock_timeout = 2147483647" -c "SET migration_guard.max_blocker_age = 2147483647" \
	-c "SET migration_guard.on_lock_conflict = poll" -c "SET migration_guard.lock_wait_max = 0" \
	-c "SELECT length(migration_guard.report('ALTER TABLE t ALTER COLUMN a TYPE bigint; CREATE INDEX ON t (b); ALTER TABLE t ALTER COLUMN b SET NOT NULL;'))" \
	-c "BEGIN" -c "ALTER TABLE t ALTER COLUMN a TYPE bigint" -c "CREATE INDEX ON t (b)" -c "ROLLBACK"
# A nonsense value in postgresql.conf, reloaded: the server keeps running
# with the old value and says why in its log.
echo "migration_guard.mode = 'bogus'" >>"$DATADIR_bad/postgresql.conf"
pg $PORT -d $DB -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
check "reload with migration_guard.mode = 'bogus' in postgresql.conf: server alive, mode kept ($(pg $PORT -d $DB -Atc 'SHOW migration_guard.mode'))" \
	test "$(pg $PORT -d $DB -Atc 'SHOW migration_guard.mode')" = warn
check "... and the log says why" grep -q 'invalid value for parameter "migration_guard.mode"' "$LOG_bad"
sed -i '$d' "$DATADIR_bad/postgresql.conf"
pg $PORT -d $DB -c "ALTER SYSTEM RESET ALL" -c "SELECT pg_reload_conf()" >/dev/null
# A server started with a nonsense value refuses to start, with a message.
mkdir -p "$SCRATCH/bogus"; [ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH/bogus"; chmod 700 "$SCRATCH/bogus"
as_pg "$PGBIN/initdb" -D "$SCRATCH/bogus" -U postgres --auth=trust --no-sync >/dev/null 2>&1
printf "shared_preload_libraries = 'migration_guard'\nmigration_guard.large_table_rows = -3\n" >>"$SCRATCH/bogus/postgresql.conf"
CLUSTERS+=("$SCRATCH/bogus")
as_pg touch "$SCRATCH/bogus.log"
as_pg "$PGBIN/pg_ctl" -D "$SCRATCH/bogus" -l "$SCRATCH/bogus.log" -w -t 30 \
	-o "-p 55531 -k $SCRATCH/sock -c listen_addresses=''" start >/dev/null 2>&1
check "a server started with migration_guard.large_table_rows = -3 refuses with a message" \
	grep -q 'outside the valid range for parameter "migration_guard.large_table_rows"' "$SCRATCH/bogus.log"

note "log mode keeps the server's own errors"
# REPRODUCER (fails until fixed): model_attach_partition()
# (src/glue/model/) runs transformPartitionBound() without the source
# text and map_partition_varattnos() before the server's own checks, so in
# every mode (log included) the user sees "could not convert row type"
# instead of "child table is missing column", and loses the error position.
pg $PORT -d $DB -c "CREATE TABLE lp (a int, b text) PARTITION BY LIST (a); CREATE TABLE lp_missing (a int)" >/dev/null
pg $PORT -d $DB -c "CREATE TYPE mytyp AS (a int); CREATE TABLE lp_typed OF mytyp; CREATE TABLE lp_other (a int, b int); CREATE TABLE lp_ok (a int, b text)" >/dev/null
for stmt in "ALTER TABLE lp ATTACH PARTITION lp_missing FOR VALUES IN (1)" \
	"ALTER TABLE lp ATTACH PARTITION lp_typed FOR VALUES IN (1)" \
	"ALTER TABLE lp ATTACH PARTITION lp_other FOR VALUES IN (1)" \
	"ALTER TABLE lp ATTACH PARTITION lp_ok FOR VALUES FROM (1) TO (10)"; do
	off=$(pg $PORT -d $DB -c "SET migration_guard.mode = off" -c "$stmt" 2>&1 | grep -vE '^$')
	on=$(pg $PORT -d $DB -c "SET migration_guard.mode = log" -c "$stmt" 2>&1 | grep -vE '^$')
	if [ "$off" = "$on" ]; then ok "log mode, same error as off: $stmt"
	else
		not_ok "log mode, same error as off: $stmt"
		diff <(echo "$off") <(echo "$on") | head -6 | sed 's/^/#   /'
	fi
done

if no_crash "$LOG_bad"; then ok "no crash, no restart in the server log"; else not_ok "crash evidence in the server log"; fi
n=$(grep -c 'database system is ready to accept connections' "$LOG_bad")
check "the server started once ($n)" test "$n" = 1
finish
