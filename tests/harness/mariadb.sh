#!/usr/bin/env bash
# A throwaway MariaDB 10.11 (Debian's mariadb-server) on a free loopback port, for tests and
# benchmarks of the MySQL/MariaDB source.
#
#   tests/harness/mariadb.sh start DIR   -> prints the admin URI (mysql://root@127.0.0.1:PORT/)
#   tests/harness/mariadb.sh stop DIR    -> stops the server and leaves DIR
#   tests/harness/mariadb.sh restart DIR -> kills it and starts it again on the same port
#   tests/harness/mariadb.sh uri DIR     -> prints the URI of a running server
#
# The server listens on 127.0.0.1 only (its socket is DIR/socket/mysqld.sock, so it clashes with
# no other server), reads no option file but its own DIR/my.cnf, and has the binary log on (the
# snapshot records its position). `root` has no password from 127.0.0.1 and the socket; a
# password user `snaplake` (password in DIR/password) is there for authentication tests. The
# server's time zone is +05:30 on purpose, so that tests show TIMESTAMP is read in UTC whatever
# the server's zone. Run as root (CI), the server runs as the unprivileged `mysql` user, as
# mariadbd refuses to run as root without --user.
set -euo pipefail

cmd=${1:?usage: mariadb.sh start|stop|restart|uri DIR}
dir=${2:?usage: mariadb.sh start|stop|restart|uri DIR}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

uri() { echo "mysql://root@127.0.0.1:$(cat "$dir/port")/"; }

client() { mariadb --no-defaults --socket="$dir/socket/mysqld.sock" -uroot "$@"; }

start_server() {
  local user_opt=()
  [[ $(id -u) == 0 ]] && user_opt=(--user=mysql)
  # mariadbd stays in the foreground; setsid detaches it from the caller's terminal and job.
  setsid mariadbd --defaults-file="$dir/my.cnf" "${user_opt[@]}" >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 600); do
    if mariadb-admin --no-defaults --socket="$dir/socket/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  echo "mariadb.sh: the server did not start; its log:" >&2
  tail -n 30 "$dir/server.log" >&2
  exit 1
}

stop_server() {
  [[ -f $dir/pid ]] || return 0
  local pid
  pid=$(cat "$dir/pid")
  kill "-${1:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/pid"
}

case "$cmd" in
  start)
    mkdir -p "$dir/socket" "$dir/data"
    dir=$(cd "$dir" && pwd)
    free_port >"$dir/port"
    echo "snaplake-test-$RANDOM$RANDOM" >"$dir/password"
    cat >"$dir/my.cnf" <<CONF
[mariadbd]
datadir = $dir/data
port = $(cat "$dir/port")
bind-address = 127.0.0.1
socket = $dir/socket/mysqld.sock
pid-file = $dir/mysqld.pid
log-error = $dir/server.log
skip-name-resolve
log-bin = $dir/data/binlog
server-id = 1
default-time-zone = '+05:30'
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
max-connections = 200
innodb-buffer-pool-size = 256M
innodb-log-file-size = 64M
innodb-flush-log-at-trx-commit = 0
sync-binlog = 0
CONF
    if [[ $(id -u) == 0 ]]; then chown -R mysql "$dir"; fi
    install_user=()
    [[ $(id -u) == 0 ]] && install_user=(--user=mysql)
    mariadb-install-db --defaults-file="$dir/my.cnf" "${install_user[@]}" --skip-test-db \
      --auth-root-authentication-method=normal --skip-name-resolve >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; exit 1; }
    start_server
    client -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      CREATE USER 'snaplake'@'%' IDENTIFIED BY '$(cat "$dir/password")';
      GRANT ALL PRIVILEGES ON *.* TO 'snaplake'@'%';"
    uri
    ;;
  stop) stop_server TERM ;;
  restart)
    stop_server KILL
    start_server
    ;;
  uri) uri ;;
  *) echo "usage: mariadb.sh start|stop|restart|uri DIR" >&2; exit 2 ;;
esac
