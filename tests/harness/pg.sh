#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on a free loopback port, for tests, benchmarks and the demo.
#
#   tests/harness/pg.sh start DIR   -> prints the connection URI (postgresql://...) on stdout
#   tests/harness/pg.sh stop DIR    -> stops the server (fast shutdown) and leaves DIR
#   tests/harness/pg.sh restart DIR -> restarts it on the same port (for fault tests)
#   tests/harness/pg.sh uri DIR     -> prints the URI of a running server
#
# The server listens on 127.0.0.1 only, trusts the superuser `postgres` locally, and has a
# password user `snaplake` (password in DIR/password) for authentication tests.
# Run as root (CI), the cluster is owned by the unprivileged `postgres` user, because initdb
# refuses to run as root.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|restart|uri DIR}
dir=${2:?usage: pg.sh start|stop|restart|uri DIR}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v initdb)")}

as_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

uri() { echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

start_server() {
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $(cat "$dir/port") -k $dir/socket" start >/dev/null
}

case "$cmd" in
  start)
    mkdir -p "$dir/socket"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) == 0 ]]; then chown -R postgres "$dir"; fi
    free_port >"$dir/port"
    echo "snaplake-test-$RANDOM$RANDOM" >"$dir/password"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 256MB
log_min_messages = warning
CONF
    # Local superuser by trust; the password user must authenticate (scram).
    cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
host all snaplake 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
    start_server
    "$PGBIN/psql" -q -X -v ON_ERROR_STOP=1 "$(uri)" \
      -c "CREATE ROLE snaplake LOGIN PASSWORD '$(cat "$dir/password")'" >/dev/null
    uri
    ;;
  stop)
    [[ -f $dir/data/postmaster.pid ]] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  restart)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    start_server
    ;;
  uri) uri ;;
  *) echo "usage: pg.sh start|stop|restart|uri DIR" >&2; exit 2 ;;
esac
