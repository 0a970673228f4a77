"""MCPStreams example client, written like the original Python tutorial.

    pip install -r requirements.txt
    MCP_CLIENT_ID=client-001 MCP_CLIENT_SECRET=... MCP_SERVER_ID=... MCP_SERVER_SECRET=... \\
        python client.py demo

Every response, errors included, is parsed with the strict `Response` model
(no extra members, no type coercion) and its signature is verified with the
server secret. The demo stops with exit status 1 at the first failed check.
"""

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

GATEWAY = os.environ.get("MCP_GATEWAY_URL", "http://127.0.0.1:8080").rstrip("/")
CLIENT_ID = os.environ.get("MCP_CLIENT_ID", "client-001")
CLIENT_SECRET = os.environ.get("MCP_CLIENT_SECRET", "").encode()
SERVER_ID = os.environ.get("MCP_SERVER_ID", "mcp-server-001")
SERVER_SECRET = os.environ.get("MCP_SERVER_SECRET", "").encode()


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: str = "mcp/0.1"
    request_id: str
    ts_ms: int
    client_id: str
    server_id: str
    tool: str
    args: dict
    nonce: str
    signature: str


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: str
    request_id: str
    ts_ms: int
    ok: bool
    server_id: str
    status: Literal["ok", "accepted", "running", "done", "error"]
    result: Optional[dict]
    error: Optional[str]
    signature: str


class CheckFailed(Exception):
    pass


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: bytes, obj: dict) -> str:
    return hmac.new(secret, canonical(obj), hashlib.sha256).hexdigest()


def envelope(tool: str, args: dict, ts_ms: Optional[int] = None, request_id: Optional[str] = None) -> dict:
    """A signed envelope as a plain dict (so tests can tamper with it)."""
    unsigned = Envelope(
        request_id=request_id or str(uuid.uuid4()), ts_ms=ts_ms if ts_ms is not None else int(time.time() * 1000),
        client_id=CLIENT_ID, server_id=SERVER_ID, tool=tool, args=args,
        nonce=str(uuid.uuid4()), signature="",
    ).model_dump(exclude={"signature"})
    return {**unsigned, "signature": sign(CLIENT_SECRET, unsigned)}


