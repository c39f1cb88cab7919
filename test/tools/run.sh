#!/usr/bin/env bash
# Real migration tools against a throwaway cluster that preloads the library
# (test/with-cluster or pg_virtualenv provide PGHOST, PGPORT, PGUSER): psql
# (-1 and -f), sqitch, Rails ActiveRecord, Django and Alembic (Debian's
# packages; Python's for /usr/bin/python3), knex, node-pg-migrate,
# sequelize-cli and TypeORM (npm, installed by test/tools/install-deps).  Each tool
# runs the same two migrations on a 5000-row table (large_table_rows = 1000):
#   bad:  CREATE TABLE audit_log; CREATE INDEX (blocks writes); DROP COLUMN
#   good: CREATE TABLE audit_log; CREATE INDEX CONCURRENTLY, in the tool's
#         migration without a transaction
# in warn (the user sees the warning where the driver allows it; the findings
# command reports what the tool dropped) and in enforce (the user sees the
# message and the safe SQL; a transactional migration leaves nothing half
# applied; the good set passes).  The snippets of docs/tools.md marked
# "tested:" must be found verbatim in the files run here.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed[, N skipped]".
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-pg_config}
cache=${MG_TOOLS_CACHE:-$HOME/.cache/migration-guard-tools}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$repo/test/lib/tap.sh"

# run COMMAND...: stdout and stderr together in $tmp/out, status in rc.
run() {
  "$@" >"$tmp/out" 2>&1
  rc=$?
}
status_is() { [ "$rc" -eq "$1" ]; }
fails() { [ "$rc" -ne 0 ]; }
says() { grep -qF -- "$1" "$tmp/out"; }
not_says() { ! grep -qF -- "$1" "$tmp/out"; }
q() { psql -X -A -t -q -d "$1" -c "$2" 2>&1; }
has_table() { [ "$(q "$1" "SELECT to_regclass('$2') IS NOT NULL")" = t ]; }
lacks_table() { [ "$(q "$1" "SELECT to_regclass('$2') IS NULL")" = t ]; }
index_valid() { [ "$(q "$1" "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('accounts_note_idx')")" = t ]; }

# ------------------------------------------------------------------ setup
CLI=${MG_CLI:-$(command -v migration-guard || echo "$("$PG_CONFIG" --bindir)/migration-guard")}
expect "make install put migration-guard in $("$PG_CONFIG" --bindir)" \
  test -x "$("$PG_CONFIG" --bindir)/migration-guard"

psql -X -q -v ON_ERROR_STOP=1 -d postgres >"$tmp/setup" 2>&1 <<'SQL' || { cat "$tmp/setup"; echo "0 passed, 1 failed"; exit 1; }
DROP DATABASE IF EXISTS mg_tools_template;
CREATE DATABASE mg_tools_template;
\c mg_tools_template
SET client_min_messages = error;
CREATE EXTENSION migration_guard;
SET migration_guard.mode = off;
CREATE TABLE accounts AS SELECT g AS id, 'note ' || g AS note FROM generate_series(1, 5000) g;
ANALYZE accounts;
SQL
# newdb NAME MODE [SETTING=VALUE...]: a fresh copy of the template.
newdb() {
  local db=$1 mode=$2
  shift 2
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE mg_tools_template" \
    -c "ALTER DATABASE $db SET migration_guard.large_table_rows = 1000" \
    -c "ALTER DATABASE $db SET migration_guard.mode = $mode" >/dev/null 2>&1
  for s in "$@"; do
    psql -X -q -d postgres -c "ALTER DATABASE $db SET ${s%%=*} = '${s#*=}'" >/dev/null 2>&1
  done
}
psql -X -q -d postgres -c "SELECT migration_guard.findings_reset()" >/dev/null 2>&1 ||
  psql -X -q -d mg_tools_template -c "SELECT migration_guard.findings_reset()" >/dev/null

# findings_check DB TOOL: what the findings command reports after a warn run.
findings_check() {
  local db=$1 tool=$2
  run "$CLI" findings --dsn "dbname=$db" --fail-on error
  expect "$tool warn: migration-guard findings reports the dropped column (exit 1)" \
    eval 'status_is 1 && says "warned  error  drop_column on public.accounts"'
  expect "$tool warn: ... and the blocking index, with the tool's application_name" \
    eval 'says "index_not_concurrent on public.accounts" && says "application '"$3"'"'
  run "$CLI" findings --dsn "dbname=$db" --format json
  expect "$tool warn: findings --format json is JSON" \
    eval 'status_is 1 && '"$PY"' -c "import json,sys; json.load(sys.stdin)" <"$tmp/out"'
}

