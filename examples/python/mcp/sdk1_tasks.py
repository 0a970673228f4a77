"""MCP 2025-11-25 + Tasks through the stock Python `mcp` SDK 1.30.0, every request signed (RFC 9421).

    make venv-mcp1      (from the repository root; or: pip install -r requirements-mcp1.txt)
    MCP_URL=http://127.0.0.1:8080/mcp MCP_CLIENT_ID=client-001 MCP_CLIENT_SECRET=... \
        .venv-mcp1/bin/python examples/python/mcp/sdk1_tasks.py
    (optional MCP_SERVER_ID / MCP_SERVER_SECRET: verify every response's signature too)
    Bearer instead of signing: MCP_URL=... MCP_BEARER=<API key or OAuth access token> (see signing.py)

initialize → tools/list → tools/call batch_sum → start_long_task as a task (poll, result)
→ a second task cancelled while working. Exits 1 with a message on the first mismatch.
"""

import asyncio
import sys
import warnings

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from signing import SigningConfig, make_auth

# session.experimental (the tasks client) is deprecated in 1.30 and warns on every use.
warnings.filterwarnings("ignore", category=DeprecationWarning)


class Mismatch(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


async def main() -> None:
    config = SigningConfig.from_env()
    auth = make_auth(config, flavor="httpx")
    async with httpx.AsyncClient(auth=auth, timeout=httpx.Timeout(30, read=120)) as http:
        async with streamable_http_client(config.url, http_client=http) as (read, write, _):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                print(f"initialize: protocol {init.protocolVersion}, server {init.serverInfo.name} {init.serverInfo.version}")
                expect(init.protocolVersion == "2025-11-25", f"protocolVersion {init.protocolVersion!r}, want 2025-11-25")
                tasks_cap = init.capabilities.tasks
                expect(
                    tasks_cap is not None and tasks_cap.requests is not None and tasks_cap.requests.tools is not None
                    and tasks_cap.requests.tools.call is not None,
                    f"server does not advertise tasks.requests.tools.call: {init.capabilities.model_dump(exclude_none=True)}",
                )

                tools = {t.name: t for t in (await session.list_tools()).tools}
                print("tools:", ", ".join(sorted(tools)))
                for name in ("batch_sum", "start_long_task"):
                    expect(name in tools, f"tools/list lacks {name}")
                support = tools["start_long_task"].execution.taskSupport if tools["start_long_task"].execution else None
                expect(support in ("optional", "required"), f"start_long_task execution.taskSupport is {support!r}")

                r = await session.call_tool("batch_sum", {"numbers": [1, 2.5, 3, 10]})
                expect(not r.isError, f"batch_sum returned an error: {r.content}")
                expect(r.structuredContent is not None, "batch_sum result has no structuredContent")
                total = r.structuredContent.get("total")
                expect(total == 16.5 and isinstance(total, float), f"batch_sum total {total!r}, want 16.5")
                expect(any(c.type == "text" for c in r.content), "batch_sum result has no text content block")
                print("batch_sum:", r.structuredContent)

                # --- a task that runs to completion ---
                created = await session.experimental.call_tool_as_task("start_long_task", {"seconds": 2}, ttl=60_000)
                task = created.task
                print(f"task {task.taskId}: {task.status} (ttl {task.ttl}, pollInterval {task.pollInterval})")
                expect(task.status == "working", f"new task status {task.status!r}, want working")
                last = None
                async for status in session.experimental.poll_task(task.taskId):
                    expect(status.taskId == task.taskId, f"tasks/get returned taskId {status.taskId!r}")
                    if status.statusMessage != last:
                        print(f"  [{status.status}] {status.statusMessage}")
                        last = status.statusMessage
                expect(status.status == "completed", f"task ended {status.status!r}: {status.statusMessage}")
                result = await session.experimental.get_task_result(task.taskId, CallToolResult)
                expect(not result.isError, f"task result is an error: {result.content}")
                sc = result.structuredContent or {}
                expect(sc.get("duration_s") == 2, f"task result structuredContent {sc!r}, want duration_s 2")
                related = (result.meta or {}).get("io.modelcontextprotocol/related-task", {})
                expect(related.get("taskId") == task.taskId, f"tasks/result _meta related-task is {related!r}")
                print("task result:", sc)

                # --- a task cancelled while working ---
                second = (await session.experimental.call_tool_as_task("start_long_task", {"seconds": 10})).task
                got = await session.experimental.get_task(second.taskId)
                expect(got.status == "working", f"second task status {got.status!r}, want working")
                cancelled = await session.experimental.cancel_task(second.taskId)
                expect(cancelled.status == "cancelled", f"tasks/cancel answered status {cancelled.status!r}")
                after = await session.experimental.get_task(second.taskId)
                expect(after.status == "cancelled", f"after cancel, tasks/get says {after.status!r}")
                print(f"task {second.taskId}: cancelled ({after.statusMessage})")
    print("OK: mcp 1.30.0 initialize, tools, batch_sum, task run + result, task cancel")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Mismatch as e:
        print(f"FAIL (mcp 1.30.0): {e}", file=sys.stderr)
        sys.exit(1)
    except BaseException as e:  # noqa: BLE001 - SDK errors arrive wrapped in ExceptionGroups
        while isinstance(e, BaseExceptionGroup) and len(e.exceptions) == 1:
            e = e.exceptions[0]
        if isinstance(e, Mismatch):
            print(f"FAIL (mcp 1.30.0): {e}", file=sys.stderr)
        else:
            print(f"FAIL (mcp 1.30.0): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
