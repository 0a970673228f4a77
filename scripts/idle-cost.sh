#!/usr/bin/env bash
# Redis commands per second of one idle mcp-worker (DESIGN §10: what P costs on one node, and
# on a cluster the connections it holds: a subscriber and a command connection per primary).
#
# Usage: scripts/idle-cost.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS] [PRIMARIES]
#   BIN_DIR     folder holding mcp-worker and mcpctl (e.g. .build/release)
#   PARTITIONS  --partitions of the deployment (default 1)
#   SETTLE      seconds the worker idles before the window (default 20: its retry poll backs off to 8 s)
#   WINDOW      seconds measured (default 10)
#   PRIMARIES   0 (default): one redis-server on a unix socket; 3 or more: a local Redis Cluster
#               of that many primaries on free loopback ports
# Starts the throwaway Redis in a temp dir, loads the functions, starts one worker, counts
# `INFO commandstats` calls (INFO and CLUSTER left out) on every node over the window and
# prints the rate and the commands; on a cluster also each primary's clients, blocked clients
# and sharded-pub/sub subscriber connections. Stops everything on exit.
set -euo pipefail

usage="usage: scripts/idle-cost.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS] [PRIMARIES]"
bin=${1:?$usage}
partitions=${2:-1}
settle=${3:-20}
window=${4:-10}
primaries=${5:-0}
if [ "$primaries" != 0 ] && [ "$primaries" -lt 3 ]; then echo "$usage (a cluster needs 3 primaries or more)" >&2; exit 2; fi
dir=$(mktemp -d /tmp/mcp-idle-cost.XXXXXX)
nodes=()  # redis-cli arguments naming each node
worker=""
cleanup() {
  if [ -n "$worker" ]; then kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; fi
  for node in "${nodes[@]}"; do redis-cli $node shutdown nosave >/dev/null 2>&1 || true; done
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

if [ "$primaries" = 0 ]; then
  redis-server --port 0 --unixsocket "$dir/redis.sock" --save "" --appendonly no --daemonize yes \
    --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
  nodes=("-s $dir/redis.sock")
  export MCP_REDIS_URL="unix://$dir/redis.sock"
else
  seeds=()
  for _ in $(seq "$primaries"); do
    port=$(free_port)
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
      --dir "$dir/$port" --save "" --appendonly no --daemonize yes --logfile "$dir/$port/redis.log"
    nodes+=("-p $port")
    seeds+=("127.0.0.1:$port")
  done
fi
for node in "${nodes[@]}"; do
  for _ in $(seq 100); do redis-cli $node ping >/dev/null 2>&1 && break; sleep 0.05; done
done
if [ "$primaries" != 0 ]; then
  redis-cli --cluster create "${seeds[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  for _ in $(seq 200); do redis-cli ${nodes[0]} cluster info | grep -q 'cluster_state:ok' && break; sleep 0.05; done
  export MCP_REDIS_URL="redis+cluster://$(IFS=,; echo "${seeds[*]}")"
fi
export MCP_LOG_LEVEL=warning MCP_PARTITIONS="$partitions"
"$bin/mcpctl" redis setup >/dev/null
"$bin/mcp-worker" >"$dir/worker.log" 2>&1 &
worker=$!
sleep "$settle"

# Calls per command, summed over the nodes.
calls() {
  for node in "${nodes[@]}"; do redis-cli $node info commandstats; done |
    awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" && $1 !~ /^cmdstat_cluster/ { n[substr($1, 9)] += $3 }
      END { for (c in n) print c, n[c] }' | sort
}
before=$(calls)
sleep "$window"
after=$(calls)
join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$before") <(echo "$after") |
  awk -v p="$partitions" -v w="$window" -v where="$([ "$primaries" = 0 ] && echo "one server" || echo "$primaries primaries")" '
    { d = $3 - $2; if (d > 0) { total += d; line = line sprintf("%s %.1f/s, ", $1, d / w) } }
    END { printf "P=%s idle worker, %s: %.1f Redis commands/s (%s)\n", p, where, total / w, substr(line, 1, length(line) - 2) }'
if [ "$primaries" != 0 ]; then
  for node in "${nodes[@]}"; do
    list=$(redis-cli $node client list | grep -v 'cmd=client')
    echo "primary ${node#-p }: clients $(echo "$list" | grep -c .), blocked $(redis-cli $node info clients | awk -F: '/^blocked_clients/ {print $2 + 0}'), subscribers $(echo "$list" | grep -c 'ssub=[1-9]' || true)"
  done
fi
