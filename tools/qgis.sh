#!/usr/bin/env bash
# The "Open in QGIS" tests open the generated projects with QGIS itself:
# Debian's QGIS Python bindings (python3-qgis, QGIS 3.22 on bookworm, run by
# /usr/bin/python3), installed when absent. Run as root, like tools/browser.sh.
# Measured on bookworm: about 2 minutes and 232 MB, without the recommends.
#   tools/qgis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${QGIS_PYTHON:-/usr/bin/python3}
"$PYTHON" -c "import qgis.core" 2>/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[qgis] installing python3-qgis from Debian"
    mkdir -p .local/logs
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-qgis; } \
        >.local/logs/apt-qgis.log 2>&1 || { echo "error: could not install python3-qgis: see .local/logs/apt-qgis.log" >&2; exit 1; }
else
    echo "error: QGIS's Python bindings not found: sudo apt-get install --no-install-recommends python3-qgis" >&2
    exit 1
fi
