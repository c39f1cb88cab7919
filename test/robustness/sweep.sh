#!/usr/bin/env bash
# Every statement of PostgreSQL's regression sql files (Debian's source
# package, see pg_regress_torture.sh), split with psql's lexical rules
# (sqlsplit.py), sent through migration_guard.plan() and
# migration_guard.review() one by one, then each file whole through plan(),
# review() and report(format => 'json'), by one psql session, against the
# "regression" database left by a run of the regression suite (so that the
# statements meet their tables; migration_guard.large_table_rows = 1000).
# Counts statements, syntax errors (42601, with a position), other errors by
# SQLSTATE; FAILS on any XX000 (internal error), any crash or server restart,
# any statement_timeout (30 s per call).
# Quick mode: every file; --full: the same, twice (the second pass after
# ANALYZE, with other estimates).  About 3-5 minutes per pass on 2 cores.
# Usage: test/robustness/sweep.sh [--full]
source "$(dirname "$0")/lib.sh"

if ! get_pg_source; then
	not_ok "get PostgreSQL's regression suite" "apt-get source postgresql-15 impossible; this part is not run"
	finish
fi
REG=$PGSRC/src/test/regress
build_regress_modules "$SCRATCH/mods" || die "could not build regress.so"
PG_REGRESS=$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
PORT=55520

