#!/usr/bin/env bash
# Tests the migration-guard command-line program against a live server.
# Meant to run INSIDE a throwaway cluster that preloads the library:
#   pg_virtualenv -o shared_preload_libraries=migration_guard test/cli/run.sh
# (the PG* environment variables come from pg_virtualenv).  It creates the
# databases mg_cli_test (with the extension, a 5000-row table and
# migration_guard.large_table_rows = 1000) and mg_cli_noext (without it).
# Prints "ok N - ..." / "not ok N - ..." per check and ends with
# "N passed, N failed"; the exit status is non-zero if any check failed.
# Environment: MG_CLI, the program to test (default: ./migration-guard at the
# top of the repository, built with "make migration-guard" when missing).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
CLI=${MG_CLI:-$repo/migration-guard}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$repo/test/lib/tap.sh"

# cli ARGS...: runs the program; sets rc, leaves $tmp/out and $tmp/err.
cli() {
  "$CLI" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}
# The same with standard input from a file.
cli_stdin() {
  local input=$1
  shift
  "$CLI" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

status_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
out_nonempty() { [ -s "$tmp/out" ]; }
out_is_json() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out" 2>/dev/null; }

# ---------------------------------------------------------------- setup

if [ ! -x "$CLI" ] && [ -z "${MG_CLI:-}" ]; then
  make -s -C "$repo" migration-guard >"$tmp/build" 2>&1 || cat "$tmp/build"
fi
expect "the program exists ($CLI)" test -x "$CLI"
[ -x "$CLI" ] || finish

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@" >>"$tmp/setup" 2>&1; }
setup_ok=true
{
  psql_q -d postgres -c "DROP DATABASE IF EXISTS mg_cli_test" &&
    psql_q -d postgres -c "DROP DATABASE IF EXISTS mg_cli_noext" &&
    psql_q -d postgres -c "CREATE DATABASE mg_cli_test" &&
    psql_q -d postgres -c "CREATE DATABASE mg_cli_noext" &&
    psql_q -d mg_cli_test -c "CREATE EXTENSION migration_guard" &&
    psql_q -d postgres -c "ALTER DATABASE mg_cli_test SET migration_guard.large_table_rows = 1000" &&
    psql_q -d mg_cli_test <<'SQL'
CREATE TABLE big (id int PRIMARY KEY, v int, note text);
INSERT INTO big SELECT g, g % 97, 'row ' || g FROM generate_series(1, 5000) g;
ANALYZE big;
SQL
} || setup_ok=false
expect "setup: databases mg_cli_test (extension, 5000-row table) and mg_cli_noext" $setup_ok
if ! $setup_ok; then
  sed 's/^/# /' "$tmp/setup"
  finish
fi

DSN="dbname=mg_cli_test"
m=$tmp/migrations
mkdir -p "$m"

# Safe: a new table and a concurrent index build (no finding of severity error).
cat >"$m/001_safe.sql" <<'SQL'
CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, msg text);
CREATE INDEX CONCURRENTLY big_v_idx ON big (v);
SQL
# Unsafe: CREATE INDEX without CONCURRENTLY on a large table (rule index_not_concurrent, error).
cat >"$m/002_index.sql" <<'SQL'
-- add an index on big.v
CREATE INDEX big_v_idx ON big (v);
SQL
# Syntax error on line 3, column 8 ("TABEL").
cat >"$m/003_syntax.sql" <<'SQL'
-- line 1
CREATE TABLE fine (id int);
CREATE TABEL broken (id int);
SELECT 1;
SQL
# Syntax error on line 3 after multi-byte characters: column 17 in characters
# ("/* é€ */ " is 9 characters, 12 bytes; then "CREATE ").
cat >"$m/004_syntax_utf8.sql" <<'SQL'
-- ünïcödé
CREATE TABLE "tëst" (id int);
/* é€ */ CREATE TABEL other (id int);
SQL

# ---------------------------------------------------------------- checks

