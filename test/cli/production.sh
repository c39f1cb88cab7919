#!/usr/bin/env bash
# The two-cluster test of migration-guard review --production.
#
# Meant to run INSIDE a throwaway cluster that preloads the extension (as
# test/run-all runs it: pg_virtualenv or test/with-cluster); it starts a
# second, plain cluster itself (test/with-cluster --no-preload) that plays
# production: no extension, tables built by test/cli/production.sql, large
# enough for a lowered threshold.  The preloaded cluster holds the same
# tables in a database with the extension: report() there is the reference.
# The program's review of test/cli/production_migration.sql against the plain
# cluster must give the same (statement, rule, relation) findings, with the
# shadow server it starts itself and with --shadow; the shadow must hold the
# same schema (indexes, constraints, columns, partitions); production is read
# without a lock on any table (a session holds ACCESS EXCLUSIVE on one
# meanwhile, and shows as a blocker), by a role that only has
# pg_read_all_stats; the SARIF output is checked for SARIF's required fields.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
# Environment: MG_CLI (default ./migration-guard), PG_CONFIG.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
CLI=${MG_CLI:-$repo/migration-guard}
here=$repo/test/cli

if [ "${1:-}" != "--production-side" ]; then
  # The preloaded cluster (the reference and the --shadow server): pass it on.
  export MG_REF_DSN="host=$PGHOST port=$PGPORT user=${PGUSER:-postgres}"
  export MG_CLI="$CLI"
  PG_CONFIG=${PG_CONFIG:-pg_config}
  # pg_virtualenv's PG_CONFIG may be unset: the server the reference runs.
  exec env PG_CONFIG="$PG_CONFIG" "$repo/test/with-cluster" --no-preload "$0" --production-side
fi

