#!/usr/bin/env bash
# `make dev` after `make services`: dev.ini, migrations, sysadmin, the demo
# catalogue harvested from files served on 127.0.0.1, then the portal in the
# foreground on http://127.0.0.1:5000. Every step keeps what already exists.
set -euo pipefail
cd "$(dirname "$0")/.."

PORTAL_PORT=${PORTAL_PORT:-5000}
DEMO_PORT=${DEMO_PORT:-8766}
PLUGINS="ecologie ecologie_proconnect ecologie_organizations harvest ckan_harvester dcat dcat_rdf_harvester activity datastore image_view ecologie_dcat_harvester ecologie_csw_harvester ecologie_udata_harvester"
CKAN=".venv/bin/ckan"

die() { echo "error: $*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port_open "$PORTAL_PORT" && die "port $PORTAL_PORT is taken (a portal already running?): stop it or run with PORTAL_PORT=<free port>"

if [ ! -f dev.ini ]; then
    "$CKAN" generate config dev.ini >/dev/null
    echo "[dev] generated dev.ini"
fi
# Settings of this project, re-applied on every run; secrets stay as generated.
"$CKAN" config-tool dev.ini \
    "sqlalchemy.url = postgresql://ckan:ckan@127.0.0.1:${PG_PORT:-5433}/ckan_dev" \
    "solr_url = http://127.0.0.1:${SOLR_PORT:-8983}/solr/ckan" \
    "ckan.redis.url = redis://127.0.0.1:${REDIS_PORT:-6380}/0" \
    "ckan.site_url = http://127.0.0.1:$PORTAL_PORT" \
    "ckan.site_id = ecologie_dev" \
    "ckan.devserver.host = 127.0.0.1" \
    "ckan.devserver.port = $PORTAL_PORT" \
    "ckan.storage_path = $PWD/.local/storage-dev" \
    "ckan.plugins = $PLUGINS" \
    "ckan.datastore.write_url = postgresql://ckan:ckan@127.0.0.1:${PG_PORT:-5433}/datastore_dev" \
    "ckan.datastore.read_url = postgresql://datastore_ro:datastore@127.0.0.1:${PG_PORT:-5433}/datastore_dev" \
    "ckan.locale_default = fr" \
    "ckan.locales_offered = fr en" \
    "ckan.site_title = Catalogue de la transition écologique" \
    "ckan.harvest.mq.type = redis" \
    "ckan.harvest.mq.hostname = 127.0.0.1" \
    "ckan.harvest.mq.port = ${REDIS_PORT:-6380}" \
    "ckan.harvest.mq.redis_db = 0" \
    "ckanext.dcat.clean_tags = true" \
    "smtp.server = 127.0.0.1:${MAIL_PORT:-8025}" \
    "smtp.mail_from = catalogue@example.org" \
    "ckanext.ecologie.feedback.recipient = equipe@example.org" \
    "ckanext.dcat.rdf.profiles = euro_dcat_ap_3 dcat_ap_fr" \
    "ckanext.ecologie.proconnect.discovery_url = http://127.0.0.1:${OIDC_PORT:-8089}/proconnect/.well-known/openid-configuration" \
    "ckanext.ecologie.proconnect.client_id = ecologie-dev" \
    "ckanext.ecologie.proconnect.client_secret = ecologie-dev-secret" >/dev/null
mkdir -p .local/storage-dev

tools/migrate.sh dev.ini >.local/logs/dev-db-upgrade.log 2>&1 \
    || die "database migration failed: see .local/logs/dev-db-upgrade.log"
echo "[dev] database migrated"

tools/services.sh consumers dev.ini
tools/services.sh worker dev.ini
tools/services.sh mail-sink

# The demo files are served only while they are harvested.
.venv/bin/python -m http.server --bind 127.0.0.1 --directory demo/catalogues "$DEMO_PORT" \
    >.local/logs/demo-files.log 2>&1 &
echo $! >.local/run/demo-files.pid
trap 'kill "$(cat .local/run/demo-files.pid)" 2>/dev/null; rm -f .local/run/demo-files.pid' EXIT
for _ in $(seq 40); do port_open "$DEMO_PORT" && break; sleep 0.25; done
port_open "$DEMO_PORT" || die "could not serve demo/catalogues on port $DEMO_PORT: set DEMO_PORT=<free port>"

# The demo sources point at port 8766: follow DEMO_PORT when it differs.
sed "s|127.0.0.1:8766|127.0.0.1:$DEMO_PORT|" demo/sources.yaml >.local/demo-sources.yaml
"$CKAN" -c dev.ini ecologie sources load .local/demo-sources.yaml >.local/logs/demo-sources.log 2>&1 \
    || die "declaring the demo harvest sources failed: see .local/logs/demo-sources.log"
.venv/bin/python tools/demo.py dev.ini .local/admin-password .local/demo-sources.yaml demo/bouquets.yaml
"$CKAN" -c dev.ini ecologie agents load-mapping demo/agents.yaml >.local/logs/demo-agents.log 2>&1 \
    || die "loading the demo agents mapping failed: see .local/logs/demo-agents.log"
echo "[dev] agents log in with the stand-in ProConnect (see demo/agents.yaml for the claims to give)"
kill "$(cat .local/run/demo-files.pid)" 2>/dev/null || true
wait 2>/dev/null || true
rm -f .local/run/demo-files.pid

echo "[dev] portal on http://127.0.0.1:$PORTAL_PORT (Ctrl-C stops it; 'make stop' stops the services)"
trap - EXIT
echo $$ >.local/run/portal.pid  # exec keeps this pid: `make stop` finds the portal
exec "$CKAN" -c dev.ini run --host 127.0.0.1 --port "$PORTAL_PORT" --disable-reloader --threaded
