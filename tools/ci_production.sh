#!/usr/bin/env bash
# CI: the production path on loopback — PostgreSQL, gunicorn and nginx (built from deploy/),
# the demo loaded, `check --deploy` with the production variables (no warning allowed), and a
# smoke crawl through nginx (tools/smoke_crawl.py). Stops everything it started.
#
#   tools/ci_production.sh [BIN]      (BIN: the virtualenv's bin folder, default .venv/bin)
#
# Needs the Debian packages postgresql and nginx (`make test` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.venv/bin}
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/libei-production.XXXXXX")
# nginx's workers (not root) read STATIC_ROOT; the secret key stays 0600 inside.
chmod 755 "$work"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  wait 2>/dev/null || true
  bash tools/postgres_for_tests.sh stop "$work/postgres" || true
  if [ "$status" -ne 0 ]; then
    echo "--- gunicorn log"; tail -n 40 "$work/gunicorn.log" 2>/dev/null || true
    echo "--- nginx error log"; tail -n 20 "$work/nginx/error.log" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

step() { echo "--- $(($(date +%s) - started)) s: $*"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The demo's settings (DEBUG off, plain http); only the data folder and database are our own.
export DATA_DIR="$work/data" DEBUG=0 TRANSCRIBE_ON_UPLOAD=0
unset SECRET_KEY
mkdir -p "$DATA_DIR"
DATABASE_URL=$(bash tools/postgres_for_tests.sh start "$work/postgres")
export DATABASE_URL
echo "PostgreSQL: $DATABASE_URL"

py="$bin/python"
# collectstatic (compressing every file) needs no database: it runs beside the rest.
step "collectstatic (in the background), migrate"
"$py" manage.py collectstatic --noinput --verbosity 0 >"$work/collectstatic.log" 2>&1 &
collect=$!
"$py" manage.py migrate --noinput --verbosity 0

step "check --deploy (in the background), load_demo, load_demo_kit, search_index rebuild"
# The production variables of deploy/env.example; any warning fails the run.
SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 SECURE_HSTS_SECONDS=3600 SECURE_HSTS_INCLUDE_SUBDOMAINS=1 \
  SECURE_HSTS_PRELOAD=1 BEHIND_PROXY=1 ALLOWED_HOSTS=archive.example.org \
  "$py" manage.py check --deploy --fail-level WARNING >"$work/check.txt" 2>&1 &
check=$!
"$py" manage.py load_demo >/dev/null
"$py" manage.py load_demo_kit
"$py" manage.py search_index rebuild

step "manage.py check --deploy with the production variables"
check_status=0
wait "$check" || check_status=$?
cat "$work/check.txt"
if [ "$check_status" -ne 0 ] || grep -q "WARNINGS\|ERRORS" "$work/check.txt"; then
  echo "check --deploy reported problems" >&2
  exit 1
fi
if ! wait "$collect"; then
  cat "$work/collectstatic.log" >&2
  exit 1
fi
chmod -R a+rX "$DATA_DIR/static"

web_port=$(free_port)
step "gunicorn and nginx"
# As behind the production nginx: believe its forwarded headers, let it send media files.
BEHIND_PROXY=1 MEDIA_ACCEL_REDIRECT=/_protected/ WEB_BIND="127.0.0.1:$web_port" WEB_WORKERS=3 "$bin/gunicorn" --config config/gunicorn.py \
  >"$work/gunicorn.log" 2>&1 &
pids+=($!)

# nginx from deploy/: the same locations, with this run's paths and upstream, plain http.
nginx_port=$(free_port)
mkdir -p "$work/nginx/tmp"
sed -e "s#/srv/libei/var/#$DATA_DIR/#g" deploy/nginx/libei-locations.conf >"$work/nginx/libei-locations.conf"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream libei_app { server 127.0.0.1:$web_port fail_timeout=0; }
    server {
        listen 127.0.0.1:$nginx_port;
        server_name localhost;
        include $work/nginx/libei-locations.conf;
    }
}
EOF
nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"

# Wait (at most 60 s) until gunicorn listens.
"$py" -c 'import socket, sys, time
for _ in range(120):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        time.sleep(0.5)' "$web_port"

step "smoke crawl through nginx (http://127.0.0.1:$nginx_port)"
"$py" tools/smoke_crawl.py "http://127.0.0.1:$nginx_port" "$DATA_DIR/demo-seller-password.txt"
echo "production path: passed in $(($(date +%s) - started)) s"