cli --help
expect "--help exits 0" status_is 0
expect "--help prints the usage" out_has "Usage: migration-guard review"

cli --version
expect "--version prints \"migration-guard 0.3.0\"" grep -qx "migration-guard 0.3.0" "$tmp/out"

cli
expect "no arguments: exit 2" status_is 2
expect "no arguments: message on stderr" err_has "migration-guard: "

cli review
expect "review without FILE: exit 2" status_is 2

cli review --format yaml "$m/001_safe.sql"
expect "unknown --format: exit 2" status_is 2
expect "unknown --format: says which" err_has '"yaml"'

cli review --dsn "$DSN" "$m/001_safe.sql"
expect "safe file: exit 0" status_is 0
expect "safe file: the markdown report is printed" out_nonempty

PGDATABASE=mg_cli_test cli review "$m/001_safe.sql"
expect "safe file with PGDATABASE=mg_cli_test and no --dsn: exit 0" status_is 0

cli review --dsn "$DSN" "$m/002_index.sql"
expect "CREATE INDEX without CONCURRENTLY on the large table: exit 1" status_is 1
expect "CREATE INDEX without CONCURRENTLY: the report names index_not_concurrent" \
  out_has "index_not_concurrent"

cli_stdin "$m/002_index.sql" review --dsn "$DSN" -
expect "standard input (-): exit 1 for the unsafe index" status_is 1

cli review --dsn "$DSN" --in-transaction "$m/001_safe.sql"
expect "--in-transaction: CREATE INDEX CONCURRENTLY in a transaction block is an error (exit 1)" \
  status_is 1

cli review --dsn "$DSN" --format json "$m/002_index.sql"
expect "--format json: exit 1 for the unsafe index" status_is 1
expect "--format json: the output parses as JSON" out_is_json
expect "--format json: the report names index_not_concurrent" out_has "index_not_concurrent"

cli review --dsn "$DSN" --format json "$m/001_safe.sql" "$m/002_index.sql"
expect "--format json, two files: exit 1" status_is 1
json_two_files() {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d, list) and len(d) == 2, d
assert d[0]["file"].endswith("001_safe.sql") and d[1]["file"].endswith("002_index.sql"), d
assert "report" in d[0] and "report" in d[1], d
' "$tmp/out" 2>/dev/null
}
expect "--format json, two files: an array of two {file, report}" json_two_files

cli review --dsn "$DSN" "$m/001_safe.sql" "$m/002_index.sql"
expect "markdown, two files: a header line per file" \
  bash -c 'grep -qF -- "<!-- $1 -->" "$3" && grep -qF -- "<!-- $2 -->" "$3"' _ \
  "$m/001_safe.sql" "$m/002_index.sql" "$tmp/out"

# ---------------------------------------------------------------- CI formats
cli review --dsn "$DSN" --format github "$m/001_safe.sql" "$m/002_index.sql"
expect "--format github: exit 1 for the unsafe index" status_is 1
expect "--format github: an ::error command on line 2 (after the comment), column 1, with the rule as title" \
  grep -qE "^::error file=$m/002_index.sql,line=2,col=1,endLine=2,endColumn=34,title=migration_guard index_not_concurrent \(public.big\)::creating index" "$tmp/out"
expect "--format github: the message's line breaks are escaped (one command per line)" \
  bash -c '! grep -v "^::" "$1"' _ "$tmp/out"
expect "--format github: the safe file has no annotation" bash -c '! grep -q "001_safe" "$1"' _ "$tmp/out"

