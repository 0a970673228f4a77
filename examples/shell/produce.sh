#!/usr/bin/env bash
# Feed one signed batch_sum call to MCPStreams through Redis, with nothing but
# bash (≥ 5), redis-cli and openssl — how a cron job or a shell service would.
#
#   MCP_REDIS_URL=redis://127.0.0.1:6379/0 MCP_CLIENT_ID=billing \
#   MCP_CLIENT_SECRET=... MCP_SERVER_ID=mcp-server-001 examples/shell/produce.sh 4 5 6
#
# Prints the request_id; find the job with poll_job {"request_id": ...}.
# MCP_REDIS_URL is redis://[user[:password]@]host[:port][/db] or
# unix:///path/redis.sock[?user=U&password=P] (the forms mcp-gateway takes);
# MCP_PREFIX is the key prefix (default mcp). The Redis user needs only XADD on
# mcp:ingress (`producer` in deploy/redis/users.acl); give it to trusted services
# only: Redis cannot stop an XADD from trimming the stream or choosing its id, so
# this script always appends with `*` and no trimming (deploy/redis/README.md).
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

# The URL forms MCPStreams takes: redis://[user[:password]@]host[:port][/db] and
# unix:///path/redis.sock[?user=U&password=P&db=N]. The password reaches redis-cli
# through REDISCLI_AUTH, never its command line.
user="" password="" db=0
if [[ $redis_url =~ ^unix://([^?]+)(\?(.*))?$ ]]; then
    cli=(redis-cli -s "${BASH_REMATCH[1]}")
    IFS='&' read -r -a query <<< "${BASH_REMATCH[3]}"
    for pair in "${query[@]}"; do
        case $pair in
            user=*) user=${pair#user=} ;;
            password=*) password=${pair#password=} ;;
            db=*) db=${pair#db=} ;;
        esac
    done
elif [[ $redis_url =~ ^redis://(([^:@/]*)(:([^@/]*))?@)?([^:/@]+)(:([0-9]+))?(/([0-9]+))?/?$ ]]; then
    user=${BASH_REMATCH[2]} password=${BASH_REMATCH[4]} db=${BASH_REMATCH[9]:-0}
    cli=(redis-cli -h "${BASH_REMATCH[5]}" -p "${BASH_REMATCH[7]:-6379}")
else
    echo "produce.sh: MCP_REDIS_URL '$redis_url' is not redis://… or unix://…" >&2
    exit 2
fi
cli+=(-n "$db" --no-auth-warning)
[[ -n $user ]] && cli+=(--user "$user")
[[ -n $password ]] && export REDISCLI_AUTH=$password
# redis-cli prints an error reply (NOPERM, NOAUTH…) instead of the entry id and may still exit 0.
entry=$("${cli[@]}" XADD "$prefix:ingress" '*' envelope "$envelope")
[[ $entry =~ ^[0-9]+-[0-9]+$ ]] || { echo "produce.sh: XADD failed: $entry" >&2; exit 1; }
echo "$request_id"
