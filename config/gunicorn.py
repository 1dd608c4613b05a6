"""gunicorn's settings, the same for `make demo` (tools/serve.sh) and systemd (deploy/).

Three sync workers on two cores rather than the usual 2 × cores + 1: transcription runs on
the same machine (SERVING-AND-ARCHIVING.md §8). Downloads do not hold a worker in
production: nginx sends the files (X-Accel-Redirect) and buffers slow clients.
"""

import os

wsgi_app = "config.wsgi:application"
# Under systemd the socket comes from deploy/systemd/libei-web.socket and this is ignored.
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
# A facilitator's upload in the admin is probed and converted within the request; an hour
# of audio takes far longer than gunicorn's usual 30 s.
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows into an outage. Not every 1,000
# requests: a crowd scanning jars sends that many in a second, and each restart costs a
# worker about a second of CPU to load Django again (bench/load.py).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# nginx in front keeps the access log (deploy/nginx); writing it twice costs every request.
# WEB_ACCESS_LOG=- writes gunicorn's own to the journal (e.g. for `make demo` without nginx).
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
# systemd and tools/serve.sh manage gunicorn with signals; gunicorn's control socket (one
# path per user's home) would clash between two instances and is read-only under systemd.
control_socket_disable = True
