# Shared helpers for the benchmarks in test/bench/ (sourced, not run).
#
# Every benchmark starts its own throwaway clusters: initdb into a mktemp -d
# directory owned by postgres, a unix socket in that directory only
# (listen_addresses = ''), a port in 55400-55499, and removes everything at
# exit.  The cluster "with" preloads migration_guard (mode = warn) and has the
# extension created in the database "bench"; the cluster "without" is the same
# server without the library.  Both run the same postgresql.conf otherwise.

set -euo pipefail

PG_CONFIG=${PG_CONFIG:-pg_config}
PGBIN=${PGBIN:-$($PG_CONFIG --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}
export LC_ALL=C

# --full selects the longer runs; QUICK=0 in the environment does the same.
FULL=0
for arg in "$@"; do
	case "$arg" in
		--full) FULL=1 ;;
		--quick) FULL=0 ;;
		-h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "unknown argument: $arg (use --full or --quick)" >&2; exit 2 ;;
	esac
done
if [ "${QUICK:-1}" = 0 ]; then FULL=1; fi

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

[ -x "$PGBIN/initdb" ] || die "no initdb in $PGBIN (set PG_CONFIG or PGBIN)"
[ -f "$($PG_CONFIG --pkglibdir)/migration_guard.so" ] ||
	die "migration_guard is not installed: run make && make install first"

# Run a command as postgres (we are root) or as ourselves (we are postgres).
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" != 0 ] && [ "$(id -un)" != postgres ]; then
	die "run as root or as postgres"
fi

SCRATCH=$(mktemp -d /tmp/mgbench.XXXXXX)
chmod 755 "$SCRATCH"
[ "$(id -u)" = 0 ] && chown postgres: "$SCRATCH"
CLUSTERS=()

cleanup() {
	local dir
	for dir in "${CLUSTERS[@]+"${CLUSTERS[@]}"}"; do
		as_pg "$PGBIN/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# make_datadir DIR: initdb (trust auth, no locale surprises).
make_datadir() {
	local dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	chmod 700 "$dir"
	as_pg "$PGBIN/initdb" -D "$dir" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --locale=C >"$dir.initdb.log" 2>&1 ||
		{ cat "$dir.initdb.log" >&2; die "initdb failed"; }
}

# Settings of every benchmark cluster.  fsync is off so that the figures
# measure CPU, where the extension's cost lies, not the shared disk.
BENCH_CONF="fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min
log_min_messages = warning
log_min_error_statement = panic
logging_collector = off
jit = off"

# start_cluster NAME PORT with|without [extra postgresql.conf lines]
# Sets the variables NAME_dir and NAME_port.
start_cluster() {
	local name=$1 port=$2 kind=$3 extra=${4:-}
	local dir="$SCRATCH/$name"
	make_datadir "$dir"
	{
		echo "$BENCH_CONF"
		if [ "$kind" = with ]; then
			echo "shared_preload_libraries = 'migration_guard'"
			echo "migration_guard.mode = warn"
		fi
		printf '%s\n' "$extra"
	} >>"$dir/postgresql.conf"
	CLUSTERS+=("$dir")
	as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$dir.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=''" start >/dev/null ||
		{ cat "$dir.log" >&2; die "could not start cluster $name on port $port"; }
	printf -v "${name}_dir" '%s' "$dir"
	printf -v "${name}_port" '%s' "$port"
	as_pg "$PGBIN/createdb" -h "$dir" -p "$port" -U postgres bench
	if [ "$kind" = with ]; then
		q "$name" -c "CREATE EXTENSION migration_guard" >/dev/null
	fi
}

# stop_cluster NAME: stop it and remove its directory.
stop_cluster() {
	local dir_var="${1}_dir" i
	local dir=${!dir_var}
	as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
	for i in "${!CLUSTERS[@]}"; do
		[ "${CLUSTERS[$i]}" = "$dir" ] && unset 'CLUSTERS[i]'
	done
	rm -rf "$dir" "$dir.log" "$dir.initdb.log"
}

# q NAME [psql args...]: psql on database bench of cluster NAME, quiet, stop on error.
q() {
	local name=$1; shift
	local dir_var="${name}_dir" port_var="${name}_port"
	"$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "${!dir_var}" -p "${!port_var}" \
		-U postgres -d "${PGDATABASE_BENCH:-bench}" "$@"
}

# pgb NAME [pgbench args...]
pgb() {
	local name=$1; shift
	local dir_var="${name}_dir" port_var="${name}_port"
	"$PGBIN/pgbench" -h "${!dir_var}" -p "${!port_var}" -U postgres "$@" bench
}

# tps_of FILE: the tps figure of a pgbench output (without initial connection time).
tps_of() { sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$1" | tail -1; }
# lat_of FILE: the average latency in ms of a pgbench output.
lat_of() { sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$1" | tail -1; }

# txns_of FILE: the number of transactions of a pgbench output.
txns_of() { sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$1" | tail -1; }

# cpu_ticks NAME: CPU time (clock ticks) used so far by the server processes of
# cluster NAME: the postmaster, its live children, and its exited children
# (backends, once reaped, count in the postmaster's cutime/cstime).  Unlike
# wall-clock time it is hardly affected by other load on the machine.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {
	local dir_var="${1}_dir" pm
	pm=$(head -1 "${!dir_var}/postmaster.pid")
	{ cat "/proc/$pm/stat"; for c in $(pgrep -P "$pm"); do cat "/proc/$c/stat" 2>/dev/null || true; done; } |
		awk -v pm="$pm" '{ sub(/^.*\) /, ""); t += $12 + $13; if (NR == 1) t += $14 + $15 } END { print t }'
}

# measured_pgbench NAME OUT [pgbench args...]: one pgbench run on cluster NAME,
# output in OUT; sets LAST_TPS, LAST_LAT (ms) and LAST_CPU (server CPU µs per transaction).
measured_pgbench() {
	local name=$1 out=$2 t0 t1 n; shift 2
	sleep 0.5
	t0=$(cpu_ticks "$name")
	pgb "$name" "$@" >"$out" 2>&1 || { cat "$out" >&2; die "pgbench $* on $name failed"; }
	sleep 0.5
	t1=$(cpu_ticks "$name")
	n=$(txns_of "$out")
	LAST_TPS=$(tps_of "$out")
	LAST_LAT=$(lat_of "$out")
	LAST_CPU=$(calc "($t1 - $t0) * 1000000 / $CLK_TCK / $n")
}

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'; }
# calc EXPR: floating-point arithmetic
calc() { awk "BEGIN { print $1 }"; }
fmt() { awk -v x="$2" "BEGIN { printf \"$1\", x }"; }
# verdict VALUE TARGET: "ok" when VALUE >= TARGET
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "ok" : "**below**" }'; }

# build_id: which migration_guard.so was measured (checksum; git commit when run from the repository).
build_id() {
	local sum head
	sum=$(md5sum "$($PG_CONFIG --pkglibdir)/migration_guard.so" | cut -c1-8)
	head=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || true)
	echo "migration_guard.so md5 $sum${head:+, source at $head}"
}

BUILD_ID=$(build_id)	# at start: the library the clusters load

machine_line() {
	local pgv
	pgv=$("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')
	echo "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(nproc) cores, PostgreSQL $pgv, $(date -u +%Y-%m-%d), $BUILD_ID"
}