# --------------------------------------------------------------- the docs
# Every code block after a "<!-- tested: PATH -->" line of docs/tools.md is
# found verbatim in PATH.
doc_ok=true
while IFS= read -r path; do
  "$PY" - "$repo/docs/tools.md" "$path" "$repo" <<'PY' || doc_ok=false
import re, sys
doc, path, repo = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(doc).read()
m = re.search(r"<!-- tested: " + re.escape(path) + r" -->\s*```[a-z]*\n(.*?)```", text, re.S)
body = open(repo + "/" + path).read()
if not m or m.group(1) not in body:
    print("docs/tools.md: the snippet for %s is not in the file" % path)
    sys.exit(1)
PY
done < <(grep -oE '<!-- tested: [^ ]+ -->' "$repo/docs/tools.md" | sed -E 's/<!-- tested: (.*) -->/\1/')
expect "docs/tools.md: every tested snippet is the code run here" $doc_ok

# ------------------------------------------------------------------ psql
cd "$here/psql"
newdb mg_tools_psql warn
run psql -X -v ON_ERROR_STOP=1 -d mg_tools_psql -1 -f bad.sql
expect "psql -1 warn: the migration runs, the WARNING and its safe SQL are shown" \
  eval 'status_is 0 && says "WARNING:  creating index \"accounts_note_idx\" on large table" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
findings_check mg_tools_psql "psql -1" psql

newdb mg_tools_psql enforce
run psql -X -v ON_ERROR_STOP=1 -d mg_tools_psql -1 -f bad.sql
expect "psql -1 enforce: rejected, with the message and the safe SQL" \
  eval 'fails && says "ERROR:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);" && says "SET LOCAL migration_guard.allow"'
expect "psql -1 enforce: nothing half applied (no audit_log)" lacks_table mg_tools_psql audit_log
run psql -X -v ON_ERROR_STOP=1 -d mg_tools_psql -f bad.sql
expect "psql -f enforce: the DETAIL says what already ran stays, the HINT gives SET ... RESET" \
  eval 'fails && says "No transaction block is open" && says "RESET migration_guard.allow;" && not_says "SET LOCAL migration_guard.allow"'
expect "psql -f enforce: what ran before the rejection stays (audit_log)" has_table mg_tools_psql audit_log
q mg_tools_psql "DROP TABLE audit_log" >/dev/null
run psql -X -v ON_ERROR_STOP=1 -d mg_tools_psql -f good.sql
expect "psql -f enforce: the CONCURRENTLY migration runs" eval 'status_is 0 && index_valid mg_tools_psql'
run "$CLI" findings --dsn dbname=mg_tools_psql --since "$(date -u -d '-1 hour' '+%Y-%m-%d %H:%M:%S+00')"
expect "findings --since: the rejections of rolled-back transactions are kept (exit 1)" \
  eval 'status_is 1 && says "rejected  error  index_not_concurrent on public.accounts"'
run "$CLI" findings --dsn dbname=mg_tools_psql --since 2999-01-01
expect "findings --since a future time: none (exit 0)" eval 'status_is 0 && says "no findings"'

# ------------------------------------------------------------------ sqitch
if command -v sqitch >/dev/null && perl -MDBD::Pg -e 1 2>/dev/null; then
  export SQITCH_FULLNAME="migration_guard tests" SQITCH_EMAIL=tests@example.com
  newdb mg_tools_sqitch warn migration_guard.history_exclude=sqitch
  cd "$here/sqitch/bad"
  run env PGAPPNAME=sqitch sqitch deploy db:pg:mg_tools_sqitch
  expect "sqitch warn: the migration runs, the WARNING and its safe SQL are shown (psql)" \
    eval 'status_is 0 && says "WARNING:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  findings_check mg_tools_sqitch sqitch sqitch
  expect "sqitch warn: history_exclude = sqitch keeps its registry out of the history" \
    eval '[ "$(q mg_tools_sqitch "SELECT count(*) FILTER (WHERE statement ~ '"'sqitch'"') = 0 AND count(*) FILTER (WHERE statement ~ '"'audit_log'"') = 1 FROM migration_guard.history")" = t ]'

  newdb mg_tools_sqitch enforce
  run env PGAPPNAME=sqitch sqitch deploy db:pg:mg_tools_sqitch
  expect "sqitch enforce: rejected, with the message and the safe SQL" \
    eval 'fails && says "ERROR:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  expect "sqitch enforce: the change's BEGIN/COMMIT left nothing behind (no audit_log)" lacks_table mg_tools_sqitch audit_log
  cd "$here/sqitch/good"
  run env PGAPPNAME=sqitch sqitch deploy db:pg:mg_tools_sqitch
  expect "sqitch enforce: a change without BEGIN/COMMIT runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_sqitch'
