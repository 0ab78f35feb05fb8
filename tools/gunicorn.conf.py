"""gunicorn settings of `make serve` (tools/serve.sh), a starting point for a
real deployment: the portal in `CKAN_INI` on 127.0.0.1, behind a reverse
proxy in production.

Environment: CKAN_INI (the ini file), PORTAL_PORT (5000), SERVE_WORKERS
(default 2 x CPUs + 1), SERVE_THREADS (default 1: sync workers).
"""

from __future__ import annotations

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The app factory: CKAN built from CKAN_INI, public files in front (WhiteNoise).
wsgi_app = "ckanext.ecologie.serving.wsgi:create_app()"

bind = f"127.0.0.1:{os.environ.get('PORTAL_PORT', '5000')}"

# Processes for the CPUs: a request spends most of its time in Python, under
# the GIL (gunicorn's rule of thumb: 2 x CPUs + 1). Sync workers, one request
# each: measured with `make load` they served as much as threaded ones
# (gthread, SERVE_THREADS=4) for less CPU per request, and the queue stays
# fair: a threaded worker keeps every keep-alive connection it accepted, so
# one busy worker's clients wait while another idles. A sync worker is held
# by a slow client: keep a buffering reverse proxy (nginx) in front.
workers = int(os.environ.get("SERVE_WORKERS") or 2 * len(os.sched_getaffinity(0)) + 1)
threads = int(os.environ.get("SERVE_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"

# No preload: each worker loads CKAN itself after the fork, as CKAN's own
# uWSGI setup does (`lazy-apps`). Loading opens a PostgreSQL connection
# (CKAN reads its migrations table) that forked workers would otherwise
# share, and plugins keep per-process state. It costs memory (no pages
# shared with the master) and a few seconds of start per worker.
preload_app = False

# A worker silent this long is killed and replaced (a stuck request); the
# slowest pages of the portal answer in a few seconds.
timeout = 60
# On stop or restart, requests under way get this long to finish.
graceful_timeout = 30
# Idle keep-alive connections are held this long (threaded workers only).
keepalive = 5
# Replace a worker after this many requests (memory growth of long-lived
# processes); the jitter keeps them from restarting all at once.
max_requests = 5000
max_requests_jitter = 500

# Request time in the access log (%(M)s: milliseconds); errors and CKAN's
# own log go to the terminal, as with `make dev`.
accesslog = os.path.join(ROOT, ".local", "logs", "access.log")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = "info"

# `make stop` stops the portal through this file, as for `make dev`.
pidfile = os.path.join(ROOT, ".local", "run", "portal.pid")
# gunicorn's control socket (`gunicornc`) in the project, not in $HOME.
control_socket = os.path.join(ROOT, ".local", "run", "gunicorn.ctl")
proc_name = "ckanext-ecologie"
