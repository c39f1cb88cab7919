#!/usr/bin/env bash
# The Debian package, built with the standard PostgreSQL extension tooling
# (pg_buildext, postgresql-server-dev-all) from a copy of the work tree,
# installed with dpkg -i, tried (CREATE EXTENSION in a throwaway cluster of
# the packaged server, migration-guard on PATH, a review --production with the
# shadow the installed program starts itself), and removed with dpkg --purge.
#
# dpkg writes into the system PostgreSQL directories: the script leaves the
# system as it found it.  It refuses to run when the package is installed
# already; the files the package would overwrite (a "make install" of the
# system server, as CI's test/run-all does) are saved before and put back
# after the purge, and compared.  Needs root (dpkg); otherwise it says so and
# checks nothing.
# Prints "ok N - ..." / "not ok N - ..." and ends with "N passed, N failed".
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/mg-deb.XXXXXX)
chmod 755 "$work"
tmp=$work
TAP_CAPTURE=1
. "$repo/test/lib/tap.sh"
installed=false
pkg=

# dpkg, waiting for another dpkg or apt-get to release its lock.
dpkg_retry() {
  local i out
  for i in $(seq 1 60); do
    out=$(dpkg "$@" 2>&1) && { printf '%s\n' "$out"; return 0; }
    grep -qi "lock" <<<"$out" || { printf '%s\n' "$out"; return 1; }
    sleep 5
  done
  printf '%s\n' "$out"
  return 1
}

