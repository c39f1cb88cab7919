#!/usr/bin/env bash
# Builds and installs migration_guard, starts a throwaway PostgreSQL 15 cluster
# that preloads it (pg_virtualenv, works as root), and runs test/demo.sql.
set -eu
cd "$(dirname "$0")/.."
test/install-deps
make -s -j"$(nproc)" && make -s install
exec pg_virtualenv -o shared_preload_libraries=migration_guard \
  psql -X -v VERBOSITY=default -f test/demo.sql