tmp=$(mktemp -d)
chmod 755 "$tmp"
blocker_pid=
cleanup() {
  if [ -n "$blocker_pid" ]; then
    psql -X -q -d "$PROD" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mg_blocker'" >/dev/null 2>&1
    kill "$blocker_pid" 2>/dev/null
  fi
  [ -n "${MG_KEEP_TMP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

. "$repo/test/lib/tap.sh"

cli() {
  "$CLI" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

PROD="host=$PGHOST port=$PGPORT user=postgres dbname=postgres"
REF="$MG_REF_DSN dbname=mg_prod_reference"
MIG=$here/production_migration.sql
LOW="migration_guard.large_table_rows=1000"

# ---------------------------------------------------------------- setup
setup_ok=true
{
  psql -X -q -v ON_ERROR_STOP=0 -d "$PROD" -f "$here/production.sql" &&
    psql -X -q -d "$PROD" -c "CREATE ROLE mg_reader LOGIN; GRANT pg_read_all_stats TO mg_reader" &&
    psql -X -q -d "$MG_REF_DSN dbname=postgres" -c "DROP DATABASE IF EXISTS mg_prod_reference" \
      -c "CREATE DATABASE mg_prod_reference" &&
    psql -X -q -d "$REF" -c "SET client_min_messages = error" -c "CREATE EXTENSION migration_guard" \
      -c "SET migration_guard.mode = off" -f "$here/production.sql"
} >"$tmp/setup" 2>&1 || setup_ok=false
# The failed CREATE UNIQUE INDEX CONCURRENTLY is expected: only the setup's other errors count.
if grep -v "could not create unique index\|Key (customer_id)" "$tmp/setup" | grep -q "ERROR"; then
  setup_ok=false
fi
expect "setup: the plain cluster plays production, a database of the preloaded one the reference" $setup_ok
$setup_ok || { sed 's/^/# /' "$tmp/setup"; finish; }
expect "production: the extension is neither installed nor preloaded" \
  test "$(psql -X -At -d "$PROD" -c "SELECT count(*) FROM pg_extension WHERE extname = 'migration_guard'")|$(psql -X -At -d "$PROD" -c "SHOW shared_preload_libraries")" = "0|"
expect "production: an INVALID index is left by the failed CREATE INDEX CONCURRENTLY" \
  test "$(psql -X -At -d "$PROD" -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_uidx'::regclass")" = f

# The reference: report() where the extension holds the same tables.
psql -X -q -At -d "$REF" -v mig="$(cat "$MIG")" >"$tmp/reference.json" 2>"$tmp/reference.err" <<SQL
SET $(sed 's/=/ = /' <<<"$LOW");
SELECT migration_guard.report(:'mig', 'json');
SQL
expect "reference: report() ran on the server with the extension" \
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/reference.json"

# (statement, rule, relation) of a JSON report, one per line, sorted.
triples() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if isinstance(d, list):
    d = d[0]["report"]
out = sorted({(s["stmt_no"], f["rule"], f["relation"]) for s in d["statements"] for f in s["findings"]})
for t in out:
    print("%d %s %s" % t)
PY
}
triples "$tmp/reference.json" >"$tmp/reference.triples"
expect "reference: the migration meets at least 15 distinct rules" \
  test "$(cut -d' ' -f2 "$tmp/reference.triples" | sort -u | wc -l)" -ge 15

# ---------------------------------------------------------------- the shadow it starts
# A session holds ACCESS EXCLUSIVE on orders meanwhile: reading production
# must not need any lock on it (the program's lock_timeout is 2s).
psql -X -q -d "$PROD application_name=mg_blocker" \
  -c "BEGIN" -c "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
blocker_pid=$!
for _ in $(seq 1 50); do
  [ "$(psql -X -At -d "$PROD" -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'mg_blocker' AND l.relation = 'orders'::regclass AND l.granted")" = 1 ] && break
  sleep 0.2
done

start=$(date +%s)
cli review --production "$PROD" --set "$LOW" --format json "$MIG"
expect "--production (own shadow): exit 1 (findings of severity error)" test "$rc" -eq 1
expect "--production: read while another session holds ACCESS EXCLUSIVE on orders (no table lock)" \
  test "$rc" -ne 2
triples "$tmp/out" >"$tmp/cli.triples" 2>/dev/null
same_findings() {
  if diff -u "$tmp/reference.triples" "$1" >"$tmp/diff"; then return 0; fi
  sed 's/^/# /' "$tmp/diff"
  return 1
}
expect "--production (own shadow): the same (statement, rule, relation) findings as report() with the extension" \
  same_findings "$tmp/cli.triples"
cp "$tmp/out" "$tmp/production.json"
holder_shown() {
  python3 - "$tmp/production.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["production"]
h = [x for x in p["lock_holders"] if x["relation"] == "public.orders" and x["application"] == "mg_blocker"]
assert h and h[0]["mode"] == "AccessExclusiveLock" and h[0]["granted"], p["lock_holders"]
assert h[0]["stmt_no"] == 1 and h[0]["requests"] == "ShareLock", h
assert p["same_major"] is True and p["server_version"], p
PY
}
expect "--production: the session holding ACCESS EXCLUSIVE on orders is reported as a blocker of statement 1" \
  holder_shown
expect "--production: production's own session ended no lock behind (only the blocker holds orders)" \
  test "$(psql -X -At -d "$PROD" -c "SELECT count(*) FROM pg_locks WHERE relation = 'orders'::regclass")" = 1
psql -X -q -d "$PROD" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mg_blocker'" >/dev/null
wait "$blocker_pid" 2>/dev/null
blocker_pid=
echo "# --production with its own shadow took $(( $(date +%s) - start )) s"

cli review --production "$PROD" --set "$LOW" "$MIG"
cp "$tmp/out" "$tmp/production.md"
notes_said() {
  grep -q "^### What the shadow holds differently" "$1" &&
    grep -q 'index "public"."gadgets_row_idx" is a stand-in with the same name, columns and uniqueness (predicate not readable: ROWCOMPAREEXPR)' "$1" &&
    grep -q 'function "public"."gadget_default"() is not recreated: its SQL-standard body cannot be read' "$1" &&
    grep -q "views and materialized views are stand-ins" "$1"
}
expect "--production markdown: what the shadow holds differently is said (a stand-in index, a function not read, views)" \
  notes_said "$tmp/production.md"
expect "--production markdown: the report, plus a Production section" \
  bash -c 'grep -q "^# Migration review" "$1" && grep -q "^## Production" "$1" && grep -q "^### Sessions holding locks" "$1"' _ "$tmp/out"
expect "--production markdown: no blocker once the session is gone" \
  grep -q "No session of production held or awaited a lock" "$tmp/out"

# ---------------------------------------------------------------- --shadow, and the schema it holds
cli review --production "$PROD" --shadow "$MG_REF_DSN dbname=postgres" --keep-shadow --set "$LOW" --format json "$MIG"
expect "--production --shadow: exit 1" test "$rc" -eq 1
triples "$tmp/out" >"$tmp/shadow.triples" 2>/dev/null
expect "--production --shadow: the same findings as report() with the extension" same_findings "$tmp/shadow.triples"
shadow_db=$(sed -n 's/.*the shadow database \([a-z0-9_]*\) is kept.*/\1/p' "$tmp/err")
expect "--keep-shadow: the shadow database is named on stderr" test -n "$shadow_db"
# The schema, as pg_get_*def() say it, on both sides.
# (gadgets_row_idx is a stand-in, said in the notes: see below.)
psql -X -At -d "$PROD" -f "$here/production_describe.sql" 2>&1 | grep -v "^index gadgets_row_idx:" >"$tmp/schema.production"
psql -X -At -d "$MG_REF_DSN dbname=$shadow_db" -f "$here/production_describe.sql" 2>&1 | grep -v "^index gadgets_row_idx:" >"$tmp/schema.shadow"
same_schema() {
  if diff -u "$tmp/schema.production" "$tmp/schema.shadow" >"$tmp/diff"; then return 0; fi
  sed 's/^/# /' "$tmp/diff"
  return 1
}
expect "--keep-shadow: the shadow holds production's indexes, constraints, columns and partitions" \
  same_schema
expect "the schema comparison compared something (> 60 lines, no error)" \
  bash -c '[ "$(wc -l <"$1")" -gt 60 ] && ! grep -q ERROR "$1"' _ "$tmp/schema.production"
[ -n "$shadow_db" ] && psql -X -q -d "$MG_REF_DSN dbname=postgres" -c "DROP DATABASE IF EXISTS $shadow_db" >/dev/null 2>&1
cli review --production "$PROD" --shadow "$MG_REF_DSN dbname=postgres" --set "$LOW" "$MIG"
expect "--shadow without --keep-shadow: the shadow database is dropped" \
  test "$(psql -X -At -d "$MG_REF_DSN dbname=postgres" -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'mg_shadow_%'")" = 0

