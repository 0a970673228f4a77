#!/usr/bin/env bash
# Redis commands per second of one idle mcp-worker (DESIGN §10: what P costs on one node).
#
# Usage: scripts/idle-cost.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS]
#   BIN_DIR     folder holding mcp-worker and mcpctl (e.g. .build/release)
#   PARTITIONS  --partitions of the deployment (default 1)
#   SETTLE      seconds the worker idles before the window (default 20: its retry poll backs off to 8 s)
#   WINDOW      seconds measured (default 10)
# Starts a throwaway redis-server on a unix socket in a temp dir, loads the functions,
# starts one worker, counts `INFO commandstats` calls (INFO itself left out) over the
# window and prints the rate and the commands; stops everything on exit.
set -euo pipefail

bin=${1:?usage: scripts/idle-cost.sh BIN_DIR [PARTITIONS] [SETTLE_SECONDS] [WINDOW_SECONDS]}
partitions=${2:-1}
settle=${3:-20}
window=${4:-10}
dir=$(mktemp -d /tmp/mcp-idle-cost.XXXXXX)
worker=""
cleanup() {
  if [ -n "$worker" ]; then kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; fi
  redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$dir/redis.sock" --save "" --appendonly no --daemonize yes \
  --logfile "$dir/redis.log" --pidfile "$dir/redis.pid"
for _ in $(seq 100); do redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
export MCP_REDIS_URL="unix://$dir/redis.sock" MCP_LOG_LEVEL=warning MCP_PARTITIONS="$partitions"
"$bin/mcpctl" redis setup >/dev/null
"$bin/mcp-worker" >"$dir/worker.log" 2>&1 &
worker=$!
sleep "$settle"

calls() {
  redis-cli -s "$dir/redis.sock" info commandstats |
    awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" { print substr($1, 9), $3 }' | sort
}
before=$(calls)
sleep "$window"
after=$(calls)
join -a 2 -e 0 -o 0,1.2,2.2 <(echo "$before") <(echo "$after") |
  awk -v p="$partitions" -v w="$window" '
    { d = $3 - $2; if (d > 0) { total += d; line = line sprintf("%s %.1f/s, ", $1, d / w) } }
    END { printf "P=%s idle worker: %.1f Redis commands/s (%s)\n", p, total / w, substr(line, 1, length(line) - 2) }'