start_cluster sweep $PORT yes "migration_guard.large_table_rows = 1000
migration_guard.mode = warn
log_min_messages = warning"
mkdir -p "$SCRATCH/out"
[ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH/out"
t0=$(date +%s)
(cd "$SCRATCH/out" && as_pg timeout 1800 "$PG_REGRESS" --inputdir="$REG" --outputdir="$SCRATCH/out" \
	--bindir="$PGBIN" --dlpath="$SCRATCH/mods" --host="$SCRATCH/sock" --port=$PORT \
	--max-concurrent-tests=20 --schedule="$REG/parallel_schedule" \
	--load-extension=migration_guard >"$SCRATCH/out/pg_regress.log" 2>&1)
note "regression database populated by the suite in $(( $(date +%s) - t0 )) s"
pg $PORT -d regression -Atc "SELECT extversion FROM pg_extension WHERE extname = 'migration_guard'" >/dev/null ||
	die "no regression database with the extension"

python3 "$ROBUST_DIR/sqlsplit.py" psql-script "$SCRATCH/sweep.sql" "$REG"/sql/*.sql >"$SCRATCH/nstmts" ||
	die "sqlsplit failed"
NSTMT=$(cat "$SCRATCH/nstmts")
NFILES=$(ls "$REG"/sql/*.sql | wc -l)
note "$NSTMT statements in $NFILES files"

passes=1
[ "$FULL" = 1 ] && passes=2
for pass in $(seq 1 $passes); do
	if [ "$pass" = 2 ]; then pg $PORT -d regression -qc "ANALYZE" >/dev/null 2>&1; fi
	t0=$(date +%s)
	timeout 3600 "$PGBIN/psql" -X -h "$SCRATCH/sock" -p $PORT -U postgres -d regression \
		-f "$SCRATCH/sweep.sql" >/dev/null 2>"$SCRATCH/sweep.$pass.err"
	rc=$?
	secs=$(( $(date +%s) - t0 ))
	python3 - "$SCRATCH/sweep.$pass.err" "$NSTMT" "$secs" <<'PY' >"$SCRATCH/sweep.$pass.sum"
import re, sys, collections
path, nstmt, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
marker = re.compile(r"^@@ (\S+) (\S+) (\S+)$")
err = re.compile(r"^psql:[^:]*:\d+: (ERROR|FATAL|PANIC):  ([0-9A-Z]{5}): (.*)$")
lost = re.compile(r"server closed the connection|connection to server was lost|terminated abnormally|no connection to the server")
calls = collections.Counter(); states = collections.Counter(); per_kind = collections.Counter()
syntax = syntax_pos = 0
bad = []; crashes = []; cur = None; last_err = None
examples = {}; nopos = []
for line in open(path, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    m = marker.match(line)
    if m:
        cur = m.groups(); last_err = None
        if cur[2] != "-": calls[cur[2] if cur[1] != "whole" else "whole " + cur[2]] += 1
        continue
    e = err.match(line)
    if e:
        code = e.group(2); states[code] += 1; per_kind[(cur[2] if cur else "?", code)] += 1
        last_err = code
        examples.setdefault(code, "%s: %s" % (" ".join(cur or ()), e.group(3)[:120]))
        if code == "42601":
            syntax += 1
            if e.group(3).startswith("syntax error"): nopos.append("%s: %s" % (" ".join(cur or ()), e.group(3)[:150]))
            else: syntax_pos += 1; last_err = "42601+"  # the grammar's own errors without a position (e.g. WITH TIES): as in the server
        if code.startswith("XX") or code == "57014" or e.group(1) != "ERROR":
            bad.append("%s %s: %s" % (" ".join(cur or ()), code, e.group(3)[:200]))
        continue
    if last_err == "42601" and nopos and (line.startswith("LINE ") or line.startswith("QUERY:") or line.strip().endswith("^")):
        syntax_pos += 1; last_err = "42601+"; nopos.pop()
        continue
    if lost.search(line):
        crashes.append("%s: %s" % (" ".join(cur or ()), line[:200]))
print("STATEMENTS %d" % nstmt)
for k, v in sorted(calls.items()): print("CALLS %s %d" % (k.replace(" ", "_"), v))
print("SECONDS %d" % secs)
print("SYNTAX %d %d" % (syntax, syntax_pos))
for code, n in states.most_common(): print("STATE %s %d %s" % (code, n, examples[code]))
for b in bad[:30]: print("BAD " + b)
print("NBAD %d" % len(bad))
for p in nopos[:10]: print("NOPOS " + p)
for c in crashes[:10]: print("CRASH " + c)
print("NCRASH %d" % len(crashes))
PY
	sum=$SCRATCH/sweep.$pass.sum
	note "pass $pass: $(awk '$1=="STATEMENTS"{print $2}' "$sum") statements, calls: $(awk '$1=="CALLS"{printf "%s=%s ", $2, $3}' "$sum")in $secs s (psql exit $rc)"
	read -r _ nsyn nsynpos < <(grep '^SYNTAX' "$sum")
	note "pass $pass: syntax errors (42601): $nsyn, with a position: $nsynpos"
	note "pass $pass: errors by SQLSTATE (first example):"
	awk '$1=="STATE" { $1=""; print "#  " $0 }' "$sum" | head -25
	nplan=$(awk '$1=="CALLS" && $2=="plan"{print $3}' "$sum")
	check "pass $pass: every statement went through plan() and review() (${nplan:-0} of $NSTMT)" test "${nplan:-0}" = "$NSTMT"
	nbad=$(awk '$1=="NBAD"{print $2}' "$sum")
	check "pass $pass: no internal error (XX000), FATAL, PANIC or timeout ($nbad)" test "$nbad" = 0
	grep '^BAD' "$sum" | head -15 | sed 's/^/#   /'
	ncr=$(awk '$1=="NCRASH"{print $2}' "$sum")
	check "pass $pass: no lost connection ($ncr)" test "$ncr" = 0
	grep '^CRASH' "$sum" | head -5 | sed 's/^/#   /'
	check "pass $pass: syntax errors come with a position ($nsynpos of $nsyn; the grammar's few position-less errors, e.g. WITH TIES, count as such)" test "$nsyn" = "$nsynpos"
	grep '^NOPOS' "$sum" | sed 's/^NOPOS/#   without a position:/' 
done

if no_crash "$LOG_sweep"; then ok "no crash, no restart in the server log"; else not_ok "crash evidence in the server log"; fi
n=$(grep -c 'database system is ready to accept connections' "$LOG_sweep")
check "the server started once ($n)" test "$n" = 1
finish
