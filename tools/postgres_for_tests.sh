#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite (Debian's `postgresql` package).
#
#   tools/postgres_for_tests.sh run COMMAND…   start, run COMMAND with DATABASE_URL set, stop
#   tools/postgres_for_tests.sh start DIR      start a cluster in DIR; prints its DATABASE_URL
#   tools/postgres_for_tests.sh stop DIR       stop it and delete DIR
#
# The cluster trusts local connections, skips fsync and listens on 127.0.0.1 on a free
# port: it is for tests only and leaves nothing behind. As root the server runs as the
# `postgres` user (PostgreSQL refuses to run as root); otherwise as the caller.
set -euo pipefail

bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    echo "PostgreSQL server binaries not found: sudo apt-get install postgresql" >&2
    exit 1
  fi
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir=$1 bin port
  bin=$(bin_dir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres libei
  echo "postgres://postgres@127.0.0.1:$port/libei"
}

stop() {
  local dir=$1
  if [ -d "$dir/data" ]; then
    as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?start needs a directory}" ;;
  stop) stop "${2:?stop needs a directory}" ;;
  run)
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/libei-postgres.XXXXXX")
    trap 'stop "$dir"' EXIT
    DATABASE_URL=$(start "$dir")
    export DATABASE_URL
    echo "PostgreSQL for tests: $DATABASE_URL" >&2
    "$@"
    ;;
  *)
    echo "usage: $0 run COMMAND… | start DIR | stop DIR" >&2
    exit 2
    ;;
esac
