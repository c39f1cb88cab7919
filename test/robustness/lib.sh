# Shared helpers for the robustness scripts in test/robustness/ (sourced).
#
# Every script starts its own throwaway clusters: initdb into a mktemp -d
# directory owned by postgres, the unix socket in that directory only
# (listen_addresses = ''), a port in 55500-55599, everything stopped and
# removed at exit.  Nothing touches ports 5432-5433 or pg_virtualenv.
#
# Results: check NAME OK-CONDITION-STATUS MESSAGE counts one test; the script
# ends with finish, which prints "N passed, N failed" and exits 1 on failure.

set -uo pipefail

PG_CONFIG=${PG_CONFIG:-pg_config}
PGBIN=${PGBIN:-$($PG_CONFIG --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
export LC_ALL=C
export PGCONNECT_TIMEOUT=10
unset PGHOST PGPORT PGDATABASE PGUSER PGOPTIONS PGSERVICE 2>/dev/null || true
ROBUST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$ROBUST_DIR/../.." && pwd)

FULL=0
for arg in "$@"; do
	case "$arg" in
		--full) FULL=1 ;;
		--quick) FULL=0 ;;
		-h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $arg (use --full or --quick)" >&2; exit 2 ;;
	esac
done

PASSED=0
FAILED=0
T0=$(date +%s)

note() { echo "# $*"; }
die() { echo "$(basename "$0"): $*" >&2; echo "$PASSED passed, $((FAILED + 1)) failed"; exit 1; }

# ok NAME / not_ok NAME WHY
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1${2:+: $2}"; }
# check NAME CONDITION-COMMAND...: ok when the command succeeds.
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
finish() {
	echo "# elapsed: $(( $(date +%s) - T0 )) s"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
	exit $?
}

[ -x "$PGBIN/initdb" ] || die "no initdb in $PGBIN (set PG_CONFIG or PGBIN)"
[ -f "$($PG_CONFIG --pkglibdir)/migration_guard.so" ] ||
	die "migration_guard is not installed: run make && make install first"
if [ "$(id -u)" != 0 ] && [ "$(id -un)" != postgres ]; then
	die "run as root or as postgres"
fi

# Run a command as postgres (we are root) or as ourselves (we are postgres).
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