# ---------------------------------------------------------------- a role with pg_read_all_stats only
cli review --production "host=$PGHOST port=$PGPORT user=mg_reader dbname=postgres" --set "$LOW" --format json "$MIG"
expect "--production as a role with only pg_read_all_stats: it reads the catalogs (exit 1, not 2)" test "$rc" -eq 1
triples "$tmp/out" >"$tmp/reader.triples" 2>/dev/null
# Without SELECT on orders, pg_stats hides its null fractions: DROP COLUMN of
# the all-NULL column is then judged as if it had values; nothing else differs.
reader_findings() {
  grep -v " drop_column public.orders$" "$tmp/reference.triples" >"$tmp/a"
  grep -v " drop_column public.orders$" "$tmp/reader.triples" >"$tmp/b"
  diff -u "$tmp/a" "$tmp/b" >"$tmp/diff" || { sed 's/^/# /' "$tmp/diff"; return 1; }
}
expect "--production as that role: the same findings (null fractions aside)" reader_findings

# ---------------------------------------------------------------- failures
cli review --production "host=127.0.0.1 port=1 connect_timeout=2" "$MIG"
expect "unreachable production: exit 2, libpq's message" \
  bash -c '[ "$1" -eq 2 ] && grep -q "migration-guard: could not connect to production" "$2"' _ "$rc" "$tmp/err"
cli review --production "$PROD" --pg-bindir /nonexistent "$MIG"
expect "--pg-bindir without initdb: exit 2, says so" \
  bash -c '[ "$1" -eq 2 ] && grep -q "no initdb and pg_ctl in \"/nonexistent\"" "$2"' _ "$rc" "$tmp/err"
# (pg_virtualenv's clusters want a password: PGPASSWORD's.)
psql -X -q -d "$MG_REF_DSN dbname=postgres" -c "DROP ROLE IF EXISTS mg_not_super" \
  -c "CREATE ROLE mg_not_super LOGIN CREATEDB PASSWORD '${PGPASSWORD:-x}'" >/dev/null 2>&1
cli review --production "$PROD" --shadow "$MG_REF_DSN dbname=postgres user=mg_not_super" "$MIG"
expect "--shadow as a role that is no superuser: exit 2, says why" \
  bash -c '[ "$1" -eq 2 ] && grep -q "the role of --shadow must be a superuser" "$2"' _ "$rc" "$tmp/err"
printf -- '-- line 1\nCREATE INDEX gadgets_a_idx ON gadgets (a);\nCREATE TABEL x (id int);\n' >"$tmp/syntax.sql"
cli review --production "$PROD" "$tmp/syntax.sql"
expect "a syntax error in the migration: exit 2, FILE:3:8" \
  bash -c '[ "$1" -eq 2 ] && grep -q "syntax.sql:3:8: syntax error at or near \"TABEL\"" "$2"' _ "$rc" "$tmp/err"
printf 'CREATE INDEX nowhere_idx ON no_such_table (x);\n' >"$tmp/missing.sql"
cli review --production "$PROD" "$tmp/missing.sql"
expect "a table production does not have: nothing to say (the statement fails by itself), exit 0" test "$rc" -eq 0

# ---------------------------------------------------------------- CI formats from production
cli review --production "$PROD" --set "$LOW" --format sarif "$MIG"
expect "--production --format sarif: exit 1" test "$rc" -eq 1
sarif_ok() {
  python3 - "$tmp/out" "$MIG" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
run = log["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert "index_not_concurrent" in rules and "production_lock_holder" in rules, rules
lines = open(sys.argv[2]).read().split("\n")
for r in run["results"]:
    assert r["ruleId"] in rules and r["level"] in ("error", "warning", "note") and r["message"]["text"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("production_migration.sql")
    reg = loc["region"]
    line = lines[reg["startLine"] - 1]
    assert line[reg["startColumn"] - 1:].split()[0] in ("CREATE", "ALTER", "TRUNCATE", "DROP", "REINDEX", "VACUUM", "REFRESH", "BEGIN", "UPDATE", "COMMIT"), line
PY
}
expect "--production --format sarif: valid SARIF 2.1.0, each result on its statement's first token" sarif_ok

finish
