#!/usr/bin/env bash
# PostgreSQL's own regression suite (the installcheck parallel_schedule, from
# Debian's source package, fetched with apt-get source into a scratch folder)
# run against servers that preload migration_guard, each on a fresh
# throwaway cluster:
#   base     no library (the reference);
#   log      preloaded, CREATE EXTENSION in the test database, mode = log:
#            the results must be identical to base, test by test;
#   warn     mode = warn;  enforce  mode = enforce:
#            no crash (server log: "terminated by signal", PANIC, TRAP,
#            restarts), and every difference from base must be ours: each
#            differing test shows migration_guard messages; hunks are
#            summarized by rule id (CONTEXT "migration_guard rule <id>").
# In log, warn and enforce migration_guard.large_table_rows = 1000, so that
# the regression tables (tenk1, ...) count as large and every rule is tried.
# Quick and --full are the same (about 6-8 minutes on 2 cores).
# Usage: test/robustness/pg_regress_torture.sh [--full]
# Environment: MG_PGSRC_CACHE (where the source package is kept), KEEP_SCRATCH=1.
source "$(dirname "$0")/lib.sh"

if ! get_pg_source; then
	not_ok "get PostgreSQL's regression suite" "apt-get source postgresql-15 impossible; this part is not run"
	finish
fi
REG=$PGSRC/src/test/regress
note "regression suite from $REG ($(grep -c '^test:' "$REG/parallel_schedule") groups)"
build_regress_modules "$SCRATCH/mods" || die "could not build regress.so"
PG_REGRESS=$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress
[ -x "$PG_REGRESS" ] || die "no pg_regress at $PG_REGRESS (postgresql-server-dev-15)"

# Defaults of on_lock_conflict etc. stay: the suite runs with them.
GUARD_CONF="migration_guard.large_table_rows = 1000
log_min_messages = warning"