cli review --dsn "$DSN" --format sarif "$m/001_safe.sql" "$m/002_index.sql"
expect "--format sarif: exit 1 for the unsafe index" status_is 1
sarif_valid() {
  python3 - "$tmp/out" "$m" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0", log.get("version")
assert log["$schema"].endswith("sarif-2.1.0.json")
assert len(log["runs"]) == 1
run = log["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "migration-guard"
ids = [r["id"] for r in driver["rules"]]
assert "index_not_concurrent" in ids and len(ids) >= 20, ids
for r in driver["rules"]:
    assert r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
uris = [a["location"]["uri"] for a in run["artifacts"]]
assert [u.endswith("001_safe.sql") for u in uris] == [True, False] and uris[1].endswith("002_index.sql"), uris
assert run["results"], "no results"
for res in run["results"]:
    assert res["ruleId"] in ids and res["level"] in ("error", "warning", "note") and res["message"]["text"]
    assert ids[res["ruleIndex"]] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("002_index.sql")
    assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] == 1, loc
first = [r for r in run["results"] if r["ruleId"] == "index_not_concurrent"][0]
assert first["level"] == "error"
PY
}
expect "--format sarif: SARIF 2.1.0 with rules, artifacts and results on line 2, column 1" sarif_valid

cli review --dsn "$DSN" --format sarif "$m/001_safe.sql"
expect "--format sarif, nothing to say: exit 0, a run with no results" \
  bash -c '[ "$1" -eq 0 ] && python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[\"runs\"][0]; assert r[\"results\"] == []" "$2"' _ "$rc" "$tmp/out"

cli review --dsn "$DSN" --set migration_guard.large_table_rows=100000 --set migration_guard.large_table_size=1GB "$m/002_index.sql"
expect "--set: a higher threshold makes the table small (exit 0)" status_is 0
cli review --dsn "$DSN" --set no_such_setting_x "$m/002_index.sql"
expect "--set without =: usage error (exit 2)" status_is 2
cli review --dsn "$DSN" --set migration_guard.mode=bogus "$m/002_index.sql"
expect "--set with a bad value: the server's message, exit 2" \
  bash -c '[ "$1" -eq 2 ] && grep -q "migration-guard: --set migration_guard.mode=bogus: invalid value" "$2"' _ "$rc" "$tmp/err"

cli review --dsn "$DSN" "$m/nonexistent.sql"
expect "unreadable file: exit 2" status_is 2
expect "unreadable file: message with the reason" \
  err_has "migration-guard: cannot read $m/nonexistent.sql: No such file or directory"

cli review --dsn "$DSN" "$m"
expect "directory as FILE: exit 2" status_is 2
expect "directory as FILE: message with the reason" err_has "Is a directory"

truncate -s 65M "$tmp/huge.sql"
cli review --dsn "$DSN" "$tmp/huge.sql"
expect "file larger than 64 MB: exit 2" status_is 2
expect "file larger than 64 MB: refused with a message" err_has "larger than 64 MB"
rm -f "$tmp/huge.sql"

cli review --dsn "$DSN" "$m/003_syntax.sql"
expect "syntax error: exit 2" status_is 2
expect "syntax error: FILE:3:8: syntax error at or near \"TABEL\"" \
  err_has "$m/003_syntax.sql:3:8: syntax error at or near \"TABEL\""
expect "syntax error: the offending line is shown" err_has "CREATE TABEL broken (id int);"
expect "syntax error: a caret under column 8" grep -qx '         ^' "$tmp/err"

cli review --dsn "$DSN" "$m/004_syntax_utf8.sql"
expect "syntax error after multi-byte characters: exit 2" status_is 2
expect "syntax error after multi-byte characters: column counted in characters (3:17)" \
  err_has "$m/004_syntax_utf8.sql:3:17: syntax error at or near \"TABEL\""

cli review --dsn 'host=127.0.0.1 port=1 connect_timeout=2' "$m/001_safe.sql"
expect "unreachable server: exit 2" status_is 2
expect "unreachable server: libpq's message" err_has "migration-guard: could not connect to the server"

cli review --dsn "dbname=mg_cli_noext" "$m/001_safe.sql"
expect "database without the extension: exit 2" status_is 2
expect "database without the extension: the CREATE EXTENSION advice" \
  err_has 'the migration_guard extension is not installed in database "mg_cli_noext": run CREATE EXTENSION migration_guard'

finish
