#!/usr/bin/env bash
# Project-local services for development and tests: PostgreSQL 15, Redis, Solr
# and an OpenID Connect provider standing in for ProConnect.
# Everything lives under .local/ (ignored). Every start is idempotent and waits
# until the service answers; every failure is one line naming the fix.
#
#   tools/services.sh start | stop | status
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOCAL="$ROOT/.local"
CACHE="$ROOT/.cache"
RUN="$LOCAL/run"
LOGS="$LOCAL/logs"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-5433}
PG_DATA="$LOCAL/postgres/data"
PG_SOCKET="$LOCAL/postgres/socket"
REDIS_PORT=${REDIS_PORT:-6380}
SOLR_PORT=${SOLR_PORT:-8983}
OIDC_PORT=${OIDC_PORT:-8089}
VENV_PY="$ROOT/.venv/bin/python"

die() { echo "error: $*" >&2; exit 1; }
say() { echo "[services] $*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }

# PostgreSQL refuses to run as root; run it as the `postgres` account then.
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {  # wait_for NAME SECONDS COMMAND...
    local name=$1 seconds=$2; shift 2
    local i
    for ((i = 0; i < seconds * 4; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    return 1
}

# wait_started NAME READY_FUNCTION SECONDS WHERE: a service started in the
# background (pid in .local/run/NAME.pid, log in .local/logs/NAME.log) answers.
wait_started() {
    local name=$1 ready=$2 seconds=$3 where=$4 i
    for ((i = 0; i < seconds * 4; i++)); do
        "$ready" && return 0
        pid_alive "$RUN/$name.pid" || die "$name exited: $(tail -n 1 "$LOGS/$name.log")  (full log: .local/logs/$name.log)"
        sleep 0.25
    done
    die "$name does not answer on $where after $seconds s: see .local/logs/$name.log"
}

# --- PostgreSQL -------------------------------------------------------------

pg_ready() { "$PG_BIN/pg_isready" -q -h "$PG_SOCKET" -p "$PG_PORT"; }

psql_admin() {
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" -d postgres "$@"
}

start_postgres() {
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 binaries not found in $PG_BIN: apt-get install postgresql-15 (or set PG_BIN)"
    if pid_alive "$PG_DATA/postmaster.pid" && pg_ready; then
        say "postgresql already running on 127.0.0.1:$PG_PORT"
        return
    fi
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another program: stop it or run with PG_PORT=<free port>"
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        say "creating the PostgreSQL cluster in .local/postgres"
        mkdir -p "$PG_DATA" "$PG_SOCKET"
        [ "$(id -u)" = 0 ] && chown -R postgres: "$LOCAL/postgres"
        as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$LOGS/initdb.log" 2>&1 \
            || die "initdb failed: see .local/logs/initdb.log"
    fi
    rm -f "$PG_DATA/postmaster.pid"  # left behind by a killed server
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOCAL/postgres/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_SOCKET -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
        start >/dev/null || die "postgresql did not start: see .local/postgres/server.log"
    wait_for postgresql 30 pg_ready || die "postgresql does not answer on port $PG_PORT: see .local/postgres/server.log"
    ensure_databases
    say "postgresql running on 127.0.0.1:$PG_PORT"
}

ensure_databases() {
    psql_admin <<'SQL'
SELECT 'CREATE ROLE ckan LOGIN PASSWORD ''ckan'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ckan') \gexec
SELECT 'CREATE ROLE datastore_ro LOGIN PASSWORD ''datastore'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'datastore_ro') \gexec
SELECT format('CREATE DATABASE %I OWNER ckan ENCODING ''UTF8''', db)
  FROM unnest(ARRAY['ckan_dev', 'ckan_test', 'datastore_dev', 'datastore_test', 'ckan_bench', 'datastore_bench']) AS db
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = db) \gexec
SQL
}

# The DataStore's read-only role may read, never write: CKAN prints the SQL.
datastore_permissions() {  # datastore_permissions INI DATABASE
    "$ROOT/.venv/bin/ckan" -c "$1" datastore set-permissions 2>/dev/null \
        | as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" -d "$2" >/dev/null \
        || die "could not set the DataStore permissions on $2: run '.venv/bin/ckan -c $1 datastore set-permissions'"
}

stop_postgres() {
    if pid_alive "$PG_DATA/postmaster.pid"; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && say "postgresql stopped"
    fi
}

# --- Redis ------------------------------------------------------------------

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_redis() {
    if ! command -v redis-server >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            say "installing redis-server from Debian"
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } \
                >"$LOGS/apt-redis.log" 2>&1 || die "could not install redis-server: see .local/logs/apt-redis.log"
        else
            die "redis-server not found: sudo apt-get install redis-server"
        fi
    fi
    if pid_alive "$RUN/redis.pid" && redis_ready; then
        say "redis already running on 127.0.0.1:$REDIS_PORT"
        return
    fi
    port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program: stop it or run with REDIS_PORT=<free port>"
    mkdir -p "$LOCAL/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
        --dir "$LOCAL/redis" --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" \
        --save 60 1000 --protected-mode yes >/dev/null || die "redis did not start: see .local/logs/redis.log"
    wait_for redis 20 redis_ready || die "redis does not answer on port $REDIS_PORT: see .local/logs/redis.log"
    say "redis running on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
    if pid_alive "$RUN/redis.pid"; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$RUN/redis.pid")"
        say "redis stopped"
    fi
    rm -f "$RUN/redis.pid"
}

# --- Solr -------------------------------------------------------------------

solr_ready() {
    curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/ckan/admin/ping" 2>/dev/null | grep -q '"status":"OK"'
}

ckan_schema() {
    [ -x "$VENV_PY" ] || die "no .venv: run 'make venv' first"
    "$VENV_PY" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))'
}

