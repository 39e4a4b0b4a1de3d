#!/usr/bin/env bash
# Start (print its DATABASE_URL) or stop a disposable PostgreSQL cluster on 127.0.0.1.
set -euo pipefail
state="${TMPDIR:-/tmp}/passaparola-pg"
bin="$(dirname "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)")"
[ -x "$bin/pg_ctl" ] && [ -x "$bin/initdb" ] || exit 1
as_owner() {
  # PostgreSQL refuses to run as root; use its own system account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-}" in
  start)
    "$0" stop >/dev/null 2>&1 || true
    rm -rf "$state" && mkdir -p "$state"
    [ "$(id -u)" = 0 ] && chown postgres "$state"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    as_owner "$bin/initdb" -D "$state/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    as_owner "$bin/pg_ctl" -D "$state/data" -l "$state/log" -w \
      -o "-h 127.0.0.1 -p $port -k $state -F -c fsync=off -c full_page_writes=off -c max_connections=100" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/passaparola"
    ;;
  stop)
    [ -d "$state/data" ] && as_owner "$bin/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null
    rm -rf "$state"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
