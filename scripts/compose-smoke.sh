#!/usr/bin/env bash
# Runs deploy/compose.yaml or deploy/compose-cluster.yaml for real and calls jobs through it.
#
# Usage: scripts/compose-smoke.sh BIN_DIR [single|cluster]
#   BIN_DIR  a release build (mcp-gateway, mcp-worker, mcpctl: `make build` or .build/release)
# Needs a running Docker daemon and docker-compose (v1 with --compatibility, or v2).
# Where Docker Hub is out of reach (as on the build machines), it makes stand-ins first:
# debian:bookworm-slim from debootstrap, redis:7.2-bookworm from Debian's redis-server,
# and mcpstreams:latest from the Dockerfile's runtime stage with BIN_DIR's binaries (the
# Dockerfile's build stage needs a Swift image). Then, in a copy of deploy/ with demo
# secrets: `up`, 20 signed sync calls spread over the gateways, an async job polled to
# the end, and for the cluster a primary killed mid-run and started again (it rejoins as
# a replica); prints what succeeded and what the ACL logs refused; `down -v` on exit.
set -euo pipefail

bin=$(cd "${1:?usage: scripts/compose-smoke.sh BIN_DIR [single|cluster]}" && pwd)
mode=${2:-cluster}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/mcp-compose.XXXXXX)
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose --compatibility); fi
file=compose-cluster.yaml project=mcpstreams-cluster gateways=2
if [ "$mode" = single ]; then file=compose.yaml project=mcpstreams gateways=1; fi
cleanup() { (cd "$work" && "${compose[@]}" -p "$project" -f "deploy/$file" down -v >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT

image_missing() { [ -z "$(docker images -q "$1")" ]; }
if image_missing debian:bookworm-slim; then
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$work/rootfs" -c . | docker import - debian:bookworm-slim >/dev/null
  rm -rf "$work/rootfs"
fi
if image_missing redis:7.2-bookworm; then
  mkdir -p "$work/redis-image"
  printf '%s\n' 'FROM debian:bookworm-slim' \
    'RUN apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools && rm -rf /var/lib/apt/lists/* && mkdir -p /data /usr/local/etc/redis && chown redis:redis /data' \
    'WORKDIR /data' 'USER redis' 'CMD ["redis-server"]' > "$work/redis-image/Dockerfile"
  docker build -q -t redis:7.2-bookworm "$work/redis-image" >/dev/null
fi
mkdir -p "$work/mcp-image/out"
for tool in mcp-gateway mcp-worker mcpctl; do cp "$bin/$tool" "$work/mcp-image/out/" && strip --strip-debug "$work/mcp-image/out/$tool"; done
{ echo 'FROM debian:bookworm-slim AS build'; echo 'COPY out/ /out/'
  sed -n '/^FROM ${RUNTIME_IMAGE} AS runtime/,$p' "$repo/deploy/Dockerfile" | sed 's/^FROM ${RUNTIME_IMAGE} AS runtime/FROM debian:bookworm-slim/'
} > "$work/mcp-image/Dockerfile"
docker build -q -t mcpstreams:latest "$work/mcp-image" >/dev/null

cp -a "$repo/deploy" "$work/deploy"
cd "$work"
cp deploy/env.example deploy/.env
mkdir -p deploy/secrets
openssl rand -hex 32 > deploy/secrets/server_secret
openssl rand -hex 32 > deploy/secrets/client_001_secret
chmod 0644 deploy/secrets/*
# Compose v1 does not know the top-level `name:` (v2 does); the project name is given with -p instead.
sed -i '/^name: /d' "deploy/$file"
"${compose[@]}" -p "$project" -f "deploy/$file" up -d >/dev/null 2>&1
for _ in $(seq 120); do curl -fs localhost:8080/readyz >/dev/null 2>&1 && break; sleep 0.5; done
curl -s localhost:8080/readyz; echo

call() {
  "$bin/mcpctl" call --gateway "http://127.0.0.1:$1" --client-id client-001 --secret file:deploy/secrets/client_001_secret \
    --server-id mcp-server-001 --server-secret file:deploy/secrets/server_secret "${@:2}" 2>&1 | tail -1
}
round() {
  local ok=0 failed=0 answer why=""
  for i in $(seq 1 "$1"); do
    answer=$(call $((8080 + i % gateways)) batch_sum --args '{"numbers":[1,2,3]}') || true
    if echo "$answer" | grep -q '"total":6'; then ok=$((ok + 1)); else failed=$((failed + 1)); why="$why${answer:0:120}"$'\n'; fi
  done
  echo "$2: $ok of $1 sync calls answered, $failed refused"
  [ -z "$why" ] || printf '%s' "$why" | sort | uniq -c
}
round 20 "sync batch_sum"
echo "async noop: $(call 8080 noop || true)"
if [ "$mode" = cluster ]; then
  node=$(docker ps --format '{{.Names}}' | grep -m1 'redis-1')
  docker kill "$node" >/dev/null
  round 40 "while a primary is down (replicated: its partitions answer 503 not_replicated until a replica returns)"
  docker start "$node" >/dev/null
  sleep 10
  round 20 "after it rejoined as a replica"
  for n in $(docker ps --format '{{.Names}}' | grep redis- | sort); do
    echo "$n ACL refusals: $(docker exec "$n" redis-cli --user admin --pass admin-demo-password --no-auth-warning ACL LOG | grep -A9 '^reason$' | tr '\n' ' ')"
  done
fi