SCRATCH=$(mktemp -d /tmp/mgrobust.XXXXXX)
chmod 755 "$SCRATCH"
[ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH"
CLUSTERS=()
BGPIDS=()

cleanup() {
	local dir pid
	for pid in "${BGPIDS[@]+"${BGPIDS[@]}"}"; do
		kill "$pid" 2>/dev/null || true
	done
	for dir in "${CLUSTERS[@]+"${CLUSTERS[@]}"}"; do
		[ -f "$dir/postmaster.pid" ] &&
			as_pg "$PGBIN/pg_ctl" -D "$dir" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
	done
	if [ "${KEEP_SCRATCH:-0}" = 1 ]; then
		echo "# scratch kept: $SCRATCH" >&2
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Settings of every cluster: the disk is shared with other people's runs.
BASE_CONF="fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
max_connections = 60
logging_collector = off
log_line_prefix = '%m [%p] '
jit = off"

# start_cluster NAME PORT PRELOAD(yes|no) [EXTRA-CONF]: initdb + start;
# sets DATADIR_<NAME>, SOCK_<NAME>, LOG_<NAME>.  The socket is in the
# scratch directory, the server log is $SCRATCH/NAME.log.
start_cluster() {
	local name=$1 port=$2 preload=$3 extra=${4:-}
	local dir=$SCRATCH/$name
	mkdir -p "$dir" "$SCRATCH/sock"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir" "$SCRATCH/sock"
	chmod 700 "$dir"
	as_pg "$PGBIN/initdb" -D "$dir" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --locale=C >"$SCRATCH/$name.initdb.log" 2>&1 ||
		{ cat "$SCRATCH/$name.initdb.log" >&2; die "initdb $name failed"; }
	{
		echo "$BASE_CONF"
		[ "$preload" = yes ] && echo "shared_preload_libraries = 'migration_guard'"
		[ -n "$extra" ] && echo "$extra"
	} >>"$dir/postgresql.conf"
	CLUSTERS+=("$dir")
	as_pg touch "$SCRATCH/$name.log"
	as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$SCRATCH/$name.log" -w -t 120 \
		-o "-p $port -k $SCRATCH/sock -c listen_addresses=''" start >/dev/null ||
		{ tail -20 "$SCRATCH/$name.log" >&2; die "cluster $name did not start"; }
	eval "DATADIR_$name=\$dir; LOG_$name=\$SCRATCH/\$name.log; PORT_$name=\$port"
}

stop_cluster() {
	local dir=$SCRATCH/$1
	as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w -t 120 stop >/dev/null 2>&1 ||
		as_pg "$PGBIN/pg_ctl" -D "$dir" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
}

# pg PORT [psql args...]: psql as postgres on our socket, no psqlrc.
pg() {
	local port=$1; shift
	"$PGBIN/psql" -X -q -h "$SCRATCH/sock" -p "$port" -U postgres "$@"
}

# Crash evidence in a server log: prints the offending lines; returns 0 when
# there are none.
crash_lines() {
	grep -nE 'terminated by signal|PANIC|TRAP:|was terminated|server process .* exited with exit code|all server processes terminated|database system was not properly shut down|database system was interrupted|Segmentation fault|stack smashing' "$1"
}
no_crash() {
	local lines
	lines=$(crash_lines "$1" | head -20)
	if [ -n "$lines" ]; then echo "$lines" | sed 's/^/#   /'; return 1; fi
	return 0
}

# get_pg_source: sets PGSRC to an unpacked Debian source tree of PostgreSQL 15
# (apt-get source postgresql-15), fetched once into $MG_PGSRC_CACHE (default
# /tmp/mg-pgsrc-cache, a scratch folder: nothing of it is committed) and
# reused by the other scripts.  The installed version first, then any other
# version the deb-src lines offer (the regression files of 15.x are all the
# same suite).  As root, adds deb-src lines for the configured Debian mirrors
# when there are none.  Returns 1 with a message when impossible.
get_pg_source() {
	local cache=${MG_PGSRC_CACHE:-/tmp/mg-pgsrc-cache} v versions
	PGSRC=$(ls -d "$cache"/postgresql-15-15.*/src/test/regress 2>/dev/null | head -1)
	if [ -n "$PGSRC" ]; then PGSRC=${PGSRC%/src/test/regress}; return 0; fi
	command -v apt-get >/dev/null || { echo "# apt-get is not available: cannot get the PostgreSQL source"; return 1; }
	command -v dpkg-source >/dev/null || { echo "# dpkg-source is missing (apt-get install dpkg-dev)"; return 1; }
	if ! apt-cache showsrc postgresql-15 2>/dev/null | grep -q '^Version:'; then
		if [ "$(id -u)" = 0 ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
			note "adding deb-src lines (/etc/apt/sources.list.d/migration-guard-src.sources)"
			sed -n '/^Types:/,/^$/p' /etc/apt/sources.list.d/debian.sources |
				sed 's/^Types: deb$/Types: deb-src/' >/etc/apt/sources.list.d/migration-guard-src.sources
			timeout 300 apt-get update -q >/dev/null 2>&1
		elif [ "$(id -u)" = 0 ] && [ -f /etc/apt/sources.list ]; then
			sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >/etc/apt/sources.list.d/migration-guard-src.list
			timeout 300 apt-get update -q >/dev/null 2>&1
		fi
	fi
	mkdir -p "$cache"
	[ "$(id -u)" = 0 ] && chmod 755 "$cache"
	versions="$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null)
$(apt-cache showsrc postgresql-15 2>/dev/null | sed -n 's/^Version: //p' | sort -rV)"
	for v in $(echo "$versions" | awk 'NF && !seen[$0]++'); do
		note "apt-get source postgresql-15=$v"
		(cd "$cache" && timeout 600 apt-get source -q "postgresql-15=$v" >"$cache/apt-get-source.log" 2>&1) || true
		PGSRC=$(ls -d "$cache"/postgresql-15-15.*/src/test/regress 2>/dev/null | head -1)
		if [ -n "$PGSRC" ]; then PGSRC=${PGSRC%/src/test/regress}; note "source: $PGSRC"; return 0; fi
		sed 's/^/#   /' "$cache/apt-get-source.log" | grep -E '^#   (E|W):' | head -3
	done
	echo "# apt-get source postgresql-15 is impossible here (no deb-src reachable): see $cache/apt-get-source.log"
	return 1
}

# build_regress_modules DIR: regress.so, refint.so, autoinc.so (what the
# installcheck schedule loads) built with PGXS from the source tree: nothing
# else of the source is built.
build_regress_modules() {
	local dir=$1
	mkdir -p "$dir"
	cp "$PGSRC/src/test/regress/regress.c" "$PGSRC/contrib/spi/refint.c" "$PGSRC/contrib/spi/autoinc.c" "$dir/"
	printf '%s\n' 'MODULES = regress refint autoinc' 'override with_llvm = no' \
		"PGXS := \$(shell $PG_CONFIG --pgxs)" 'include $(PGXS)' >"$dir/Makefile"
	make -s -C "$dir" PG_CONFIG="$PG_CONFIG" >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; return 1; }
	[ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
	return 0
}
