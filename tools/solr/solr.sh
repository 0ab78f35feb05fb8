#!/usr/bin/env bash
# Local Apache Solr 9 for ckanext-ecologie: Solr's jars from Maven Central and a small
# launcher (SolrLauncher.java), no Docker and no Solr tarball.
#
#   solr.sh build CACHE_DIR                   build the launcher and its classpath file (fast when done)
#   solr.sh home  SOLR_HOME CKAN_SCHEMA_PATH  (re)create SOLR_HOME with the "ckan" core; keeps the index
#   solr.sh run   CACHE_DIR SOLR_HOME PORT    run Solr in the foreground: http://127.0.0.1:PORT/solr/ckan
#
# Solr stops cleanly on SIGTERM or Ctrl-C. Logs (WARN and up) go to stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAUNCHER=org.ckanext.ecologie.solr.SolrLauncher

die() {
  echo "solr.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '5,7s/^#   /usage: /p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

need_java() {
  command -v java >/dev/null || die "java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ ${version%%.*} =~ ^[0-9]+$ && ${version%%.*} -ge 11 ]] ||
    die "java ${version:-of unknown version} is too old for Solr 9: install openjdk-17 and put it first in PATH"
}

# Sets the paths under the cache dir given as $1.
use_cache() {
  [[ -n ${1:-} ]] || usage
  CACHE=$(realpath -m -- "$1")
  JAR=$CACHE/build/ckan-solr-launcher.jar
  CLASSPATH_FILE=$CACHE/classpath.txt
}

is_built() {
  [[ -f $JAR && -s $CLASSPATH_FILE ]] || return 1
  [[ $JAR -nt $HERE/pom.xml && $CLASSPATH_FILE -nt $HERE/pom.xml ]] || return 1
  [[ -z $(find "$HERE/src" -newer "$JAR" -print -quit) ]] || return 1
  local entry entries
  IFS=: read -r -a entries <"$CLASSPATH_FILE"
  for entry in "${entries[@]}"; do
    [[ -f $entry ]] || return 1 # e.g. ~/.m2 was cleaned
  done
}

cmd_build() {
  [[ $# -eq 1 ]] || usage
  use_cache "$1"
  is_built && return 0
  need_java
  command -v mvn >/dev/null || die "mvn not found: install Maven 3.6+ (apt-get install maven)"
  mkdir -p "$CACHE"
  echo "solr.sh: building the Solr launcher into $CACHE (the first time, Maven downloads ~110 MB into ~/.m2)" >&2
  if ! mvn -B -Dstyle.color=never -f "$HERE/pom.xml" -Dsolr.cache.dir="$CACHE" package >"$CACHE/build.log" 2>&1; then
    grep -E '^\[(ERROR|WARNING)\]' "$CACHE/build.log" | head -n 20 >&2 || true
    die "Maven build failed (log: $CACHE/build.log): check that Maven Central is reachable and ~/.m2 is writable"
  fi
  [[ -f $JAR && -s $CLASSPATH_FILE ]] || die "Maven build made no $JAR or $CLASSPATH_FILE: rerun with 'mvn -f $HERE/pom.xml package' to see why"
  touch "$JAR" "$CLASSPATH_FILE" # Maven leaves an unchanged jar alone; mark the build as current
}

cmd_home() {
  [[ $# -eq 2 ]] || usage
  local home schema=$2
  home=$(realpath -m -- "$1")
  local core=$home/ckan
  [[ -f $schema ]] || die "CKAN schema not found at $schema: install CKAN into the venv or pass the path of ckan/config/solr/schema.xml"
  mkdir -p "$core"
  printf '<solr></solr>\n' >"$home/solr.xml"
  printf 'name=ckan\n' >"$core/core.properties"
  # conf/ is rebuilt from scratch; data/ (the index) is left alone.
  rm -rf "$core/conf"
  mkdir -p "$core/conf"
  cp -- "$schema" "$core/conf/schema.xml"
  cp -- "$HERE/solrconfig.xml" "$core/conf/solrconfig.xml"
  local words
  for words in synonyms.txt protwords.txt stopwords.txt; do
    if grep -q "\"$words\"" "$schema"; then
      : >"$core/conf/$words"
    fi
  done
}

cmd_run() {
  [[ $# -eq 3 ]] || usage
  use_cache "$1"
  local home port=$3
  home=$(realpath -m -- "$2")
  [[ $port =~ ^[0-9]+$ ]] || die "bad port '$port': give a number such as 8983"
  [[ -f $JAR && -s $CLASSPATH_FILE ]] || die "the Solr launcher is not built: run tools/solr/solr.sh build $CACHE"
  [[ -f $home/solr.xml ]] || die "no Solr home in $home: run tools/solr/solr.sh home $home CKAN_SCHEMA_PATH"
  need_java
  mkdir -p "$CACHE/logs"
  # Solr turns SOLR_* and ZK_* environment variables into settings (ZK_HOST would
  # switch on SolrCloud): this node is standalone, so drop them.
  local name
  for name in $(compgen -e); do
    case $name in SOLR_* | ZK_*) unset "$name" ;; esac
  done
  exec java -Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Dhost=127.0.0.1 -Djetty.host=127.0.0.1 \
    -Dsolr.install.dir="$CACHE" -Dsolr.log.dir="$CACHE/logs" \
    -Dlog4j2.configurationFile="$HERE/log4j2.xml" \
    -cp "$JAR:$(<"$CLASSPATH_FILE")" \
    "$LAUNCHER" "$home" "$port"
}

case ${1:-} in
  build | home | run)
    cmd=$1
    shift
    "cmd_$cmd" "$@"
    ;;
  *) usage ;;
esac
