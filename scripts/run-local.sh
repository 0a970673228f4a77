#!/usr/bin/env bash
# `make run`: build release, start Redis, one gateway and two workers on this
# machine, run the original design's demo through mcpctl, print the `export`
# lines mcpctl needs (also written to run/env.sh), then keep everything running
# until Ctrl-C (or SIGTERM) and stop all of it on exit.
#
# Settings (environment):
#   MCP_RUN_REDIS_PORT  Redis port (default 6390, loopback only)
#   MCP_LISTEN          gateway address (default 127.0.0.1:8080)
#   MCP_RUN_WORKERS     number of workers (default 2)
#   MCP_RUN_NO_WAIT=1   stop after the demo instead of waiting for Ctrl-C
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run="$root/run"
swift=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
redis_port=${MCP_RUN_REDIS_PORT:-6390}
listen=${MCP_LISTEN:-127.0.0.1:8080}
workers=${MCP_RUN_WORKERS:-2}

# Build progress: on a terminal one line counts up ("[412/1024] Compiling …");
# in a log (no terminal) a line every 5% of the steps or 10 seconds. Every other line
# (warnings, errors, "Build complete!") is shown as swift build printed it.
# (A bash loop, not awk: mawk reads a pipe in blocks and would hold lines back.)
progress() {
  local line step total shown=0 last=-1 last_step=0 tty=0 cols=80 printed=$SECONDS
  if [ -t 1 ]; then tty=1; cols=$(tput cols 2>/dev/null || echo 80); fi
  while IFS= read -r line; do
    if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
      step=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
      # each phase (plugins, then the build) counts from 0 again; within one the total grows
      if [ "$step" -lt "$last_step" ]; then last=-1; fi
      last_step=$step
      if [ "$tty" = 1 ]; then
        printf '\r\033[K%s' "${line:0:cols-1}"; shown=1
      elif [ "$total" -gt 0 ] && { [ "$step" = "$total" ] || [ $((step * 20 / total)) -gt "$last" ] || [ $((SECONDS - printed)) -ge 10 ]; }; then
        last=$((step * 20 / total)) printed=$SECONDS; echo "$line"
      fi
    else
      if [ "$shown" = 1 ]; then echo; shown=0; fi
      echo "$line"
      last=-1  # "Building for production..." starts a phase; after any other line, show the next step
    fi
  done
  if [ "$shown" = 1 ]; then echo; fi
}

echo "==> building (release; the first build takes several minutes on 2 cores)"
set +e
"$swift" build -c release --static-swift-stdlib --package-path "$root" 2>&1 | progress
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ]; then echo "make run: swift build failed (exit $status)"; exit "$status"; fi
bin=$("$swift" build -c release --static-swift-stdlib --package-path "$root" --show-bin-path)
for tool in mcp-gateway mcp-worker mcpctl; do
  [ -x "$bin/$tool" ] || { echo "make run: $bin/$tool was not built"; exit 1; }
done

mkdir -p "$run/redis" "$run/logs"
pids=()
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "==> stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
  echo "stopped; logs are in $run/logs"
}
trap cleanup EXIT INT TERM

echo "==> starting redis-server on 127.0.0.1:$redis_port (data in run/redis, AOF on)"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$run/redis" --appendonly yes \
  --save "" --logfile "$run/logs/redis.log" --daemonize yes
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done

# A demo key ring with random secrets, written once and kept in run/ (git-ignored).
if [ ! -f "$run/keys.json" ]; then
  server_secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  client_secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
  printf '{\n  "server_id": "mcp-server-local",\n  "server_secret": "hex:%s",\n  "clients": {\n    "demo-client": {"secret": "hex:%s", "tools": ["*"]}\n  }\n}\n' \
    "$server_secret" "$client_secret" > "$run/keys.json"
  chmod 600 "$run/keys.json"
fi
server_secret=$(sed -n 's/.*"server_secret": "\(hex:[0-9a-f]*\)".*/\1/p' "$run/keys.json")
client_secret=$(sed -n 's/.*"demo-client": {"secret": "\(hex:[0-9a-f]*\)".*/\1/p' "$run/keys.json")

export MCP_REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "==> starting $workers workers and a gateway on $listen"
for i in $(seq 1 "$workers"); do
  "$bin/mcp-worker" --concurrency 16 > "$run/logs/worker-$i.log" 2>&1 &
  pids+=($!)
done
"$bin/mcp-gateway" --keys "$run/keys.json" --listen "$listen" > "$run/logs/gateway.log" 2>&1 &
pids+=($!)

export MCP_GATEWAY_URL="http://$listen" MCP_CLIENT_ID=demo-client MCP_CLIENT_SECRET="$client_secret" \
  MCP_SERVER_ID=mcp-server-local MCP_SERVER_SECRET="$server_secret"
ctl="$bin/mcpctl"
for _ in $(seq 1 100); do "$ctl" call server_identity >/dev/null 2>&1 && break; sleep 0.1; done

step() { echo; echo "\$ mcpctl $*"; "$ctl" "$@" || true; }
echo
echo "==> the original design's demo"
step call server_identity
step call batch_sum --args '{"numbers": [1, 2.5, 3, 10]}'
step call batch_sum --args '{"numbers": []}'
step call start_long_task --args '{"seconds": 3, "payload": {"hello": "world"}}'

# Everything mcpctl needs, as a file a second shell can source and as the banner.
cat > "$run/env.sh" <<ENV
# Written by make run: the local demo's settings for mcpctl (source it: . run/env.sh).
export MCP_GATEWAY_URL=$MCP_GATEWAY_URL
export MCP_CLIENT_ID=$MCP_CLIENT_ID
export MCP_CLIENT_SECRET=$MCP_CLIENT_SECRET
export MCP_SERVER_ID=$MCP_SERVER_ID
export MCP_SERVER_SECRET=$MCP_SERVER_SECRET
export MCP_REDIS_URL=$MCP_REDIS_URL
export PATH="$bin:\$PATH"
ENV
chmod 600 "$run/env.sh"

cat <<MSG

==> MCPStreams is running: gateway http://$listen, $workers workers, Redis 127.0.0.1:$redis_port
In another shell, set what mcpctl needs (or run: . $run/env.sh)
$(sed -n 's/^export /  export /p' "$run/env.sh")

  # MCP_CLIENT_*: who calls (call, poll, cancel, mcp); MCP_SERVER_*: verify each response's signature;
  # MCP_REDIS_URL: stats and dead read Redis directly. The secrets are this demo's, from $run/keys.json.
Then try:
  mcpctl call batch_sum --args '{"numbers": [4, 5]}'
  mcpctl call start_long_task --args '{"seconds": 5}' --no-wait   # prints the job id
  mcpctl poll JOB_ID
  mcpctl stats
  mcpctl dead list
  mcpctl mcp tools
Watch Redis: redis-cli -p $redis_port xinfo groups 'mcp:{0}:stream'
Logs:        $run/logs/   Key ring: $run/keys.json
MSG
if [ "${MCP_RUN_NO_WAIT:-0}" = 1 ]; then exit 0; fi
echo "Press Ctrl-C to stop everything."
wait "${pids[@]}"

