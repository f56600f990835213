#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for the tests: Debian's server binaries, a data
# directory of its own, loopback only, never as root (as the `postgres` user when run by root).
#
#   scripts/postgres/cluster.sh start DIR   initialises DIR (if new), starts the server on a free
#                                            port, and prints its base URL (no database name)
#   scripts/postgres/cluster.sh stop DIR    stops it
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/../lib/common.sh"

action="${1:?usage: cluster.sh start|stop DIR}"
dir="${2:?usage: cluster.sh start|stop DIR}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/pg_ctl" ] || die "PostgreSQL's server is not installed (Debian package postgresql)"

# The server refuses to run as root: run it as Debian's `postgres` user then.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir/data" -U switchyard --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # Durability is not what the tests measure: fsync off keeps them fast on slow disks.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off" >/dev/null \
        || { tail -n 40 "$dir/server.log" >&2; die "the PostgreSQL server did not start"; }
    echo "postgres://switchyard@127.0.0.1:$port"
    ;;
stop)
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*) die "usage: cluster.sh start|stop DIR" ;;
esac
