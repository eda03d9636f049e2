#!/usr/bin/env bash
# moto_server (the AWS emulator) on a free loopback port, for tests and benchmarks.
#
#   tests/harness/moto.sh start DIR [AUTH_AFTER]  -> prints the endpoint URL (http://127.0.0.1:PORT)
#   tests/harness/moto.sh stop DIR
#
# With AUTH_AFTER=N, moto verifies SigV4 signatures after its first N calls
# (INITIAL_NO_AUTH_ACTION_COUNT), so tests can create an IAM user and key, then sign for real.
set -euo pipefail
cmd=${1:?usage: moto.sh start|stop DIR [AUTH_AFTER]}
dir=${2:?usage: moto.sh start|stop DIR [AUTH_AFTER]}

case "$cmd" in
  start)
    mkdir -p "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    env ${3:+INITIAL_NO_AUTH_ACTION_COUNT=$3} setsid moto_server -H 127.0.0.1 -p "$port" \
      >"$dir/moto.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 200); do
      if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
        echo "http://127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "moto_server did not start; log:" >&2; cat "$dir/moto.log" >&2; exit 1
    ;;
  stop)
    if [[ -f $dir/pid ]]; then
      kill -- "-$(cat "$dir/pid")" 2>/dev/null || kill "$(cat "$dir/pid")" 2>/dev/null || true
      rm -f "$dir/pid"
    fi
    ;;
  *) echo "usage: moto.sh start|stop DIR [AUTH_AFTER]" >&2; exit 2 ;;
esac
