#!/usr/bin/env python3
"""Writes the hand-made seeds of every fuzz target into Fuzz/seeds/<target>/.

Seeds come from the signing vectors (Tests/MCPWireTests/Fixtures/vectors.json)
and from the reply shapes Redis really sends. Rerun after editing; the files
are committed. Known-trap inputs go to Fuzz/known-traps/ (see docs/fuzzing.md).
"""
import base64, hashlib, hmac, json, os, shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
VECTORS = json.load(open(os.path.join(ROOT, "..", "Tests", "MCPWireTests", "Fixtures", "vectors.json"), encoding="utf-8"))
NOW_MS = 1766383443222
SERVER = "mcp-server-prod-001"


def write(kind, target, name, data):
    folder = os.path.join(ROOT, kind, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def envelope(tool, args, ts=NOW_MS, client="client-001", request="req-1", nonce="nonce-1", v="mcp/0.1", server=SERVER):
    env = {"v": v, "request_id": request, "ts_ms": ts, "client_id": client, "server_id": server,
           "tool": tool, "args": args, "nonce": nonce}
    env["signature"] = hmac.new(b"client_secret", canonical(env).encode(), hashlib.sha256).hexdigest()
    return json.dumps(env, separators=(",", ":"))


def resp(value):
    """RESP2 text of a Python value: str → bulk, int → integer, None → nil, list → array, ('+', s)/('-', s) → status/error."""
    if value is None:
        return "$-1\r\n"
    if isinstance(value, tuple):
        return f"{value[0]}{value[1]}\r\n"
    if isinstance(value, int):
        return f":{value}\r\n"
    if isinstance(value, str):
        b = value.encode()
        return f"${len(b)}\r\n{value}\r\n"
    return f"*{len(value)}\r\n" + "".join(resp(v) for v in value)


def flat(d):
    out = []
    for k, v in d.items():
        out += [k, v]
    return out


for kind in ("seeds",):
    shutil.rmtree(os.path.join(ROOT, kind), ignore_errors=True)

# --- json and envelope: every vector, quirk and canonicalisation case ---
for i, v in enumerate(VECTORS["vectors"]):
    write("seeds", "envelope", f"vector-{i:02d}-{v['name']}", v["envelope_wire"])
    write("seeds", "json", f"vector-{i:02d}-{v['name']}", v["envelope_wire"])
for i, q in enumerate(VECTORS["quirks"]):
    write("seeds", "envelope", f"quirk-{i:02d}-{q['name']}", q["envelope_wire"])
for i, c in enumerate(VECTORS["canonicalization_cases"]):
    write("seeds", "json", f"canonical-{i:02d}-{c['name']}", c["wire"])
write("seeds", "json", "jsonrpc-tools-call", json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
      "params": {"name": "echo", "arguments": {"text": "hi"}, "task": {"ttl": 60000}}}))
write("seeds", "json", "response", json.dumps({"v": "mcp/0.1", "request_id": "r", "ts_ms": 1, "ok": True, "server_id": SERVER,
      "status": "ok", "result": {"count": 2}, "error": None, "signature": ""}))
write("seeds", "json", "deep", "[" * 64 + "]" * 64)
for name, text in [("duplicate-key", '{"a":1,"a":2}'), ("nan", "[NaN]"), ("infinity", "-Infinity"), ("lone-surrogate", '"\\ud800"'),
                   ("trailing", "{} x"), ("too-deep", "[" * 65 + "]" * 65), ("leading-zero", "01"), ("overflow", "1e400"),
                   ("control-char", '"\x01"'), ("empty", " ")]:
    write("seeds", "json", f"bad-{name}", text)
write("seeds", "json", "bad-utf8", b'"\xff\xfe"')
write("seeds", "json", "numbers", "[0,-0,1e308,-1e-308,1.7976931348623157e308,5e-324,18446744073709551616,-9223372036854775809,0.1]")

