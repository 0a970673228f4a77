"""The MCP 2026-07-28 Tasks extension over raw JSON-RPC, across two gateways, every request signed (RFC 9421).

    make venv-mcp2      (from the repository root; or: pip install -r requirements-mcp2.txt)
    MCP_URL_A=http://127.0.0.1:8080/mcp MCP_URL_B=http://127.0.0.1:8081/mcp \\
    MCP_CLIENT_ID=client-001 MCP_CLIENT_SECRET=... \\
    MCP_OTHER_CLIENT_ID=client-002 MCP_OTHER_CLIENT_SECRET=... \\
        .venv-mcp2/bin/python examples/python/mcp/tasks_2026.py
    (optional MCP_SERVER_ID / MCP_SERVER_SECRET: verify every response's signature too;
     MCP_TASKS_SCHEMA: the extension's schema.json, default Tests/EndToEndTests/Fixtures/ext-tasks-2026-07-28.schema.json)
    Bearer instead of signing: MCP_BEARER=<token of the first client> MCP_OTHER_BEARER=<token of the
    other client> in place of the four MCP_*CLIENT_ID / MCP_*CLIENT_SECRET variables (see signing.py)

No SDK helpers: stock mcp 2.3.0 has no tasks client, so this speaks the extension
(`io.modelcontextprotocol/tasks`, declared in every request's `_meta`) directly:
server/discover → tools/call start_long_task on A (resultType "task") → tasks/get on B until
completed, result inline → a second task created on A, cancelled on B, seen cancelled on A →
tasks/update acknowledged → unknown and foreign task ids refused with -32602.
Every result is validated with `jsonschema` against the extension's published JSON Schema.
Exits 1 on the first mismatch.
"""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import sys
import time
import uuid

import httpx2
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from signing import SigningConfig, make_auth

PROTOCOL = "2026-07-28"
TASKS = "io.modelcontextprotocol/tasks"
REPO = pathlib.Path(__file__).resolve().parents[3]
SCHEMA_PATH = pathlib.Path(
    os.environ.get("MCP_TASKS_SCHEMA") or REPO / "Tests/EndToEndTests/Fixtures/ext-tasks-2026-07-28.schema.json"
)


class Mismatch(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


class Schema:
    """The extension's schema.json in a `referencing` registry, so `$ref: "#/$defs/…"` inside it resolve."""

    def __init__(self, path: pathlib.Path):
        contents = json.loads(path.read_text())
        self.base = contents["$id"]
        self.registry = Registry().with_resource(self.base, Resource.from_contents(contents))
        self.defs = contents["$defs"]

    def check(self, definition: str, instance: object, what: str) -> None:
        expect(definition in self.defs, f"the schema has no $defs/{definition}")
        validator = Draft202012Validator({"$ref": f"{self.base}#/$defs/{definition}"}, registry=self.registry)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            details = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:5])
            raise Mismatch(f"{what} does not validate against $defs/{definition}: {details}\n  {json.dumps(instance)}")


class RPCError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


