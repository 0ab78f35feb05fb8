#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser):
# install the `chromium` package when it is absent. Run as root, like the
# Redis install of tools/services.sh.
#   tools/browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[browser] installing chromium from Debian"
    mkdir -p .local/logs
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
        >.local/logs/apt-chromium.log 2>&1 || { echo "error: could not install chromium: see .local/logs/apt-chromium.log" >&2; exit 1; }
else
    echo "error: $CHROMIUM not found: sudo apt-get install chromium" >&2
    exit 1
fi