else
  skip "sqitch: sqitch or libdbd-pg-perl not installed"
fi

# ------------------------------------------------------------------ Rails ActiveRecord
if command -v ruby >/dev/null && ruby -e 'require "active_record"; require "pg"' 2>/dev/null; then
  cd "$here/rails"
  newdb mg_tools_rails warn
  run env MG_DB=mg_tools_rails MG_SET=bad ruby migrate.rb
  expect "ActiveRecord warn: the migration runs, the WARNING and its safe SQL are shown (notice processor)" \
    eval 'status_is 0 && says "WARNING:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY \"accounts_note_idx\" ON \"accounts\" (\"note\");"'
  findings_check mg_tools_rails ActiveRecord rails

  newdb mg_tools_rails enforce
  run env MG_DB=mg_tools_rails MG_SET=bad ruby migrate.rb
  expect "ActiveRecord enforce: rejected, the message and the safe SQL reach the user" \
    eval 'fails && says "creating index \"accounts_note_idx\" on large table" && says "CREATE INDEX CONCURRENTLY \"accounts_note_idx\" ON \"accounts\" (\"note\");"'
  expect "ActiveRecord enforce: the migration's transaction left nothing behind (no audit_log)" lacks_table mg_tools_rails audit_log
  run env MG_DB=mg_tools_rails MG_SET=good ruby migrate.rb
  expect "ActiveRecord enforce: disable_ddl_transaction! runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_rails'
else
  skip "ActiveRecord: ruby-activerecord or ruby-pg not installed"
fi

# ------------------------------------------------------------------ Django
if "$PY" -c 'import django, psycopg2' 2>/dev/null; then
  cd "$here/django"
  newdb mg_tools_django warn migration_guard.history_exclude=public.django_migrations
  run env MG_DB=mg_tools_django MG_SET=bad "$PY" -m django migrate --settings=mgsite.settings
  expect "Django warn: the migration runs, the WARNING and its safe SQL are shown (notices forwarded)" \
    eval 'status_is 0 && says "WARNING:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  findings_check mg_tools_django Django django-migrate
  expect "Django warn: history_exclude keeps django_migrations out of the history" \
    eval '[ "$(q mg_tools_django "SELECT count(*) FILTER (WHERE statement ~ '"'django_migrations'"') = 0 AND count(*) FILTER (WHERE statement ~ '"'audit_log'"') = 1 FROM migration_guard.history")" = t ]'

  newdb mg_tools_django enforce
  run env MG_DB=mg_tools_django MG_SET=bad "$PY" -m django migrate --settings=mgsite.settings
  expect "Django enforce: rejected, the message and the safe SQL reach the user" \
    eval 'fails && says "creating index \"accounts_note_idx\" on large table" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  expect "Django enforce: the atomic migration left nothing behind (no audit_log)" lacks_table mg_tools_django audit_log
  run env MG_DB=mg_tools_django MG_SET=good "$PY" -m django migrate --settings=mgsite.settings
  expect "Django enforce: atomic = False runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_django'
else
  skip "Django: python3-django or python3-psycopg2 not installed"
fi

# ------------------------------------------------------------------ Alembic
ALEMBIC=(/usr/bin/alembic)
[ -x /usr/bin/alembic ] || ALEMBIC=("$PY" -m alembic)
if "$PY" -c 'import alembic, psycopg2' 2>/dev/null; then
  cd "$here/alembic"
  newdb mg_tools_alembic warn
  run env MG_DB=mg_tools_alembic "${ALEMBIC[@]}" -c alembic.ini -n bad upgrade head
  expect "Alembic warn: the migration runs, the WARNING and its safe SQL are shown (notices forwarded)" \
    eval 'status_is 0 && says "WARNING:  creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  findings_check mg_tools_alembic Alembic alembic

  newdb mg_tools_alembic enforce
  run env MG_DB=mg_tools_alembic "${ALEMBIC[@]}" -c alembic.ini -n bad upgrade head
  expect "Alembic enforce: rejected, the message and the safe SQL reach the user" \
    eval 'fails && says "creating index \"accounts_note_idx\" on large table" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  expect "Alembic enforce: the migration's transaction left nothing behind (no audit_log)" lacks_table mg_tools_alembic audit_log
  run env MG_DB=mg_tools_alembic "${ALEMBIC[@]}" -c alembic.ini -n good upgrade head
  expect "Alembic enforce: autocommit_block() runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_alembic'