# run_suite NAME PORT PRELOAD MODE
run_suite() {
	local name=$1 port=$2 preload=$3 mode=$4 conf="" ext=() t0
	if [ "$preload" = yes ]; then
		conf="$GUARD_CONF
migration_guard.mode = $mode"
		ext=(--load-extension=migration_guard)
	fi
	start_cluster "$name" "$port" "$preload" "$conf"
	mkdir -p "$SCRATCH/out_$name"
	[ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH/out_$name"
	t0=$(date +%s)
	# pg_regress as postgres: the tablespace test makes the server write into
	# the output directory.
	(cd "$SCRATCH/out_$name" && as_pg timeout 1800 "$PG_REGRESS" \
		--inputdir="$REG" --outputdir="$SCRATCH/out_$name" --bindir="$PGBIN" \
		--dlpath="$SCRATCH/mods" --host="$SCRATCH/sock" --port="$port" \
		--max-concurrent-tests=20 --schedule="$REG/parallel_schedule" \
		"${ext[@]+"${ext[@]}"}" >"$SCRATCH/out_$name/pg_regress.log" 2>&1)
	note "$name: $(grep -E 'tests (passed|failed)|All [0-9]+ tests' "$SCRATCH/out_$name/pg_regress.log" | tr -s ' ' | head -1) in $(( $(date +%s) - t0 )) s"
	stop_cluster "$name"
}

run_suite base 55510 no off
run_suite log 55511 yes log
run_suite warn 55512 yes warn
run_suite enforce 55513 yes enforce

for name in base log warn enforce; do
	if grep -q 'tests' "$SCRATCH/out_$name/pg_regress.log" && [ -d "$SCRATCH/out_$name/results" ]; then
		ok "$name: suite ran ($(ls "$SCRATCH/out_$name/results" | wc -l) result files)"
	else
		not_ok "$name: suite did not run"; tail -5 "$SCRATCH/out_$name/pg_regress.log" | sed 's/^/#   /'
	fi
	logf=$SCRATCH/$name.log
	if no_crash "$logf"; then ok "$name: no crash, no restart in the server log"; else not_ok "$name: crash evidence in the server log"; fi
	n=$(grep -c 'database system is ready to accept connections' "$logf")
	check "$name: the server started once (ready-to-accept lines: $n)" test "$n" = 1
done

# Compared on results/*.out, test by test, against base.  A difference is
# "ours" when its added lines carry a message of ours: the texts of our
# messages are read from the run's server log (each WARNING/ERROR/LOG followed
# by "CONTEXT:  migration_guard rule <id>"; psql shows CONTEXT for errors
# only), or name migration_guard.  In log mode the only acceptable ones are
# the extension's catalog objects showing up (event_trigger lists the event
# triggers); in warn mode every difference must be ours; in enforce mode a
# rejected DROP/CREATE INDEX/TRUNCATE changes later statements and plans,
# also in later tests: those are counted as consequences.
python3 - "$SCRATCH" <<'PY' >"$SCRATCH/compare.txt"
import difflib, os, re, sys, collections
root = sys.argv[1]
base = os.path.join(root, "out_base", "results")
msg_re = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (WARNING|ERROR|LOG):  (.*)$")
ctx_re = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] CONTEXT:  migration_guard rule (\w+)")
def our_messages(logfile):
    last, ours = {}, {}
    with open(logfile, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = msg_re.match(line)
            if m: last[m.group(1)] = m.group(3).rstrip(); continue
            c = ctx_re.match(line)
            if c and c.group(1) in last: ours[last[c.group(1)]] = c.group(2)
    return ours
def read(p):
    try:
        with open(p, encoding="utf-8", errors="replace") as f: return f.read().splitlines()
    except FileNotFoundError: return None
for run in ("log", "warn", "enforce"):
    ours_msgs = our_messages(os.path.join(root, run + ".log"))
    d = os.path.join(root, "out_" + run, "results")
    tests = sorted(set(os.listdir(base)) | set(os.listdir(d)))
    differing, ours_tests, foreign_tests = [], [], []
    hunks_ours = hunks_other = 0
    by_rule = collections.Counter(); other = collections.Counter()
    for t in tests:
        name = t[:-4] if t.endswith(".out") else t
        a, b = read(os.path.join(base, t)), read(os.path.join(d, t))
        if a is None or b is None:
            differing.append(name); foreign_tests.append(name + "(missing)"); continue
        if a == b: continue
        differing.append(name)
        test_ours = False
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for grp in sm.get_grouped_opcodes(0):
            added = [l for tag, i1, i2, j1, j2 in grp if tag != "equal" for l in b[j1:j2]]
            removed = [l for tag, i1, i2, j1, j2 in grp if tag != "equal" for l in a[i1:i2]]
            rules = []
            for l in added:
                m = re.match(r"^(WARNING):  (.*)$", l)  # ERRORs: psql shows their CONTEXT
                if m and m.group(2) in ours_msgs: rules.append(ours_msgs[m.group(2)])
                rules += re.findall(r"migration_guard rule (\w+)", l)
            if rules or any("migration_guard" in l or (l.startswith("ERROR:  ") and l[8:] in ours_msgs) for l in added):
                hunks_ours += 1; test_ours = True
                for r in rules: by_rule[r] += 1
            else:
                hunks_other += 1
                for l in (added + removed)[:1]:
                    other[(name, l[:100])] += 1
        (ours_tests if test_ours else foreign_tests).append(name)
    print(f"RUN {run} differing={len(differing)} ours={len(ours_tests)} foreign={len(foreign_tests)} hunks_ours={hunks_ours} hunks_other={hunks_other}")
    print(f"FOREIGN {run} " + " ".join(foreign_tests))
    print(f"OURS {run} " + " ".join(ours_tests))
    for r, n in by_rule.most_common(): print(f"RULE {run} {r} {n}")
    for (t, l), n in list(other.items())[:6]: print(f"OTHER {run} {t}: {l}")
PY
grep -E '^(RUN|FOREIGN)' "$SCRATCH/compare.txt" | sed 's/^/# /'

get() { awk -v r="$2" -v k="$1" '$1=="RUN" && $2==r { for (i=3;i<=NF;i++) { split($i,a,"="); if (a[1]==k) print a[2] } }' "$SCRATCH/compare.txt"; }
listof() { awk -v r="$2" -v k="$1" '$1==k && $2==r {for(i=3;i<=NF;i++) print $i}' "$SCRATCH/compare.txt"; }

# log: only our catalog objects may show (event_trigger's list of event
# triggers).  opr_sanity is checked on its own: it is a catalog sanity check.
log_diffs=$(listof OURS log; listof FOREIGN log)
behaviour=$(echo "$log_diffs" | grep -vxE 'event_trigger|opr_sanity|' | tr '\n' ' ')
check "log: no test behaves differently from the run without the extension (${behaviour:-none})" test -z "$behaviour"
for t in $behaviour; do
	note "log: $t differs from base:"
	diff -U1 "$SCRATCH/out_base/results/$t.out" "$SCRATCH/out_log/results/$t.out" | head -40 | sed 's/^/#   /'
done
if echo "$log_diffs" | grep -qx opr_sanity; then
	not_ok "log: opr_sanity finds nothing in our catalog objects"
	diff -U1 "$SCRATCH/out_base/results/opr_sanity.out" "$SCRATCH/out_log/results/opr_sanity.out" | grep '^[-+]' | head -12 | sed 's/^/#   /'
else
	ok "log: opr_sanity finds nothing in our catalog objects"
fi
note "log: event_trigger lists our two event triggers: $(echo "$log_diffs" | grep -cx event_trigger) test"

for run in warn enforce; do
	note "$run: tests that differ from base: $(get differing $run); with messages of ours: $(get ours $run); hunks with messages of ours: $(get hunks_ours $run), other hunks (consequences of a rejection or of an earlier statement): $(get hunks_other $run)"
	note "$run: messages of ours in the diffs by rule:"
	awk -v r="$run" '$1=="RULE" && $2==r { printf "#   %-40s %s\n", $3, $4 }' "$SCRATCH/compare.txt"
	note "$run: findings in the server log by rule:"
	grep -o 'CONTEXT:  migration_guard rule [a-z_]*' "$SCRATCH/$run.log" | awk '{print $NF}' | sort | uniq -c | sort -rn |
		awk '{ printf "#   %-40s %s\n", $2, $1 }'
done
# opr_sanity is the catalog check above (same difference in every run).
nf=$(listof FOREIGN warn | grep -vx opr_sanity | tr '\n' ' ')
check "warn: every differing test shows a message of ours (without one: ${nf:-none})" test -z "$nf"
note "enforce: tests differing without a message of ours (consequences of rejections in earlier tests, e.g. an index not built changes plans): $(listof FOREIGN enforce | tr '\n' ' ')"
# In enforce, the ERRORs in the diffs other than ours must be the server's
# ordinary consequences (missing/duplicate objects), never an internal error.
internal() { grep -hE '^ERROR:' "$SCRATCH"/out_$1/results/*.out | grep -ciE 'internal|unexpected|cache lookup failed|unrecognized node|could not open relation with OID' || true; }
nb=$(internal base)
for run in log warn enforce; do
	n=$(internal $run)
	check "$run: no more internal-looking ERRORs in the results than base ($n, base $nb)" test "$n" -le "$nb"
done

# No XX000 (internal error) from us anywhere.
for run in log warn enforce; do
	n=$(grep -c 'migration_guard could not analyze' "$SCRATCH/$run.log" "$SCRATCH"/out_$run/results/*.out 2>/dev/null | awk -F: '{s+=$NF} END {print s+0}')
	check "$run: no internal error of migration_guard ($n)" test "$n" = 0
done
n=$(grep -c 'migration_guard rule' "$SCRATCH/log.log")
note "log: $n findings written to the server log, none to the clients"
finish
