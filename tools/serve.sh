#!/usr/bin/env bash
# Serve the archive with the production stack: gunicorn (config/gunicorn.py) with whitenoise
# for static files, the task worker and the periodic scheduler, DEBUG off unless set.
# With `dev` as fourth argument: Django's runserver with DEBUG=1 and the worker.
# Stopping the script (Ctrl-C) stops every process it started.
#
#   tools/serve.sh BIN HOST PORT [dev]
set -euo pipefail
bin=$1 host=$2 port=$3 mode=${4:-production}
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

"$bin/python" manage.py run_worker &
pids+=($!)
if [ "$mode" = dev ]; then
  export DEBUG=1
  "$bin/python" manage.py runserver "$host:$port" &
  pids+=($!)
else
  "$bin/python" manage.py run_scheduler &
  pids+=($!)
  WEB_BIND="$host:$port" "$bin/gunicorn" --config config/gunicorn.py &
  pids+=($!)
fi
# The first process to end (or Ctrl-C) ends them all.
wait -n