start_solr() {
    if pid_alive "$RUN/solr.pid" && solr_ready; then
        say "solr already running on 127.0.0.1:$SOLR_PORT"
        return
    fi
    port_open "$SOLR_PORT" && die "port $SOLR_PORT is taken by another program: stop it or run with SOLR_PORT=<free port>"
    "$ROOT/tools/solr/solr.sh" build "$CACHE/solr"
    "$ROOT/tools/solr/solr.sh" home "$LOCAL/solr" "$(ckan_schema)"
    say "starting solr (first start takes about 15 s)"
    nohup "$ROOT/tools/solr/solr.sh" run "$CACHE/solr" "$LOCAL/solr" "$SOLR_PORT" >"$LOGS/solr.log" 2>&1 &
    echo $! >"$RUN/solr.pid"
    wait_started solr solr_ready 120 "port $SOLR_PORT"
    say "solr running on http://127.0.0.1:$SOLR_PORT/solr/ckan"
}

stop_solr() {
    if pid_alive "$RUN/solr.pid"; then
        local pid
        pid=$(cat "$RUN/solr.pid")
        kill "$pid" 2>/dev/null || true
        wait_for solr 30 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
        say "solr stopped"
    fi
    rm -f "$RUN/solr.pid"
}

# --- OpenID Connect provider (ProConnect's stand-in) -------------------------

oidc_ready() {
    curl -fsS "http://127.0.0.1:$OIDC_PORT/proconnect/.well-known/openid-configuration" 2>/dev/null | grep -q '"issuer"'
}

start_oidc() {
    if pid_alive "$RUN/oidc.pid" && oidc_ready; then
        say "openid connect provider already running on 127.0.0.1:$OIDC_PORT"
        return
    fi
    port_open "$OIDC_PORT" && die "port $OIDC_PORT is taken by another program: stop it or run with OIDC_PORT=<free port>"
    "$ROOT/tools/oidc/provider.sh" build "$CACHE/oidc"
    nohup "$ROOT/tools/oidc/provider.sh" run "$CACHE/oidc" "$OIDC_PORT" >"$LOGS/oidc.log" 2>&1 &
    echo $! >"$RUN/oidc.pid"
    wait_started oidc oidc_ready 60 "port $OIDC_PORT"
    say "openid connect provider running on http://127.0.0.1:$OIDC_PORT/proconnect"
}

# --- Harvest consumers (for `make dev`) -------------------------------------

start_consumers() {  # start_consumers INI
    local ini=$1 kind
    for kind in gather fetch; do
        if pid_alive "$RUN/$kind-consumer.pid"; then continue; fi
        nohup "$ROOT/.venv/bin/ckan" -c "$ini" harvester "$kind-consumer" \
            >"$LOGS/$kind-consumer.log" 2>&1 &
        echo $! >"$RUN/$kind-consumer.pid"
    done
    say "harvest gather and fetch consumers running (logs in .local/logs/)"
}

# The background job worker: every e-mail leaves through it
# (ckanext/ecologie/mail.py), so that no request waits on the mail server.
start_worker() {  # start_worker INI
    local ini=$1
    pid_alive "$RUN/jobs-worker.pid" && return
    nohup "$ROOT/.venv/bin/ckan" -c "$ini" jobs worker >"$LOGS/jobs-worker.log" 2>&1 &
    echo $! >"$RUN/jobs-worker.pid"
    say "background job worker running (log in .local/logs/jobs-worker.log)"
}

# E-mails of `make dev` (access requests, discussions, feedback) are kept in
# .local/logs/mail.log instead of being sent.
start_mail_sink() {
    local port=${MAIL_PORT:-8025}
    pid_alive "$RUN/mail-sink.pid" && return
    port_open "$port" && die "port $port is taken by another program: stop it or run with MAIL_PORT=<free port>"
    nohup "$VENV_PY" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Debugging \
        >"$LOGS/mail.log" 2>&1 &
    echo $! >"$RUN/mail-sink.pid"
    say "e-mails are written to .local/logs/mail.log (SMTP on 127.0.0.1:$port)"
}

stop_pidfile() {  # stop_pidfile NAME
    local file="$RUN/$1.pid"
    if pid_alive "$file"; then
        kill "$(cat "$file")" 2>/dev/null || true
        say "$1 stopped"
    fi
    rm -f "$file"
}

mkdir -p "$RUN" "$LOGS"
case "${1:-}" in
    start)
        start_postgres
        start_redis
        start_solr
        start_oidc
        ;;
    consumers)
        start_consumers "${2:?usage: services.sh consumers INI}"
        ;;
    worker)
        start_worker "${2:?usage: services.sh worker INI}"
        ;;
    mail-sink)
        start_mail_sink
        ;;
    datastore-permissions)
        datastore_permissions "${2:?usage: services.sh datastore-permissions INI DATABASE}" "${3:?database}"
        ;;
    stop)
        for name in portal gather-consumer fetch-consumer jobs-worker demo-files mail-sink oidc; do stop_pidfile "$name"; done
        stop_solr
        stop_redis
        stop_postgres
        ;;
    status)
        pg_ready && echo "postgresql: up (127.0.0.1:$PG_PORT)" || echo "postgresql: down"
        redis_ready && echo "redis: up (127.0.0.1:$REDIS_PORT)" || echo "redis: down"
        solr_ready && echo "solr: up (http://127.0.0.1:$SOLR_PORT/solr/ckan)" || echo "solr: down"
        oidc_ready && echo "openid connect provider: up (http://127.0.0.1:$OIDC_PORT/proconnect)" || echo "openid connect provider: down"
        ;;
    *)
        echo "usage: $0 start|stop|status|consumers INI|worker INI|mail-sink" >&2
        exit 2
        ;;
esac
