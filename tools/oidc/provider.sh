#!/usr/bin/env bash
# The test OpenID Connect provider (mock-oauth2-server from Maven Central).
#
#   provider.sh build CACHE_DIR        resolve its jars into CACHE_DIR/classpath.txt (fast when done)
#   provider.sh run   CACHE_DIR PORT   run it in the foreground: http://127.0.0.1:PORT/proconnect
#
# Its login page asks for a user name (the `sub`) and the claims to add
# (JSON: email, given_name, usual_name, siret, idp_id...).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAIN=no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt

die() {
  echo "provider.sh: $*" >&2
  exit 1
}

is_built() {
  [[ -s $1/classpath.txt && $1/classpath.txt -nt $HERE/pom.xml ]] || return 1
  local entry entries
  IFS=: read -r -a entries <"$1/classpath.txt"
  for entry in "${entries[@]}"; do
    [[ -f $entry ]] || return 1 # e.g. ~/.m2 was cleaned
  done
}

cmd_build() {
  local cache
  cache=$(realpath -m -- "${1:?usage: provider.sh build CACHE_DIR}")
  is_built "$cache" && return 0
  command -v java >/dev/null || die "java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.6+ (apt-get install maven)"
  mkdir -p "$cache"
  echo "provider.sh: resolving mock-oauth2-server into ~/.m2 (the first time, about 30 MB)" >&2
  if ! mvn -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$cache/classpath.txt" >"$cache/build.log" 2>&1; then
    grep -E '^\[(ERROR|WARNING)\]' "$cache/build.log" | head -n 20 >&2 || true
    die "Maven failed (log: $cache/build.log): check that Maven Central is reachable and ~/.m2 is writable"
  fi
  [[ -s $cache/classpath.txt ]] || die "Maven wrote no classpath: see $cache/build.log"
}

cmd_run() {
  local cache port=${2:?usage: provider.sh run CACHE_DIR PORT}
  cache=$(realpath -m -- "${1:?usage: provider.sh run CACHE_DIR PORT}")
  is_built "$cache" || die "not built: provider.sh build $cache"
  SERVER_HOSTNAME=127.0.0.1 SERVER_PORT=$port \
    JSON_CONFIG='{"interactiveLogin": true, "httpServer": "NettyWrapper"}' \
    exec java -Xmx256m -XX:+ExitOnOutOfMemoryError -cp "$(cat "$cache/classpath.txt")" "$MAIN"
}

case "${1:-}" in
  build) shift; cmd_build "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) sed -n '4,5s/^#   /usage: /p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
