"""Feed one signed envelope to MCPStreams through Redis, as another service would.

    pip install -r requirements.txt
    MCP_REDIS_URL=redis://producer:PASSWORD@127.0.0.1:6379/0 \\
    MCP_CLIENT_ID=billing MCP_CLIENT_SECRET=... MCP_SERVER_ID=mcp-server-001 \\
        python produce.py batch_sum '{"numbers": [1, 2.5, 3]}'

It signs the envelope exactly like client.py (HMAC-SHA256 over
json.dumps(..., sort_keys=True, separators=(",", ":")) of the envelope without
"signature"), appends it to the ingress stream with
`XADD mcp:ingress * envelope <json>` and prints the request_id. A gateway
verifies it like an HTTP request and publishes the job; find it with
`poll_job {"request_id": ...}` (mcpctl or client.py). A refused envelope is
recorded in mcp:ingress:rejected with its code and reason.

To wait for the answer without polling, set MCP_REPLY_TO to a results stream
name (letters, digits, _ and -): the entry carries `reply_to <name>`, and the
gateway or worker appends how the job ended (or why its envelope was refused)
to mcp:results:<name> — fields request_id, client_id, job_id, status
(done|error|cancelled|refused), result, error, error_code (and entry_id for a
refusal). The script blocks on
that stream (XREAD BLOCK) for up to MCP_WAIT_SECONDS (default 30), then prints
the request_id and, on a second line, the entry as JSON; it exits 1 unless the
status is done. Its user then also needs to read that stream
(`%R~mcp:results:* +xread` — deploy/redis/users.acl).

MCP_REDIS_URL is redis://[user:pass@]host:port[/db] or
unix:///path/redis.sock[?user=U&password=P&db=N], the forms mcp-gateway takes
(default redis://127.0.0.1:6379/0); MCP_PREFIX is the key prefix (default mcp).
The Redis user needs nothing but XADD on mcp:ingress (the `producer` user of
deploy/redis/users.acl). Give that user only to trusted services: Redis ACLs
cannot stop an XADD from trimming the stream (MAXLEN) or choosing its id, so
this script always appends with `*` and no trimming; an untrusted service posts
the same envelope to the gateway's POST /v1/envelopes instead.
"""

import hashlib
import hmac
import json
import os
import sys
import time
import uuid

import urllib.parse

import redis

REDIS_URL = os.environ.get("MCP_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = os.environ.get("MCP_PREFIX", "mcp")
CLIENT_ID = os.environ.get("MCP_CLIENT_ID", "client-001")
CLIENT_SECRET = os.environ.get("MCP_CLIENT_SECRET", "").encode()
SERVER_ID = os.environ.get("MCP_SERVER_ID", "mcp-server-001")
REPLY_TO = os.environ.get("MCP_REPLY_TO", "")
WAIT_SECONDS = float(os.environ.get("MCP_WAIT_SECONDS", "30"))


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: bytes, obj: dict) -> str:
    return hmac.new(secret, canonical(obj), hashlib.sha256).hexdigest()


def envelope(tool: str, args: dict) -> dict:
    unsigned = {
        "v": "mcp/0.1", "request_id": str(uuid.uuid4()), "ts_ms": int(time.time() * 1000),
        "client_id": CLIENT_ID, "server_id": SERVER_ID, "tool": tool, "args": args,
        "nonce": str(uuid.uuid4()),
    }
    return {**unsigned, "signature": sign(CLIENT_SECRET, unsigned)}


def connect(url: str) -> redis.Redis:
    """redis:// URLs as redis-py reads them; unix:// with MCPStreams' ?user=&password= query."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "unix":
        return redis.Redis.from_url(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    return redis.Redis(
        unix_socket_path=parts.path, username=query.get("user"), password=query.get("password"),
        db=int(query.get("db", "0")))


def wait_for_result(connection: redis.Redis, stream: str, request_id: str, after: str, timeout: float, ingress_entry: str = ""):
    """Blocks on the results stream until the entry for request_id arrives; None after timeout seconds.

    Entries of other requests (this producer's others) are skipped; start from
    just before the ingress entry's time, since every answer is appended after it.
    A refusal before the signature was verified carries no request_id (anyone
    could claim one): it names the refused ingress entry in entry_id instead.
    """
    deadline = time.monotonic() + timeout
    cursor = after
    while (remaining := deadline - time.monotonic()) > 0:
        reply = connection.xread({stream: cursor}, count=100, block=max(1, int(min(remaining, 5.0) * 1000)))
        for _key, entries in reply or []:
            for entry_id, fields in entries:
                cursor = entry_id
                if fields.get(b"request_id", b"").decode() == request_id or (
                    ingress_entry and fields.get(b"entry_id", b"").decode() == ingress_entry
                ):
                    return {name.decode(): value.decode() for name, value in fields.items()}
    return None


def main() -> int:
    if not CLIENT_SECRET:
        print("produce.py: set MCP_CLIENT_SECRET (and MCP_CLIENT_ID, MCP_SERVER_ID)", file=sys.stderr)
        return 2
    tool = sys.argv[1] if len(sys.argv) > 1 else "batch_sum"
    args = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"numbers": [1, 2.5, 3]}
    signed = envelope(tool, args)
    connection = connect(REDIS_URL)
    # The stream stores the envelope as sent; the gateway re-canonicalises it before checking the signature.
    fields = {"envelope": json.dumps(signed)}
    if REPLY_TO:
        fields["reply_to"] = REPLY_TO
    entry_id = connection.xadd(f"{PREFIX}:ingress", fields).decode()
    print(signed["request_id"], flush=True)
    if not REPLY_TO:
        return 0
    milliseconds = int(entry_id.split("-")[0])
    result = wait_for_result(connection, f"{PREFIX}:results:{REPLY_TO}", signed["request_id"], f"{milliseconds - 1}-0", WAIT_SECONDS, entry_id)
    if result is None:
        print(f"produce.py: no answer on {PREFIX}:results:{REPLY_TO} within {WAIT_SECONDS} s", file=sys.stderr)
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0 if result.get("status") == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