# --- envelope: hand-made, fresh and signed, one per tool and edge ---
for name, tool, args in [
    ("batch-sum", "batch_sum", {"numbers": [1, 2.5, -3, 1e300, 18446744073709551616]}),
    ("long-task", "start_long_task", {"seconds": 1, "payload": {"a": [1, None, True]}}),
    ("echo", "echo", {"text": "héllo"}),
    ("noop", "noop", {}),
    ("server-identity", "server_identity", {}),
    ("poll-job", "poll_job", {"job_id": "0123456789abcdef0123456789abcdef"}),
    ("poll-request", "poll_job", {"request_id": "req-0"}),
    ("cancel-job", "cancel_job", {"job_id": "0123456789abcdef0123456789abcdef"}),
    ("unknown-tool", "nope", {}),
    ("bad-args", "batch_sum", {"numbers": "1,2"}),
]:
    write("seeds", "envelope", f"signed-{name}", envelope(tool, args))
write("seeds", "envelope", "signed-forbidden", envelope("echo", {"text": "x"}, client="client-002"))
write("seeds", "envelope", "signed-stale", envelope("noop", {}, ts=NOW_MS - 300_001))
write("seeds", "envelope", "signed-future-edge", envelope("noop", {}, ts=NOW_MS + 300_000))
write("seeds", "envelope", "signed-huge-ts", envelope("noop", {}, ts=9223372036854775807))
write("seeds", "envelope", "signed-bigger-than-int64-ts", envelope("noop", {}, ts=92233720368547758070))
write("seeds", "envelope", "signed-wrong-server", envelope("noop", {}, server="other"))
write("seeds", "envelope", "signed-version-2", envelope("noop", {}, v="mcp/2"))
write("seeds", "envelope", "signed-unknown-client", envelope("noop", {}, client="nobody"))

# --- http-signature: Signature-Input, Signature, Content-Digest, one header, body ---
BODY = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "hi"}}})
DIGEST = "sha-256=:" + base64.b64encode(hashlib.sha256(BODY.encode()).digest()).decode() + ":"
CREATED = NOW_MS // 1000


def http_seed(params, components='"@method" "@target-uri" "content-digest"', label="sig1", header="MCP-Protocol-Version: 2025-11-25", body=BODY, digest=DIGEST):
    sig_input = f"{label}=({components}){params}"
    return f"{sig_input}\n{label}=:AAAA:\n{digest}\n{header}\n{body}"


base_params = f';created={CREATED};keyid="client-001";alg="hmac-sha256";nonce="n-1"'
write("seeds", "http-signature", "full", http_seed(base_params))
write("seeds", "http-signature", "authority-path-scheme", http_seed(base_params, components='"@method" "@target-uri" "@authority" "@path" "@scheme" "content-digest" "mcp-protocol-version"'))
write("seeds", "http-signature", "expires", http_seed(base_params + f";expires={CREATED + 60}"))
write("seeds", "http-signature", "no-nonce", http_seed(f';created={CREATED};keyid="client-001"'))
write("seeds", "http-signature", "stale", http_seed(f';created={CREATED - 301};keyid="client-001";nonce="n"'))
write("seeds", "http-signature", "big-created", http_seed(';created=999999999999999;keyid="client-001";nonce="n"'))
write("seeds", "http-signature", "negative-created", http_seed(';created=-999999999999999;keyid="client-001";nonce="n"'))
write("seeds", "http-signature", "wrong-alg", http_seed(f';created={CREATED};keyid="client-001";alg="rsa-pss-sha512";nonce="n"'))
write("seeds", "http-signature", "tag", http_seed(f';created={CREATED};keyid="client-001";tag="x";nonce="n"'))
write("seeds", "http-signature", "two-labels", http_seed(base_params) .replace("\n", ", sig2=(\"@method\");keyid=\"client-002\"\n", 1))
write("seeds", "http-signature", "unknown-client", http_seed(f';created={CREATED};keyid="nobody";nonce="n"'))
write("seeds", "http-signature", "tasks-get", http_seed(base_params, header="Mcp-Method: tasks/get",
      body=json.dumps({"jsonrpc": "2.0", "id": "a", "method": "tasks/get", "params": {"taskId": "0123456789abcdef0123456789abcdef"}})))
