#!/usr/bin/env bash
# Tools only the test suite needs: the Docker Compose CLI plugin (pinned in
# scripts/compose-plugin/go.mod), built with Go from the Go module proxy when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'govshare: %s\n' "$*"; }
die() { printf 'govshare: error: %s\n' "$*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
  exit 0
fi
command -v docker >/dev/null || die "the docker client is needed to check docker/ (apt-get install docker.io)"
command -v go >/dev/null || die "Go is needed to build the docker compose plugin (apt-get install golang)"
plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
mkdir -p "$plugins"
say "building the docker compose plugin (scripts/compose-plugin/go.mod); about a minute"
(cd scripts/compose-plugin && go build -o "$plugins/docker-compose" github.com/docker/compose/v5/cmd) \
  || die "the docker compose plugin did not build"
docker compose version
