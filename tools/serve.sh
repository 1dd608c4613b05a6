#!/usr/bin/env bash
# Run the task worker beside the web server; stopping one (Ctrl-C) stops both.
set -euo pipefail
bin=$1 host=$2 port=$3
"$bin/python" manage.py db_worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
"$bin/python" manage.py runserver "$host:$port"