def post(body: dict) -> tuple[int, Response]:
    """POSTs an envelope; returns the HTTP status and the validated, verified response."""
    request = urllib.request.Request(
        f"{GATEWAY}/v1/envelopes", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, raw = reply.status, reply.read()
    except urllib.error.HTTPError as error:  # 4xx/5xx still carry a signed response
        status, raw = error.code, error.read()
    except urllib.error.URLError as error:
        raise CheckFailed(f"cannot reach the gateway at {GATEWAY}: {error.reason}")
    try:
        response = Response.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise CheckFailed(f"HTTP {status} response does not validate:\n{error}\nbody: {raw.decode(errors='replace')}")
    expected = sign(SERVER_SECRET, {**response.model_dump(), "signature": ""})
    if not hmac.compare_digest(expected, response.signature):
        raise CheckFailed(f"HTTP {status} response has a bad signature: {raw.decode(errors='replace')}")
    if response.server_id != SERVER_ID:
        raise CheckFailed(f"response names server {response.server_id!r}, expected {SERVER_ID!r}")
    return status, response


def call(tool: str, args: dict) -> tuple[int, Response]:
    return post(envelope(tool, args))


def expect(condition: bool, message: str, response: Optional[Response] = None) -> None:
    if not condition:
        detail = f"\nresponse: {response.model_dump_json()}" if response is not None else ""
        raise CheckFailed(message + detail)


def expect_ok(status: int, response: Response, http: int = 200, wire: str = "ok") -> None:
    expect(status == http and response.status == wire and response.ok,
           f"expected HTTP {http} status {wire!r}, got HTTP {status} status {response.status!r}", response)


def expect_error(status: int, response: Response, http: int, code: str) -> None:
    expect(status == http, f"expected HTTP {http}, got {status}", response)
    expect(not response.ok and response.status == "error", "expected ok=false, status='error'", response)
    expect((response.error or "").startswith(code + ":"), f"expected error starting {code + ':'!r}", response)


# ---- demo steps -------------------------------------------------------------

def step_server_identity() -> str:
    status, response = call("server_identity", {})
    expect_ok(status, response)
    expect((response.result or {}).get("server_id") == SERVER_ID, "server_identity names another server", response)
    return f"server_identity server_id={response.result['server_id']}"


def step_batch_sum() -> str:
    status, response = call("batch_sum", {"numbers": [1, 2.5, 3, 10]})
    expect_ok(status, response)
    expect((response.result or {}).get("total") == 16.5, "expected total 16.5", response)
    return f"batch_sum total={response.result['total']}"


def step_batch_sum_empty() -> str:
    status, response = call("batch_sum", {"numbers": []})
    expect_error(status, response, 422, "invalid_args")
    return f"batch_sum [] -> {status} {response.error}"


def step_bad_signature() -> str:
    body = envelope("server_identity", {})
    body["signature"] = sign(b"not-the-client-secret", {k: v for k, v in body.items() if k != "signature"})
    status, response = post(body)
    expect_error(status, response, 401, "bad_signature")
    return f"bad signature -> {status} {response.error}"


def step_replay() -> str:
    body = envelope("batch_sum", {"numbers": [1, 2]})
    status, response = post(body)
    expect_ok(status, response)
    status, response = post(body)
    expect_error(status, response, 409, "replayed")
    return f"replayed envelope -> {status} {response.error}"


def step_request_id_reused() -> str:
    request_id = str(uuid.uuid4())
    status, response = post(envelope("start_long_task", {"seconds": 1}, request_id=request_id))
    expect_ok(status, response, http=202, wire="accepted")
    job_id = (response.result or {}).get("job_id")
    # The same call again (a fresh nonce) is a retry: it finds that job, never a second one.
    status, response = post(envelope("start_long_task", {"seconds": 1}, request_id=request_id))
    expect(status == 200 and (response.result or {}).get("job_id") == job_id, "a retry should return the first job", response)
    # Another call under the same request_id is refused, not answered with the first call's job.
    status, response = post(envelope("start_long_task", {"seconds": 2}, request_id=request_id))
    expect_error(status, response, 422, "request_id_reused")
    return f"request_id reused for other args -> {status} {response.error}"


def step_stale() -> str:
    status, response = post(envelope("server_identity", {}, ts_ms=int(time.time() * 1000) - 3_600_000))
    expect_error(status, response, 401, "stale_request")
    return f"stale ts_ms -> {status} {response.error}"


def step_unknown_tool() -> str:
    status, response = call("no_such_tool", {})
    expect_error(status, response, 404, "unknown_tool")
    return f"unknown tool -> {status} {response.error}"


def step_extra_member() -> str:
    body = {**envelope("server_identity", {}), "priority": "high"}
    status, response = post(body)
    expect_error(status, response, 400, "invalid_envelope")
    return f"extra member -> {status} {response.error}"


def step_long_task() -> str:
    payload = {"note": "demo", "items": [1, 2, 3]}
    status, response = call("start_long_task", {"seconds": 1, "payload": payload})
    expect_ok(status, response, http=202, wire="accepted")
    job_id = (response.result or {}).get("job_id")
    expect(isinstance(job_id, str) and job_id != "", "accepted response has no result.job_id", response)
    print(f"    job {job_id} accepted")
    deadline = time.monotonic() + 30
    while True:
        status, response = call("poll_job", {"job_id": job_id})
        expect(status == 200 and response.status in ("accepted", "running", "done"),
               f"poll_job: unexpected HTTP {status} status {response.status!r}", response)
        result = response.result or {}
        print(f"    {response.status:<8} progress={result.get('progress')} {result.get('message') or ''}".rstrip())
        if response.status == "done":
            break
        expect(time.monotonic() < deadline, "job not done after 30 s", response)
        time.sleep(0.2)
    echo = (result.get("result") or {}).get("echo_payload")
    expect(echo == payload, f"echo_payload {echo!r} != {payload!r}", response)
    return f"start_long_task done echo_payload={json.dumps(echo, sort_keys=True)}"


STEPS = [step_server_identity, step_batch_sum, step_batch_sum_empty, step_bad_signature, step_replay,
         step_request_id_reused, step_stale, step_unknown_tool, step_extra_member, step_long_task]


def demo() -> int:
    if not CLIENT_SECRET or not SERVER_SECRET:
        print("set MCP_CLIENT_SECRET and MCP_SERVER_SECRET", file=sys.stderr)
        return 2
    for step in STEPS:
        try:
            print(f"ok  {step()}", flush=True)
        except CheckFailed as failure:
            print(f"FAIL {step.__name__.removeprefix('step_')}: {failure}", file=sys.stderr)
            return 1
    print("demo passed")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["demo"]:
        print("usage: python client.py demo", file=sys.stderr)
        sys.exit(2)
    sys.exit(demo())
