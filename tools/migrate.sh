#!/usr/bin/env bash
# Bring a database to the latest migrations: CKAN core, then each plugin that
# has migrations. `ckan db upgrade` alone lists the plugins' pending
# migrations but, on CKAN 2.12.0, does not always apply them, so each plugin
# is upgraded by name.
#   tools/migrate.sh INI
set -euo pipefail
cd "$(dirname "$0")/.."
ini=${1:?usage: tools/migrate.sh INI}
ckan=".venv/bin/ckan"
"$ckan" -c "$ini" db upgrade --skip-plugins
for plugin in activity harvest ecologie; do
    "$ckan" -c "$ini" db upgrade -p "$plugin"
done
datastore_db=$(sed -n 's|^ckan.datastore.write_url = .*/||p' "$ini")
if [ -n "$datastore_db" ]; then
    tools/services.sh datastore-permissions "$ini" "$datastore_db"
fi
pending=$("$ckan" -c "$ini" db pending-migrations 2>&1 | grep unapplied || true)
if [ -n "$pending" ]; then
    echo "error: migrations still pending after upgrade: $pending" >&2
    exit 1
fi