# Purge, then put back what was there before, whatever happened.
restore() {
  if $installed; then
    dpkg_retry --purge "$pkg" >"$work/purge.log" 2>&1 || cat "$work/purge.log"
    installed=false
  fi
  if [ -f "$work/saved.list" ] && [ -s "$work/saved.list" ]; then
    (cd "$work/saved" && tar -cf - -T "$work/saved.list") | (cd / && tar -xpf -)
  fi
}
cleanup() {
  restore
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" != 0 ]; then
  echo "# not root: the package test (dpkg -i) is skipped"
  finish
fi
for tool in pg_buildext dpkg-buildpackage dh; do
  expect "$tool is installed (test/install-deps)" command -v "$tool"
done
[ "$failed" -eq 0 ] || finish

# ---------------------------------------------------------------- build
mkdir -p "$work/src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
  (cd "$work/src" && tar -xf -)
expect "debian/control is up to date with control.in (pg_buildext checkcontrol)" \
  bash -c 'cd "$1" && pg_buildext checkcontrol' _ "$work/src"
start=$(date +%s)
expect "dpkg-buildpackage builds the binary package with pg_buildext (pgxs_loop)" \
  env -u PG_CONFIG bash -c 'cd "$1" && dpkg-buildpackage -b -us -uc -j2' _ "$work/src"
echo "# the package build took $(( $(date +%s) - start )) s"
deb=$(ls "$work"/postgresql-*-migration-guard_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || finish
pkg=$(dpkg-deb -f "$deb" Package)
major=$(sed -E 's/postgresql-([0-9]+)-.*/\1/' <<<"$pkg")
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
has() { grep -qx "$1" "$work/contents"; }
expect "the package holds the module, the control file, the SQL scripts and the program" \
  bash -c 'for f in "$@"; do grep -qx "$f" "'"$work/contents"'" || { echo "missing $f"; exit 1; }; done' _ \
  "/usr/lib/postgresql/$major/lib/migration_guard.so" \
  "/usr/share/postgresql/$major/extension/migration_guard.control" \
  "/usr/share/postgresql/$major/extension/migration_guard--0.3.0.sql" \
  "/usr/share/postgresql/$major/extension/migration_guard--0.2.0--0.3.0.sql" \
  "/usr/lib/postgresql/$major/bin/migration-guard"
expect "the package depends on its server (postgresql-$major)" \
  bash -c 'dpkg-deb -f "$1" Depends | grep -q "postgresql-$2"' _ "$deb" "$major"

# ---------------------------------------------------------------- install
if dpkg -s "$pkg" >/dev/null 2>&1; then
  echo "# $pkg is installed on this system already: not touching it"
  finish
fi
if [ -e /usr/bin/migration-guard ] || [ -L /usr/bin/migration-guard ]; then
  echo "# /usr/bin/migration-guard exists already: not touching it"
  finish
fi
# Save what the package would overwrite (regular files only: directories stay).
mkdir -p "$work/saved"
: >"$work/saved.list"
while read -r f; do
  [ -f "$f" ] && [ ! -d "$f" ] && echo "${f#/}" >>"$work/saved.list"
done <"$work/contents"
if [ -s "$work/saved.list" ]; then
  (cd / && tar -cpf - -T "$work/saved.list") | (cd "$work/saved" && tar -xpf -)
fi
echo "# $(wc -l <"$work/saved.list") file(s) of an earlier installation saved"

installed=true
expect "dpkg -i installs $pkg" dpkg_retry -i "$deb"
expect "migration-guard is on PATH (/usr/bin, an alternative)" \
  bash -c '[ "$(command -v migration-guard)" = /usr/bin/migration-guard ] && migration-guard --version | grep -qx "migration-guard 0.3.0"'
expect "/usr/bin/migration-guard leads to the packaged program" \
  test "$(readlink -f /usr/bin/migration-guard)" = "/usr/lib/postgresql/$major/bin/migration-guard"

# CREATE EXTENSION in a throwaway cluster of the packaged server (preloaded).
cat >"$work/try.sh" <<'SH'
set -e
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION migration_guard;
SELECT migration_guard.is_preloaded();
CREATE TABLE t (id int, v int);
INSERT INTO t SELECT g, g FROM generate_series(1, 3000) g;
ANALYZE t;
SQL
[ "$(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'migration_guard'")" = 0.3.0 ]
printf 'CREATE INDEX t_v ON t (v);\n' >"$TRY_DIR/m.sql"
chmod 644 "$TRY_DIR/m.sql"
set +e
migration-guard review --dsn "host=$PGHOST port=$PGPORT dbname=postgres" \
  --set migration_guard.large_table_rows=1000 --format github "$TRY_DIR/m.sql"
[ $? -eq 1 ] || exit 1
# review --production: the installed program starts its own shadow with the
# packaged server's programs (found next to itself).
migration-guard review --production "host=$PGHOST port=$PGPORT dbname=postgres" \
  --set migration_guard.large_table_rows=1000 "$TRY_DIR/m.sql" >"$TRY_DIR/prod.md"
[ $? -eq 1 ] && grep -q index_not_concurrent "$TRY_DIR/prod.md" && grep -q "^## Production" "$TRY_DIR/prod.md"
SH
expect "CREATE EXTENSION works in a cluster of the packaged server; the installed program reviews, --production too" \
  env TRY_DIR="$work" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" "$repo/test/with-cluster" bash "$work/try.sh"

# ---------------------------------------------------------------- remove
expect "dpkg --purge removes it" dpkg_retry --purge "$pkg"
installed=false
expect "after the purge: no package, no /usr/bin/migration-guard, no alternative" \
  bash -c '! dpkg -s "$1" >/dev/null 2>&1 && [ ! -e /usr/bin/migration-guard ] && ! update-alternatives --query migration-guard >/dev/null 2>&1' _ "$pkg"
restore
same_as_before() {
  local f
  while read -r f; do
    cmp -s "/$f" "$work/saved/$f" || { echo "differs: /$f"; return 1; }
  done <"$work/saved.list"
  while read -r f; do
    [ -d "$f" ] && continue
    grep -qx "${f#/}" "$work/saved.list" && continue
    [ ! -e "$f" ] || { echo "left behind: $f"; return 1; }
  done <"$work/contents"
}
expect "the system is as before: earlier files back, nothing of the package left" same_as_before
finish