class Peer:
    """One client identity talking raw JSON-RPC (2026-07-28) to one gateway."""

    _ids = itertools.count(1)

    def __init__(self, http: httpx2.Client, url: str, schema: Schema, label: str):
        self.http, self.url, self.schema, self.label = http, url, schema, label

    def call(self, method: str, params: dict | None = None, *, name: str | None = None) -> dict:
        """POST one request; returns `result` or raises RPCError. Both are checked against the schema."""
        params = dict(params or {})
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": PROTOCOL,
            "io.modelcontextprotocol/clientInfo": {"name": "mcpstreams-tasks-2026", "version": "1.0.0"},
            "io.modelcontextprotocol/clientCapabilities": {"extensions": {TASKS: {}}},
        }
        request = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        headers = {
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": PROTOCOL,
            "Mcp-Method": method,
        }
        if name is not None:  # tools/call: the tool; tasks/*: the task id (the extension's routing header)
            headers["Mcp-Name"] = name
        response = self.http.post(self.url, content=json.dumps(request).encode(), headers=headers)
        what = f"{method} on {self.label} (HTTP {response.status_code})"
        expect(response.headers.get("content-type", "").startswith("application/json"),
               f"{what}: content-type {response.headers.get('content-type')!r}: {response.text[:300]}")
        body = response.json()
        expect(body.get("jsonrpc") == "2.0" and body.get("id") == request["id"],
               f"{what}: not the JSON-RPC response to id {request['id']}: {body}")
        if "error" in body:
            self.schema.check("Error", body["error"], f"{what} error")
            raise RPCError(body["error"])
        expect(response.status_code == 200, f"{what}: a result with HTTP status {response.status_code}")
        expect(isinstance(body.get("result"), dict), f"{what}: no result object: {body}")
        return body["result"]

    def task_call(self, method: str, task_id: str, params: dict | None = None, *, request_def: str) -> dict:
        """tasks/get|update|cancel: the request itself is checked against the schema too."""
        params = {"taskId": task_id, **(params or {})}
        self.schema.check(request_def, {"jsonrpc": "2.0", "id": 0, "method": method, "params": params}, f"our {method} request")
        return self.call(method, params, name=task_id)

    def get(self, task_id: str) -> dict:
        task = self.task_call("tasks/get", task_id, request_def="GetTaskRequest")
        self.schema.check("GetTaskResult", task, f"tasks/get on {self.label}")
        expect(task["taskId"] == task_id, f"tasks/get {task_id} answered taskId {task['taskId']!r}")
        return task

    def create(self, tool: str, arguments: dict) -> dict:
        created = self.call("tools/call", {"name": tool, "arguments": arguments}, name=tool)
        expect(created.get("resultType") == "task", f"tools/call {tool} on {self.label}: resultType {created.get('resultType')!r}, want task: {created}")
        self.schema.check("CreateTaskResult", created, f"tools/call {tool} on {self.label}")
        return created


