#!/usr/bin/env bash
# `make test`: bring the test database to the latest migrations, install
# Chromium for the browser tests when absent, then run the whole suite against
# the real services started by `make services`.
# Extra arguments go to pytest: tools/test.sh -k harvest -x
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p .local/storage-test .local/logs test-artifacts
tools/browser.sh
tools/migrate.sh test.ini >.local/logs/test-db-upgrade.log 2>&1 \
    || { tail -n 5 .local/logs/test-db-upgrade.log >&2; echo "error: migrating the test database failed: see .local/logs/test-db-upgrade.log" >&2; exit 1; }

# stderr joins stdout so that a run's last lines are pytest's summary, in
# order with what test servers print, whoever keeps only the tail of the log.
exec .venv/bin/pytest --ckan-ini=test.ini ckanext/ecologie/tests \
    --junitxml=test-artifacts/junit.xml "$@" 2>&1
