#!/usr/bin/env bash
# Feed one signed batch_sum call to MCPStreams through Redis, with nothing but
# bash (≥ 5), redis-cli and openssl — how a cron job or a shell service would.
#
#   MCP_REDIS_URL=redis://127.0.0.1:6379/0 MCP_CLIENT_ID=billing \
#   MCP_CLIENT_SECRET=... MCP_SERVER_ID=mcp-server-001 examples/shell/produce.sh 4 5 6
#
# Prints the request_id; find the job with poll_job {"request_id": ...}.
# MCP_REDIS_URL is redis://[user@]host:port[/db] or unix:///path/redis.sock;
# put a password in REDISCLI_AUTH (redis-cli reads it), not in the URL.
# MCP_PREFIX is the key prefix (default mcp).
#
# The canonical JSON is written by hand: keys sorted, no spaces — exactly
# Python's json.dumps(obj, sort_keys=True, separators=(",", ":")) for these
# values (ASCII ids, integer numbers). openssl sees the secret on its command
# line, so other local users could read it in the process list while it runs;
# on shared hosts use examples/python/produce.py instead.
set -euo pipefail

redis_url=${MCP_REDIS_URL:-redis://127.0.0.1:6379/0}
prefix=${MCP_PREFIX:-mcp}
client_id=${MCP_CLIENT_ID:-client-001}
server_id=${MCP_SERVER_ID:-mcp-server-001}
secret=${MCP_CLIENT_SECRET:?set MCP_CLIENT_SECRET (and MCP_CLIENT_ID, MCP_SERVER_ID)}

# Ids go into the JSON unescaped: allow only characters that need no escaping.
for value in "$client_id" "$server_id" "$prefix"; do
    [[ $value =~ ^[A-Za-z0-9._:-]+$ ]] || { echo "produce.sh: '$value' must be letters, digits, . _ : -" >&2; exit 2; }
done
numbers=("$@")
(( ${#numbers[@]} > 0 )) || numbers=(1 2 3)
for n in "${numbers[@]}"; do
    [[ $n =~ ^-?(0|[1-9][0-9]{0,14})$ ]] || { echo "produce.sh: '$n' is not an integer" >&2; exit 2; }
done
list=$(IFS=,; echo "${numbers[*]}")

request_id=$(openssl rand -hex 16)
nonce=$(openssl rand -hex 16)
ts_ms=$(( ${EPOCHREALTIME/./} / 1000 ))  # bash's own clock, in ms

# Members in sorted order: args, client_id, nonce, request_id, server_id, tool, ts_ms, v.
unsigned="{\"args\":{\"numbers\":[$list]},\"client_id\":\"$client_id\",\"nonce\":\"$nonce\",\"request_id\":\"$request_id\",\"server_id\":\"$server_id\",\"tool\":\"batch_sum\",\"ts_ms\":$ts_ms,\"v\":\"mcp/0.1\"}"
read -r signature _ < <(printf '%s' "$unsigned" | openssl dgst -sha256 -hmac "$secret" -r)
envelope="${unsigned%\}},\"signature\":\"$signature\"}"

if [[ $redis_url == unix://* ]]; then
    cli=(redis-cli -s "${redis_url#unix://}")
else
    cli=(redis-cli -u "$redis_url")
fi
"${cli[@]}" XADD "$prefix:ingress" '*' envelope "$envelope" > /dev/null
echo "$request_id"