write("seeds", "http-signature", "batch-body", http_seed(base_params, body="[1,2]"))
write("seeds", "http-signature", "digest-list", http_seed(base_params, digest="sha-512=:AAAA:, " + DIGEST))

# --- schema: schema line, newline, instance ---
SCHEMAS = {
    "batch-sum": {"type": "object", "properties": {"numbers": {"type": "array", "items": {"type": "number"}, "minItems": 1}},
                  "required": ["numbers"], "additionalProperties": False},
    "long-task": {"type": "object", "properties": {"seconds": {"type": "integer", "minimum": 1, "maximum": 20}, "payload": True},
                  "required": ["seconds"], "additionalProperties": False},
    "bounds": {"type": ["number", "string"], "exclusiveMinimum": 0, "exclusiveMaximum": 18446744073709551616,
               "minLength": 2, "maxLength": 5},
    "enum-const": {"enum": [1, 1.0, "a", None, [1], {"a": 1}], "const": 1},
    "nested": {"type": "object", "additionalProperties": {"type": "array", "maxItems": 2, "items": {"type": "boolean"}}},
    "false": False,
    "bad": {"type": 5, "minimum": "x", "items": 3, "properties": [], "required": "a"},
    "descriptor": {"name": "t", "description": "d", "mode": "sync", "timeout_ms": 1000, "sync_budget_ms": 100,
                   "max_attempts": 3, "retry_backoff_ms": 1000, "input_schema": {"type": "object"}},
}
INSTANCES = {
    "numbers": {"numbers": [1, 2.5, -0.0, 1e308, 18446744073709551616]},
    "seconds": {"seconds": 20, "payload": {"x": "y"}},
    "string": "abcd",
    "big": 18446744073709551615,
    "float-int": 1.0,
    "object": {"a": [True, False, True], "b": []},
    "text": {"text": "hi"},
    "empty": {},
}
for sname, schema in SCHEMAS.items():
    for iname, instance in INSTANCES.items():
        write("seeds", "schema", f"{sname}--{iname}", json.dumps(schema) + "\n" + json.dumps(instance))
for iname, instance in INSTANCES.items():
    write("seeds", "schema", f"instance-{iname}", json.dumps(instance))