def poll(peer: Peer, task_id: str, until: set[str], seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    last = None
    while True:
        task = peer.get(task_id)
        if (task["status"], task.get("statusMessage")) != last:
            last = (task["status"], task.get("statusMessage"))
            print(f"  tasks/get on {peer.label}: [{task['status']}] {task.get('statusMessage', '')}")
        if task["status"] in until or task["status"] in ("completed", "failed", "cancelled"):
            return task
        expect(time.monotonic() < deadline, f"task {task_id} still {task['status']!r} after {seconds} s")
        time.sleep(task.get("pollIntervalMs", 500) / 1000)


def expect_invalid_params(action, what: str) -> dict:
    try:
        result = action()
    except RPCError as e:
        expect(e.error.get("code") == -32602, f"{what}: error {e.error}, want -32602")
        return e.error
    raise Mismatch(f"{what}: answered {result}, want error -32602")


def main() -> None:
    env = os.environ
    bearer = bool(env.get("MCP_BEARER"))
    credentials = (("MCP_BEARER", "MCP_OTHER_BEARER") if bearer else
                   ("MCP_CLIENT_ID", "MCP_CLIENT_SECRET", "MCP_OTHER_CLIENT_ID", "MCP_OTHER_CLIENT_SECRET"))
    missing = [k for k in ("MCP_URL_A", "MCP_URL_B", *credentials) if not env.get(k)]
    if missing:
        raise SystemExit(f"missing environment variable(s): {', '.join(missing)}")
    server_id, server_secret = env.get("MCP_SERVER_ID") or None, env.get("MCP_SERVER_SECRET", "").encode() or None

    def identity(client_id: str, secret: str, token: str | None = None) -> httpx2.Client:
        config = SigningConfig(url=env["MCP_URL_A"], client_id=client_id, client_secret=secret.encode(),
                               server_id=server_id, server_secret=server_secret, bearer=token)
        return httpx2.Client(auth=make_auth(config, flavor="httpx2"), timeout=httpx2.Timeout(30))

    schema = Schema(SCHEMA_PATH)
    if bearer:
        first, other, other_name = identity("", "", env["MCP_BEARER"]), identity("", "", env["MCP_OTHER_BEARER"]), "the other bearer"
    else:
        first = identity(env["MCP_CLIENT_ID"], env["MCP_CLIENT_SECRET"])
        other, other_name = identity(env["MCP_OTHER_CLIENT_ID"], env["MCP_OTHER_CLIENT_SECRET"]), env["MCP_OTHER_CLIENT_ID"]
    with first as mine, other as theirs:
        a = Peer(mine, env["MCP_URL_A"], schema, "A")
        b = Peer(mine, env["MCP_URL_B"], schema, "B")
        other_b = Peer(theirs, env["MCP_URL_B"], schema, f"B as {other_name}")

        # --- discovery: 2026-07-28 and the Tasks extension ---
        discovered = a.call("server/discover")
        schema.check("Result", discovered, "server/discover")
        expect(PROTOCOL in discovered.get("supportedVersions", []), f"server/discover supportedVersions {discovered.get('supportedVersions')}")
        extensions = discovered.get("capabilities", {}).get("extensions", {})
        expect(TASKS in extensions, f"server/discover capabilities.extensions lacks {TASKS}: {discovered.get('capabilities')}")
        schema.check("TasksExtensionCapability", extensions[TASKS], "the advertised tasks capability")
        print(f"discover: {discovered['supportedVersions']}, extensions {sorted(extensions)}")

        # --- a task created on A runs to completion, followed on B ---
        created = a.create("start_long_task", {"seconds": 2})
        task_id = created["taskId"]
        expect(created["status"] == "working", f"new task status {created['status']!r}, want working")
        print(f"task {task_id} created on A: {created['status']} (ttlMs {created['ttlMs']}, pollIntervalMs {created.get('pollIntervalMs')})")
        done = poll(b, task_id, {"completed"}, 30)
        expect(done["status"] == "completed", f"task ended {done['status']!r}: {done}")
        result = done["result"]
        expect(result.get("isError") is not True, f"completed task's result is a tool error: {result}")
        expect((result.get("structuredContent") or {}).get("duration_s") == 2,
               f"task result structuredContent {result.get('structuredContent')!r}, want duration_s 2")
        expect(any(c.get("type") == "text" for c in result.get("content", [])), f"task result has no text content block: {result}")
        print("task result (inline, from B):", result["structuredContent"])

        # --- a task created on A, cancelled on B, seen cancelled on A ---
        second = a.create("start_long_task", {"seconds": 10})["taskId"]
        expect(a.get(second)["status"] == "working", "second task is not working")

        ack = b.task_call("tasks/update", second, {"inputResponses": {}}, request_def="UpdateTaskRequest")
        schema.check("UpdateTaskResult", ack, "tasks/update on B")
        print("tasks/update on B: acknowledged", ack)

        ack = b.task_call("tasks/cancel", second, request_def="CancelTaskRequest")
        schema.check("CancelTaskResult", ack, "tasks/cancel on B")
        print("tasks/cancel on B: acknowledged", ack)
        cancelled = poll(a, second, {"cancelled"}, 15)
        expect(cancelled["status"] == "cancelled", f"after cancel the task ended {cancelled['status']!r}")
        print(f"task {second}: cancelled, seen on A ({cancelled.get('statusMessage')})")

        # --- unknown and foreign task ids: -32602, the same answer for both ---
        unknown = str(uuid.uuid4())
        unknown_error = expect_invalid_params(lambda: b.get(unknown), "tasks/get of an unknown task")
        expect_invalid_params(lambda: a.task_call("tasks/cancel", unknown, request_def="CancelTaskRequest"), "tasks/cancel of an unknown task")
        expect_invalid_params(lambda: a.task_call("tasks/update", unknown, {"inputResponses": {}}, request_def="UpdateTaskRequest"),
                              "tasks/update of an unknown task")
        foreign_error = expect_invalid_params(lambda: other_b.get(task_id), "tasks/get of another client's task")
        expect_invalid_params(lambda: other_b.task_call("tasks/cancel", task_id, request_def="CancelTaskRequest"),
                              "tasks/cancel of another client's task")
        expect_invalid_params(lambda: other_b.task_call("tasks/update", task_id, {"inputResponses": {}}, request_def="UpdateTaskRequest"),
                              "tasks/update of another client's task")
        expect(unknown_error["message"].replace(unknown, "ID") == foreign_error["message"].replace(task_id, "ID")
               and unknown_error.get("data") == foreign_error.get("data"),
               f"a foreign task is told apart from an unknown one: {foreign_error} vs {unknown_error}")
        print("unknown and foreign task ids: -32602", unknown_error)
    print("OK: 2026-07-28 tasks: discover, create on A, get on B, cancel on B seen on A, update, unknown/foreign -32602")


if __name__ == "__main__":
    try:
        main()
    except (Mismatch, RPCError, ValidationError) as e:
        print(f"FAIL (tasks 2026-07-28): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # noqa: BLE001 - transport and signature errors: say what, exit 1
        print(f"FAIL (tasks 2026-07-28): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
