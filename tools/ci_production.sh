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

# shellcheck source=tools/stack_lib.sh
source tools/stack_lib.sh
stack_begin libei-production

step() { echo "--- $(($(date +%s) - started)) s: $*"; }

# The demo's settings (DEBUG off, plain http); only the data folder and database are our own.
export DATA_DIR="$work/data" DEBUG=0 TRANSCRIBE_ON_UPLOAD=0
unset SECRET_KEY
mkdir -p "$DATA_DIR"
stack_postgres
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
stack_gunicorn "$web_port" "$work/gunicorn.log" BEHIND_PROXY=1 MEDIA_ACCEL_REDIRECT=/_protected/ WEB_WORKERS=3
stack_nginx "$web_port"
stack_wait_for_page "$web_port"

step "smoke crawl through nginx (http://127.0.0.1:$nginx_port)"
"$py" tools/smoke_crawl.py "http://127.0.0.1:$nginx_port" "$DATA_DIR/demo-seller-password.txt"
echo "production path: passed in $(($(date +%s) - started)) s"
