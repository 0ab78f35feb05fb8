#!/usr/bin/env bash
# `make serve` after `make services`: the portal of `make dev` (its dev.ini
# and database) under gunicorn with several workers, as in production
# (tools/gunicorn.conf.py), on http://127.0.0.1:5000, in the foreground.
# It changes nothing in the database: run `make dev` once first.
set -euo pipefail
cd "$(dirname "$0")/.."

PORTAL_PORT=${PORTAL_PORT:-5000}
CKAN=".venv/bin/ckan"

die() { echo "error: $*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORTAL_PORT/health" || true; }

[ -f dev.ini ] || die "no dev.ini: run make dev once first (it writes dev.ini and loads the demo catalogue)"
[ -s .local/admin-password ] || die "the demo catalogue is not loaded: run make dev once first"
[ -x .venv/bin/gunicorn ] || die "gunicorn is not installed: run make venv"
port_open "$PORTAL_PORT" && die "port $PORTAL_PORT is taken (a portal already running? make stop stops it): stop it or run with PORTAL_PORT=<free port>"

# The same ini as make dev, but the portal's address follows PORTAL_PORT.
"$CKAN" config-tool dev.ini "ckan.site_url = http://127.0.0.1:$PORTAL_PORT" >/dev/null

# Bundles built before the start are served by WhiteNoise (see
# ckanext/ecologie/serving/static.py); later ones would go through CKAN.
"$CKAN" -c dev.ini asset build >.local/logs/serve-assets.log 2>&1 \
    || die "building the web assets failed: see .local/logs/serve-assets.log"

tools/services.sh consumers dev.ini
tools/services.sh worker dev.ini
tools/services.sh mail-sink

export CKAN_INI="$PWD/dev.ini" PORTAL_PORT
.venv/bin/gunicorn -c tools/gunicorn.conf.py &
gunicorn=$!
stop_portal() { kill -TERM "$gunicorn" 2>/dev/null; wait "$gunicorn" 2>/dev/null || true; }
# Ctrl-C reaches gunicorn too; `make stop` stops it through .local/run/portal.pid.
trap stop_portal INT TERM

# Each worker loads CKAN (a few seconds): the portal is up when /health answers.
for _ in $(seq 240); do
    status=$(health)
    [ "$status" = 200 ] && break
    [ "$status" = 503 ] && { stop_portal; die "the portal answers but its database does not: make services, then see the log above"; }
    kill -0 "$gunicorn" 2>/dev/null || die "gunicorn exited: see the log above"
    sleep 0.5
done
[ "$status" = 200 ] || { stop_portal; die "the portal does not answer on port $PORTAL_PORT after 2 minutes: see the log above"; }
echo "[serve] portal on http://127.0.0.1:$PORTAL_PORT under gunicorn (tools/gunicorn.conf.py); access log in .local/logs/access.log; Ctrl-C or make stop stops it"
wait "$gunicorn"