# --- redis-reply: the reply shapes the broker reads ---
ENV = envelope("echo", {"text": "hi"})
JOB = "0123456789abcdef0123456789abcdef"
MAX_ID = "18446744073709551615-18446744073709551615"
R = {
    "xreadgroup-job": [["mcp:{0}:stream", [["1766383443222-0", ["job_id", JOB, "envelope", ENV, "attempt", "1", "reply_to", "gw-1"]]]]],
    "xreadgroup-foreign": [["mcp:{0}:stream", [["1-1", ["other", "x"]], ["2-0", None]]]],
    "xreadgroup-ingress": [["mcp:ingress", [["1766383443222-5", ["envelope", ENV]], ["1766383443222-6", ["envelope", "{"]]]]],
    "xread-reply": [["mcp:replies:gw-1", [["5-0", ["job_id", JOB, "status", "done", "result", '{"count":2,"total":3}', "error", ""]]]]],
    "xautoclaim": ["0-0", [["3-0", ["job_id", JOB, "envelope", ENV, "attempt", "2"]]], ["4-0"]],
    "xpending-summary": [3, "1-0", "5-0", [["worker-1", "2"], ["worker-2", "1"]]],
    "xpending-extended": [["1-0", "worker-1", 60000, 2], ["5-0", "worker-2", 10, 1]],
    "xinfo-groups": [flat({"name": "workers", "consumers": 2, "pending": 3, "last-delivered-id": "5-0", "entries-read": 5, "lag": 0})],
    "xinfo-groups-nil-lag": [flat({"name": "gateways", "consumers": 1, "pending": 0, "last-delivered-id": "0-0", "entries-read": None, "lag": None})],
    "xinfo-consumers": [flat({"name": "worker-1", "pending": 2, "idle": 100, "inactive": 50})],
    "xinfo-stream": flat({"length": 10, "radix-tree-keys": 1, "last-generated-id": "9-0", "entries-added": 12, "groups": 1}),
    "hgetall-job-running": flat({"status": "running", "tool": "start_long_task", "client_id": "client-001", "request_id": "r",
                                 "created_ms": "1766383443222", "updated_ms": "1766383443300", "started_ms": "1766383443250",
                                 "attempts": "1", "progress": "0.5", "message": "half", "worker": "worker-1"}),
    "hgetall-job-done": flat({"status": "done", "tool": "batch_sum", "client_id": "client-001", "request_id": "r",
                              "created_ms": "1", "finished_ms": "2", "progress": "1", "result": '{"count":4,"total":16.5}'}),
    "hgetall-job-error": flat({"status": "error", "error": "timeout: ran longer than 30 s", "dead": "1", "retry_at_ms": "9"}),
    "hgetall-job-cancelled": flat({"status": "cancelled", "cancel_requested": "1", "error": "cancelled: by the client"}),
    "hgetall-job-edges": flat({"status": "queued", "created_ms": "9223372036854775807", "updated_ms": "-9223372036854775808",
                               "attempts": "-1", "progress": "1e308", "result": "[1]"}),
    "hgetall-heartbeat": flat({"host": "h", "pid": "42", "in_flight": "1", "concurrency": "4", "beat_ms": "1766383443222",
                               "started_ms": "1766383000000", "version": "0.1.0"}),
    "hgetall-catalog": flat({"echo": json.dumps({"name": "echo", "description": "Echo.", "mode": "sync", "timeout_ms": 30000,
                             "sync_budget_ms": 2000, "max_attempts": 3, "retry_backoff_ms": 1000,
                             "input_schema": {"type": "object"}}), "bad": "{"}),
    "claim-run": ["run", "2"],
    "claim-exhausted": ["exhausted", "3"],
    "claim-skip": ["done"],
    "claim-missing": ["missing"],
    "stream-ids": [["18446744073709551615-18446744073709551614", ["job_id", JOB]], ["18446744073709551614-18446744073709551615", []], ["0-0", []]],
}
for name, value in R.items():
    write("seeds", "redis-reply", name, resp(value))
write("seeds", "redis-reply", "status-error-nil", "+OK\r\n-NOGROUP No such key\r\n$-1\r\n*-1\r\n:0\r\n")

# --- known traps (being fixed elsewhere): the harness must recognise them ---
shutil.rmtree(os.path.join(ROOT, "known-traps"), ignore_errors=True)
known = []
write("known-traps", "envelope", "ts-ms-int64-min-plus-now", envelope("noop", {}, ts=-9223372036854775808 + NOW_MS))
known.append("envelope/ts-ms-int64-min-plus-now known-trap:envelope-freshness-abs")
for name, progress in [("nan", "nan"), ("inf", "inf"), ("minus-inf", "-inf"), ("huge", "1e300")]:
    write("known-traps", "redis-reply", f"job-progress-{name}", resp(flat({"status": "running", "progress": progress})))
    known.append(f"redis-reply/job-progress-{name} known-trap:task-progress-int")
write("known-traps", "redis-reply", "xinfo-groups-max-id", resp([flat({"name": "gateways", "consumers": 1, "pending": 0,
      "last-delivered-id": MAX_ID, "lag": 0})]))
known.append("redis-reply/xinfo-groups-max-id known-trap:stream-id-successor-overflow")
write("known-traps", "redis-reply", "ingress-entry-max-id", resp([["mcp:ingress", [[MAX_ID, ["envelope", ENV]]]]]))
known.append("redis-reply/ingress-entry-max-id known-trap:stream-id-successor-overflow")
with open(os.path.join(ROOT, "known-traps", "EXPECTED"), "w") as f:
    f.write("# target/file outcome — inputs reaching traps that other fixes remove (docs/fuzzing.md)\n")
    f.write("\n".join(known) + "\n")
