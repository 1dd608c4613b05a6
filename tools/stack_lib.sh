# shellcheck shell=bash
# The start-up lines tools/ci_production.sh and tools/bench_stack.sh share (sourced, not run):
# a work folder, free loopback ports, PostgreSQL, gunicorn, nginx rendered from deploy/, a wait
# until a server answers a page, and one clean-up (the EXIT trap) that stops all of it.
# The caller sets `bin` (the virtualenv's bin folder) and runs from the repository's root.

stack_begin() {  # PREFIX: a fresh $work folder; every process started is stopped on exit
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  # nginx's workers (not root) read STATIC_ROOT and the data folder; the secret key stays 0600.
  chmod 755 "$work"
  pids=()
  trap stack_cleanup EXIT INT TERM
}

stack_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx/nginx.pid" ]; then
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [ -d "$work/postgres" ]; then bash tools/postgres_for_tests.sh stop "$work/postgres" || true; fi
  if [ "$status" -ne 0 ]; then
    echo "--- gunicorn log"; tail -n 40 "$work/gunicorn.log" 2>/dev/null || true
    echo "--- nginx error log"; tail -n 20 "$work/nginx/error.log" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stack_postgres() {  # a throw-away cluster in $work/postgres; exports DATABASE_URL
  DATABASE_URL=$(bash tools/postgres_for_tests.sh start "$work/postgres")
  export DATABASE_URL
}

stack_gunicorn() {  # PORT LOG [VAR=value …]: gunicorn (config/gunicorn.py) on 127.0.0.1:PORT
  local port=$1 log=$2
  shift 2
  env "$@" WEB_BIND="127.0.0.1:$port" "$bin/gunicorn" --config config/gunicorn.py >"$log" 2>&1 &
  pids+=($!)
}

stack_nginx() {  # UPSTREAM_PORT [ACCESS_LOG]: nginx from deploy/ in front of it; sets nginx_port
  local upstream=$1 access_log=${2:-$work/nginx/access.log}
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
    default_type application/octet-stream;
    access_log $access_log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream libei_app { server 127.0.0.1:$upstream fail_timeout=0; }
    server {
        listen 127.0.0.1:$nginx_port;
        server_name localhost;
        include $work/nginx/libei-locations.conf;
    }
}
CONF
  nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
}

stack_wait_for_page() {  # PORT: until gunicorn answers a page (at most 5 minutes)
  # Not only accepts: its master listens long before its workers have loaded Django on a busy machine.
  "$bin/python" -c 'import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=60).read()
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("gunicorn did not answer")' "$1"
}