else
  skip "Alembic: python3-alembic or python3-psycopg2 not installed"
fi

# ------------------------------------------------------------------ knex
KNEX=$cache/node_modules/.bin/knex
if [ -x "$KNEX" ] && command -v node >/dev/null; then
  cd "$here/knex"
  export NODE_PATH=$cache/node_modules
  newdb mg_tools_knex warn
  run env MG_DB=mg_tools_knex "$KNEX" --knexfile knexfile.js migrate:latest --migrations-directory migrations_bad
  expect "knex warn: the migration runs, the WARNING and its safe SQL are shown (client.on('notice'))" \
    eval 'status_is 0 && says "WARNING: creating index \"accounts_note_idx\"" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  findings_check mg_tools_knex knex knex

  newdb mg_tools_knex enforce
  run env MG_DB=mg_tools_knex "$KNEX" --knexfile knexfile.js migrate:latest --migrations-directory migrations_bad
  expect "knex enforce: rejected; error_format = inline puts the safe SQL in the only line knex prints" \
    eval 'fails && says "(migration_guard rule index_not_concurrent)" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  expect "knex enforce: the migration's transaction left nothing behind (no audit_log)" lacks_table mg_tools_knex audit_log
  run env MG_DB=mg_tools_knex "$KNEX" --knexfile knexfile.js migrate:latest --migrations-directory migrations_good
  expect "knex enforce: config = { transaction: false } runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_knex'
else
  skip "knex: not installed in $cache (test/tools/install-deps)"
fi

# ------------------------------------------------------------------ node-pg-migrate
PGM=$cache/node_modules/.bin/node-pg-migrate
if [ -x "$PGM" ] && command -v node >/dev/null; then
  cd "$here/pgmigrate"
  url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER&application_name=node-pg-migrate&options=-c%20migration_guard.error_format%3Dinline"; }
  newdb mg_tools_pgm warn
  run env DATABASE_URL="$(url mg_tools_pgm)" "$PGM" up -m migrations_bad
  expect "node-pg-migrate warn: the migration runs; its CLI shows no WARNING (the findings command does)" \
    eval 'status_is 0 && not_says "creating index \"accounts_note_idx\""'
  findings_check mg_tools_pgm node-pg-migrate node-pg-migrate

  newdb mg_tools_pgm enforce
  run env DATABASE_URL="$(url mg_tools_pgm)" "$PGM" up -m migrations_bad
  expect "node-pg-migrate enforce: rejected, the safe SQL in the message (error_format = inline)" \
    eval 'fails && says "(migration_guard rule index_not_concurrent)" && says "CREATE INDEX CONCURRENTLY \"accounts_note_idx\" ON \"accounts\" (\"note\");"'
  expect "node-pg-migrate enforce: the migration's transaction left nothing behind (no audit_log)" lacks_table mg_tools_pgm audit_log
  run env DATABASE_URL="$(url mg_tools_pgm)" "$PGM" up -m migrations_good
  expect "node-pg-migrate enforce: pgm.noTransaction() runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_pgm'
else
  skip "node-pg-migrate: not installed in $cache (test/tools/install-deps)"
fi

# ------------------------------------------------------------------ sequelize-cli
SEQ=$cache/node_modules/.bin/sequelize-cli
if [ -x "$SEQ" ] && command -v node >/dev/null; then
  cd "$here/sequelize"
  export NODE_PATH=$cache/node_modules
  newdb mg_tools_seq warn
  run env MG_DB=mg_tools_seq "$SEQ" db:migrate --config config.js --migrations-path migrations_bad
  expect "sequelize-cli warn: the migration runs (its CLI shows no WARNING)" status_is 0
  findings_check mg_tools_seq sequelize-cli sequelize-cli

  newdb mg_tools_seq enforce
  run env MG_DB=mg_tools_seq "$SEQ" db:migrate --config config.js --migrations-path migrations_bad
  expect "sequelize-cli enforce: rejected, the safe SQL in the message (error_format = inline)" \
    eval 'fails && says "(migration_guard rule index_not_concurrent)" && says "CREATE INDEX CONCURRENTLY \"accounts_note_idx\" ON \"accounts\" (\"note\");"'
  expect "sequelize-cli enforce: the migration wrapped in a transaction left nothing behind" lacks_table mg_tools_seq audit_log
  run env MG_DB=mg_tools_seq "$SEQ" db:migrate --config config.js --migrations-path migrations_good
  expect "sequelize-cli enforce: the unwrapped migration runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_seq'
