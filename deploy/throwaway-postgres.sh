#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a directory of its own, on loopback: for the tests and for
# deploy/local-cluster.sh. Uses Debian's postgresql package (initdb + pg_ctl), no system service.
#
#   throwaway-postgres.sh start DIR [PORT]   creates DIR, starts the cluster (on PORT, or a free one),
#                                            creates the database 'miniserve' owned by the user
#                                            'miniserve' (trust authentication, 127.0.0.1 only), and
#                                            prints the port as its last line
#   throwaway-postgres.sh stop DIR           stops it (DIR is left for the caller to delete)
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the 'postgres' user that the
# package creates, and DIR is handed to that user.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

die() { echo "throwaway-postgres: $*" >&2; exit 2; }

bindir() {
  local d
  # The newest major version under Debian's layout, else whatever is on the PATH.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return
  fi
  die "PostgreSQL's server programs (initdb, pg_ctl) are not installed; install Debian's package: apt-get install postgresql (as root: bash deploy/debian-packages.sh, which CI runs)"
}

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || die "usage: $0 start DIR [PORT] | stop DIR"
BIN="$(bindir)"

case "$cmd" in
  start)
    port="${3:-$(free_port)}" || die "no free port found on 127.0.0.1"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [[ "$(id -u)" == 0 ]]; then
      id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user of Debian's postgresql package"
      chown postgres: "$dir"
    fi
    as_owner "$BIN/initdb" -D "$dir/data" -U miniserve -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
      || { tail -5 "$dir/initdb.log" >&2; die "initdb failed (log: $dir/initdb.log)"; }
    # Sockets in DIR, TCP on loopback only.
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=50" start >"$dir/pg_ctl.log" 2>&1 \
      || { tail -5 "$dir/postgres.log" >&2 2>/dev/null; die "the server did not start (log: $dir/postgres.log)"; }
    "$BIN/createdb" -h 127.0.0.1 -p "$port" -U miniserve miniserve \
      || die "could not create the database 'miniserve'"
    echo "$port"
    ;;
  stop)
    [[ -d "$dir/data" ]] || exit 0
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    ;;
  *)
    die "usage: $0 start DIR [PORT] | stop DIR"
    ;;
esac
