#!/usr/bin/env bash
# Front-end assets: install the pinned npm packages (package-lock.json) and
# copy what the portal serves into ckanext/ecologie/public/vendor/dsfr/
# (ignored by git). CKAN's webassets bundle the CSS from there
# (ckanext/ecologie/assets/webassets.yml); the script (an ES module), fonts,
# icons and favicons are served as they are. Idempotent: does nothing when the copy is up to date.
#   tools/assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "error: $*" >&2; exit 1; }

if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "[assets] installing nodejs and npm from Debian"
        mkdir -p .local/logs
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } \
            >.local/logs/apt-npm.log 2>&1 || die "could not install npm: see .local/logs/apt-npm.log"
    else
        die "npm not found: sudo apt-get install nodejs npm"
    fi
fi

DEST=ckanext/ecologie/public/vendor/dsfr
STAMP="$DEST/.built"
# The copy is up to date when it was made from this lock file by this script.
BUILD_ID=$(cat package-lock.json "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$BUILD_ID" ] && [ -d node_modules/axe-core ]; then
    touch "$STAMP"  # for make: up to date
    exit 0
fi

echo "[assets] npm ci (DSFR, axe-core)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null \
    || die "npm ci failed: check that the npm registry is reachable (npm ping)"

SRC=node_modules/@gouvfr/dsfr/dist
[ -f "$SRC/dsfr.min.css" ] || die "@gouvfr/dsfr is not installed in node_modules"
rm -rf "$DEST"
mkdir -p "$DEST/utility/icons"
cp "$SRC/dsfr.min.css" "$SRC/dsfr.module.min.js" "$DEST/"
cp -r "$SRC/fonts" "$SRC/favicon" "$SRC/icons" "$DEST/"
cp "$SRC/utility/icons/icons.min.css" "$DEST/utility/icons/"
cp node_modules/@gouvfr/dsfr/LICENSE.md "$DEST/"
VERSION=$(node -p 'require("./node_modules/@gouvfr/dsfr/package.json").version')
echo "$VERSION" >"$DEST/VERSION"
echo "$BUILD_ID" >"$STAMP"
echo "[assets] DSFR $VERSION copied to $DEST"
