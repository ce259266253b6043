#!/usr/bin/env bash
# Installs what GovShare needs on a Debian/Ubuntu machine, skipping whatever is already there:
# system packages (PostgreSQL, Redis, Java, Maven, build headers), the Python virtual
# environment with the pinned dependencies, the Solr 9 launcher from Maven Central, and the
# compiled translations. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'govshare: %s\n' "$*"; }
die() { printf 'govshare: error: %s\n' "$*" >&2; exit 1; }

# --- system packages --------------------------------------------------------------------------
# command or file that proves each package is present -> Debian package name
declare -A NEEDED=(
  [/usr/lib/postgresql]=postgresql
  [/usr/bin/redis-server]=redis-server
  [/usr/bin/java]=openjdk-17-jre-headless
  [/usr/bin/mvn]=maven
  [/usr/include/postgresql/libpq-fe.h]=libpq-dev
  [/usr/lib/x86_64-linux-gnu/libmagic.so.1]=libmagic1
)
missing=()
for path in "${!NEEDED[@]}"; do
  [ -e "$path" ] || missing+=("${NEEDED[$path]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing system packages: ${missing[*]}; install them with sudo apt-get install ${missing[*]}"
  say "installing system packages: ${missing[*]}"
  apt-get update -qq
  # postgresql's and redis-server's own services stay off: the stack runs its own on 127.0.0.1
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python -----------------------------------------------------------------------------------
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || die "Python 3.10 or later is required (found $("$PYTHON" -V 2>&1))"
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip setuptools wheel
fi
stamp=.venv/.govshare-requirements
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" <(cat requirements.txt requirements-dev.txt setup.py); then
  say "installing Python packages (pinned in requirements.txt)"
  log=.venv/pip-install.log
  .venv/bin/pip install --progress-bar off -r requirements-dev.txt -e . > "$log" 2>&1 \
    || { tail -n 30 "$log" >&2; die "pip install failed (full log: $log)"; }
  cat requirements.txt requirements-dev.txt setup.py > "$stamp"
fi

# --- Solr 9 launcher --------------------------------------------------------------------------
launcher=config/solr/launcher
jar=$launcher/target/govshare-solr-1.0.jar
if [ ! -f "$jar" ] || [ -n "$(find "$launcher/pom.xml" "$launcher/src" -newer "$jar" -print -quit)" ]; then
  say "building the Solr 9 launcher (Maven Central: solr-test-framework 9.10.1, lucene smartcn)"
  mvn -q -B -f "$launcher/pom.xml" package -DskipTests || die "the Solr launcher did not build (see Maven's output above)"
fi

# --- translations -----------------------------------------------------------------------------
for catalog in ckanext-*/ckanext/*/i18n; do
  domain="ckanext-$(basename "$(dirname "$catalog")")"
  .venv/bin/pybabel compile -D "$domain" -d "$catalog" > /dev/null 2>&1 \
    || die "the $domain translations in $catalog did not compile"
done
say "install complete"
