#!/usr/bin/env bash
# The load benchmark on the served stack (bench/load.py), loopback only, stops what it started.
#
#   tools/bench_stack.sh sqlite|postgres [SECONDS] [CONCURRENCY]
#
# sqlite:   gunicorn (config/gunicorn.py) on a SQLite file, the client straight to gunicorn.
# postgres: PostgreSQL (tools/postgres_for_tests.sh), gunicorn, and nginx from deploy/ in front.
# Both: the demo loaded and grown to 200 oral histories, one transcription job on the worker
# (db_worker) while the load runs. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?sqlite or postgres}
seconds=${2:-60}
concurrency=${3:-50}
bin=${BIN:-.venv/bin}
py="$bin/python"

work=$(mktemp -d "${TMPDIR:-/tmp}/libei-bench.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  wait 2>/dev/null || true
  bash tools/postgres_for_tests.sh stop "$work/postgres" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

export DATA_DIR="$work/data" DEBUG=0 TRANSCRIBE_ON_UPLOAD=0 SECRET_KEY=bench-only LOG_LEVEL=WARNING
export WHISPER_MODEL_DIR="$PWD/var/models"
mkdir -p "$DATA_DIR"
if [ "$mode" = postgres ]; then
  DATABASE_URL=$(bash tools/postgres_for_tests.sh start "$work/postgres")
  export DATABASE_URL
fi
"$py" manage.py migrate --noinput --verbosity 0
"$py" manage.py collectstatic --noinput --verbosity 0
"$py" manage.py load_demo >/dev/null
"$py" manage.py load_demo_kit >/dev/null
"$py" manage.py search_index rebuild >/dev/null
"$py" bench/load.py grow --oral-histories 200
chmod -R a+rX "$DATA_DIR"

web_port=$(free_port)
env_web=(WEB_BIND="127.0.0.1:$web_port" WEB_WORKERS="${WEB_WORKERS:-3}" PAGE_CACHE_SECONDS="${PAGE_CACHE_SECONDS:-300}")
if [ "$mode" = postgres ]; then env_web+=(BEHIND_PROXY=1 MEDIA_ACCEL_REDIRECT=/_protected/); fi
env "${env_web[@]}" "$bin/gunicorn" --config config/gunicorn.py >"$work/gunicorn.log" 2>&1 &
pids+=($!)
# The same stack without the page cache, for the before/after ratio in the same run.
plain_port=$(free_port)
env "${env_web[@]}" WEB_BIND="127.0.0.1:$plain_port" PAGE_CACHE_SECONDS=0 "$bin/gunicorn" --config config/gunicorn.py \
  >"$work/gunicorn-plain.log" 2>&1 &
pids+=($!)
"$py" manage.py db_worker >"$work/worker.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$web_port"

if [ "$mode" = postgres ]; then
  nginx_port=$(free_port)
  mkdir -p "$work/nginx/tmp"
  sed -e "s#/srv/libei/var/#$DATA_DIR/#g" deploy/nginx/libei-locations.conf >"$work/nginx/libei-locations.conf"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream libei_app { server 127.0.0.1:$web_port fail_timeout=0; }
    server { listen 127.0.0.1:$nginx_port; server_name localhost; include $work/nginx/libei-locations.conf; }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
  base="http://127.0.0.1:$nginx_port"
fi

# Wait (at most 5 minutes) until each gunicorn answers a page, not only accepts: its master
# listens long before its workers have loaded Django on a busy machine.
for port in "$web_port" "$plain_port"; do
  "$py" -c 'import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=60).read()
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("gunicorn did not answer")' "$port"
done
echo "--- $mode, page cache on: $concurrency visitors for $seconds s against $base"
"$py" bench/load.py run --base "$base" --seconds "$seconds" --concurrency "$concurrency"
# Straight to the uncached gunicorn (without nginx in postgres mode: the ratio is the cache's).
echo "--- $mode, page cache off (PAGE_CACHE_SECONDS=0), straight to gunicorn 127.0.0.1:$plain_port"
"$py" bench/load.py run --base "http://127.0.0.1:$plain_port" --seconds "$seconds" --concurrency "$concurrency"
