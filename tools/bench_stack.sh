#!/usr/bin/env bash
# The load benchmark on the served stack (bench/load.py), loopback only, stops what it started.
#
#   tools/bench_stack.sh sqlite|postgres [SECONDS] [CONCURRENCY]
#
# sqlite:   gunicorn (config/gunicorn.py) on a SQLite file, the client straight to gunicorn.
# postgres: PostgreSQL (tools/postgres_for_tests.sh), gunicorn, and nginx from deploy/ in front.
# Both: the demo loaded and grown to 200 oral histories, one transcription job on the worker
# (run_worker) while the load runs. Three runs: the mix with the page cache, the crowd (kit
# story page and home page only) with it, and the mix without it. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?sqlite or postgres}
seconds=${2:-60}
concurrency=${3:-50}
bin=${BIN:-.venv/bin}
py="$bin/python"

# shellcheck source=tools/stack_lib.sh
source tools/stack_lib.sh
stack_begin libei-bench

export DATA_DIR="$work/data" DEBUG=0 TRANSCRIBE_ON_UPLOAD=0 SECRET_KEY=bench-only LOG_LEVEL=WARNING
export WHISPER_MODEL_DIR="$PWD/var/models"
mkdir -p "$DATA_DIR"
if [ "$mode" = postgres ]; then
  stack_postgres
fi
"$py" manage.py migrate --noinput --verbosity 0
"$py" manage.py collectstatic --noinput --verbosity 0
"$py" manage.py load_demo >/dev/null
"$py" manage.py load_demo_kit >/dev/null
"$py" manage.py search_index rebuild >/dev/null
"$py" bench/load.py grow --oral-histories 200
chmod -R a+rX "$DATA_DIR"

web_port=$(free_port)
env_web=(WEB_WORKERS="${WEB_WORKERS:-3}" PAGE_CACHE_SECONDS="${PAGE_CACHE_SECONDS:-300}")
if [ "$mode" = postgres ]; then env_web+=(BEHIND_PROXY=1 MEDIA_ACCEL_REDIRECT=/_protected/); fi
stack_gunicorn "$web_port" "$work/gunicorn.log" "${env_web[@]}"
# The same stack without the page cache, for the before/after ratio in the same run.
plain_port=$(free_port)
stack_gunicorn "$plain_port" "$work/gunicorn-plain.log" "${env_web[@]}" PAGE_CACHE_SECONDS=0
# Niced as deploy/systemd/libei-worker.service runs it (Nice=10): the transcription yields to pages.
nice -n 10 "$py" manage.py run_worker >"$work/worker.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$web_port"
if [ "$mode" = postgres ]; then
  stack_nginx "$web_port" off
  base="http://127.0.0.1:$nginx_port"
fi
stack_wait_for_page "$web_port"
stack_wait_for_page "$plain_port"
echo "--- $mode, page cache on: $concurrency visitors for $seconds s against $base"
"$py" bench/load.py run --base "$base" --seconds "$seconds" --concurrency "$concurrency"
# The crowd a QR code on a live stream sends: only the kit story page and the home page.
echo "--- $mode, page cache on, the crowd (kit story page and home page only) against $base"
"$py" bench/load.py run --base "$base" --seconds "$seconds" --concurrency "$concurrency" --only kit,home
# Straight to the uncached gunicorn (without nginx in postgres mode: the ratio is the cache's).
echo "--- $mode, page cache off (PAGE_CACHE_SECONDS=0), straight to gunicorn 127.0.0.1:$plain_port"
"$py" bench/load.py run --base "http://127.0.0.1:$plain_port" --seconds "$seconds" --concurrency "$concurrency"
