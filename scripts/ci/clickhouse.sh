#!/usr/bin/env bash
# A throwaway ClickHouse server for the contract tests: loopback only, HTTP 18123, native TCP 19000, no
# interserver port, config/data/logs in one temporary folder. Needs clickhouse-server installed (Debian:
# apt-get install -y clickhouse-server clickhouse-client, which is 18.16); installs nothing itself.
#
#   scripts/ci/clickhouse.sh          start (exit 0 at once if something already answers on 18123)
#   scripts/ci/clickhouse.sh stop     stop the server this script started, remove its folder
#
# Prints the URL for CRUMBTRAIL_TEST_CLICKHOUSE_URL: clickhouse://default@127.0.0.1:18123
set -euo pipefail

HTTP_PORT=18123
PING_URL="http://127.0.0.1:${HTTP_PORT}/ping"
CRUMBTRAIL_URL="clickhouse://default@127.0.0.1:${HTTP_PORT}"
DIR="${CRUMBTRAIL_CLICKHOUSE_DIR:-${TMPDIR:-/tmp}/crumbtrail-clickhouse}"
PID_FILE="${DIR}/clickhouse-server.pid"
CONFIG_TEMPLATES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/clickhouse-config"
START_TIMEOUT_S=60
STOP_TIMEOUT_S=30

say() { echo "clickhouse.sh: $*" >&2; }

# The folder is wiped on start and stop; never let a stray setting point that at something important.
case "$DIR" in
  "" | / | "$HOME" | /tmp | /var | /usr | /etc) say "refusing to use ${DIR:-an empty path} as the server's folder"; exit 2 ;;
esac

# GET a path on the test server, printing the body; curl when present, else bash's /dev/tcp (minimal CI images).
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl --silent --max-time 2 "http://127.0.0.1:${HTTP_PORT}$1"
    return
  fi
  (
    exec 3<>"/dev/tcp/127.0.0.1/${HTTP_PORT}" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
    timeout 2 cat <&3 | sed '1,/^\r$/d'
  ) 2>/dev/null
}

answers_ping() {
  # /ping answers "Ok." without credentials or a query: the server is up and serving HTTP.
  [ "$(http_get /ping || true)" = "Ok." ]
}

server_pid() {
  [ -s "$PID_FILE" ] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid file outliving its server may name a reused pid: only a process running clickhouse counts.
  if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q clickhouse; then return 1; fi
  echo "$pid"
}

find_server() {
  if command -v clickhouse-server >/dev/null 2>&1; then command -v clickhouse-server; return; fi
  # Debian installs it in /usr/sbin, which a non-root PATH often lacks.
  for candidate in /usr/sbin/clickhouse-server /usr/bin/clickhouse-server; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  # Upstream packages ship a single `clickhouse` binary with a `server` mode.
  if command -v clickhouse >/dev/null 2>&1; then echo "$(command -v clickhouse) server"; return; fi
  return 1
}

start() {
  if answers_ping; then
    say "a ClickHouse server already answers on ${PING_URL}; using it"
    echo "$CRUMBTRAIL_URL"
    return 0
  fi
  local server
  if ! server="$(find_server)"; then
    say "clickhouse-server is not installed (Debian: apt-get install -y clickhouse-server clickhouse-client)"
    return 1
  fi
  if pid="$(server_pid)"; then
    say "server ${pid} from an earlier run is alive but not answering; stopping it first"
    stop
  fi

  rm -rf "$DIR"
  mkdir -p "$DIR"/{data,tmp,log,user_files,format_schemas}
  # The config names its folders by absolute path, so the templates carry @DIR@ for this run's folder.
  sed "s#@DIR@#${DIR}#g" "$CONFIG_TEMPLATES/config.xml" >"$DIR/config.xml"
  cp "$CONFIG_TEMPLATES/users.xml" "$DIR/users.xml"

  # Runs as the invoking user (root in CI): 18.16 does not refuse root, and every path it writes is in $DIR.
  # --daemon forks, writes the pid file, and logs to $DIR/log.
  # shellcheck disable=SC2086 # $server may be "clickhouse server"
  if ! $server --config-file="$DIR/config.xml" --pid-file="$PID_FILE" --daemon >"$DIR/log/stdout.log" 2>&1; then
    say "clickhouse-server failed to start:"
    tail -n 40 "$DIR/log/stdout.log" "$DIR/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    return 1
  fi

  local waited=0
  until answers_ping; do
    local problem=""
    if [ "$waited" -ge 2 ] && ! server_pid >/dev/null; then
      problem="the server exited during start-up"
    elif [ "$waited" -ge "$START_TIMEOUT_S" ]; then
      problem="no answer from ${PING_URL} after ${START_TIMEOUT_S} s"
    fi
    if [ -n "$problem" ]; then
      say "${problem}; the logs' last lines:"
      tail -n 40 "$DIR/log/clickhouse-server.err.log" "$DIR/log/stderr.log" "$DIR/log/stdout.log" >&2 2>/dev/null || true
      stop >/dev/null 2>&1 || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ClickHouse $(http_get '/?query=SELECT%20version()' || echo '?') ready after ${waited} s (pid $(server_pid || echo '?'), folder ${DIR})"
  echo "$CRUMBTRAIL_URL"
}

stop() {
  local pid
  if ! pid="$(server_pid)"; then
    say "no server started by this script is running"
    rm -rf "$DIR"
    return 0
  fi
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$STOP_TIMEOUT_S" ]; then
      say "server ${pid} ignored SIGTERM for ${STOP_TIMEOUT_S} s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rm -rf "$DIR"
  say "stopped server ${pid}"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *)
    say "usage: $0 [start|stop]"
    exit 2
    ;;
esac