else
  skip "sequelize-cli: not installed in $cache (test/tools/install-deps)"
fi

# ------------------------------------------------------------------ TypeORM
TYPEORM=$cache/node_modules/.bin/typeorm
if [ -x "$TYPEORM" ] && command -v node >/dev/null; then
  cd "$here/typeorm"
  export NODE_PATH=$cache/node_modules
  newdb mg_tools_typeorm warn
  run env MG_DB=mg_tools_typeorm MG_SET=bad "$TYPEORM" migration:run -d datasource.js
  expect "TypeORM warn: the migration runs (its CLI shows no WARNING)" status_is 0
  findings_check mg_tools_typeorm TypeORM typeorm

  newdb mg_tools_typeorm enforce
  run env MG_DB=mg_tools_typeorm MG_SET=bad "$TYPEORM" migration:run -d datasource.js
  expect "TypeORM enforce: rejected, the safe SQL in the message (error_format = inline)" \
    eval 'fails && says "(migration_guard rule index_not_concurrent)" && says "CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note);"'
  expect "TypeORM enforce: the migration's transaction left nothing behind (no audit_log)" lacks_table mg_tools_typeorm audit_log
  run env MG_DB=mg_tools_typeorm MG_SET=good "$TYPEORM" migration:run -d datasource.js
  expect "TypeORM enforce: transaction = false runs CREATE INDEX CONCURRENTLY" eval 'status_is 0 && index_valid mg_tools_typeorm'
else
  skip "TypeORM: not installed in $cache (test/tools/install-deps)"
fi

# ------------------------------------------------------------------ restart
# The store is saved at a clean shutdown and read back at start: the
# cluster of test/with-cluster (its data directory beside the socket), or
# pg_virtualenv's (pg_ctlcluster VERSION regress).
restart() {
  if [ -n "${PGVERSION:-}" ] && [ -n "${PG_CLUSTER_CONF_ROOT:-}" ] && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster -m fast "$PGVERSION" regress restart
  elif [ -d "${PGHOST:-}/data" ]; then
    local pg_ctl
    pg_ctl="$("$PG_CONFIG" --bindir)/pg_ctl"
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$pg_ctl" -D "$PGHOST/data" -w -m fast restart -l "$PGHOST/server.log"
    else
      "$pg_ctl" -D "$PGHOST/data" -w -m fast restart -l "$PGHOST/server.log"
    fi
  else
    return 2
  fi
}
before=$(q mg_tools_psql "SELECT count(*) FROM migration_guard.findings")
restart >"$tmp/restart" 2>&1
case $? in
  0)
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q && break; sleep 0.5; done
    after=$(q mg_tools_psql "SELECT count(*) FROM migration_guard.findings")
    expect "the findings survive a restart ($before before, $after after)" \
      eval '[ "$before" -gt 0 ] 2>/dev/null && [ "$before" = "$after" ]'
    ;;
  2) skip "restart: neither test/with-cluster's nor pg_virtualenv's cluster" ;;
  *) expect "the cluster restarts" false; cat "$tmp/restart" ;;
esac

# Without shared_preload_libraries: a session that LOADs the library is judged
# as usual, nothing is kept, and the view says why.
if [ -n "${after:-}" ]; then
  # (plpgsql: a library that is not ours; an empty list would be written as '""')
  q postgres "ALTER SYSTEM SET shared_preload_libraries = 'plpgsql'" >/dev/null
  if restart >"$tmp/restart" 2>&1; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q && break; sleep 0.5; done
    run psql -X -d mg_tools_psql -c "LOAD 'migration_guard'" -c "SET migration_guard.mode = warn" \
      -c "CREATE INDEX not_preloaded_idx ON accounts (id)" -c "SELECT count(*) FROM migration_guard.findings"
    expect "not preloaded: LOAD judges the statement; the view says it needs shared_preload_libraries" \
      eval 'says "WARNING:  creating index \"not_preloaded_idx\"" && says "ERROR:  migration_guard.findings needs migration_guard in shared_preload_libraries"'
  else
    expect "the cluster restarts without shared_preload_libraries" false; cat "$tmp/restart"
  fi
  q postgres "ALTER SYSTEM RESET shared_preload_libraries" >/dev/null
  restart >/dev/null 2>&1
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q && break; sleep 0.5; done
fi

for db in mg_tools_template mg_tools_psql mg_tools_django mg_tools_alembic mg_tools_knex mg_tools_pgm \
  mg_tools_seq mg_tools_typeorm mg_tools_sqitch mg_tools_rails; do
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
done
tap_summary
