#!/usr/bin/env bash
# One idle mcp-worker on a local 3-primary Redis Cluster: Redis commands/s and connections per primary
# (DESIGN §10: an idle worker holds a subscriber and a command connection per primary, whatever P is).
#
# Usage: scripts/idle-cost-cluster.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS]
#   BIN_DIR     folder holding mcp-worker and mcpctl (e.g. .build/release)
#   PARTITIONS  --partitions of the deployment (default 12)
#   SETTLE      seconds the worker idles before the window (default 20)
#   WINDOW      seconds measured (default 10)
# Starts three cluster-enabled redis-servers on free loopback ports in a temp dir, forms the
# cluster, loads the functions, starts one worker; counts `INFO commandstats` calls on every
# primary (INFO and CLUSTER left out) over the window; prints the rate, then each primary's
# clients, blocked clients and sharded-pub/sub subscriber connections. Stops everything on exit.
set -euo pipefail

bin=${1:?usage: scripts/idle-cost-cluster.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS]}
partitions=${2:-12}
settle=${3:-20}
window=${4:-10}
dir=$(mktemp -d /tmp/mcp-idle-cluster.XXXXXX)
ports=()
worker=""
cleanup() {
  if [ -n "$worker" ]; then kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; fi
  for port in "${ports[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

# A free port below 55536 whose cluster bus port (+10000) is free too.
free_port() {
  python3 -c '
import random, socket
for _ in range(1000):
    port = random.randint(20000, 45000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(port); break
    except OSError:
        pass'
}
for _ in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
    --dir "$dir/$port" --save "" --appendonly no --daemonize yes --logfile "$dir/$port/redis.log"
done
for port in "${ports[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
done
redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 200); do redis-cli -p "${ports[0]}" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.05; done
export MCP_REDIS_URL="redis+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}" MCP_LOG_LEVEL=warning MCP_PARTITIONS="$partitions"
"$bin/mcpctl" redis setup >/dev/null
"$bin/mcp-worker" >"$dir/worker.log" 2>&1 &
worker=$!
sleep "$settle"
calls() {
  local total=0 n
  for port in "${ports[@]}"; do
    n=$(redis-cli -p "$port" info commandstats | awk -F'[=,]' '/^cmdstat_/ && !/cmdstat_info|cmdstat_cluster/ {s += $2} END {print s + 0}')
    total=$((total + n))
  done
  echo "$total"
}
before=$(calls)
sleep "$window"
after=$(calls)
echo "idle worker, P=$partitions, 3 primaries: $(( (after - before) / window )) Redis commands/s"
for port in "${ports[@]}"; do
  list=$(redis-cli -p "$port" client list | grep -v 'cmd=client')
  echo "primary :$port clients $(echo "$list" | grep -c .) blocked $(redis-cli -p "$port" info clients | awk -F: '/^blocked_clients/ {print $2+0}') subscribers $(echo "$list" | grep -c 'ssub=[1-9]' || true)"
done
