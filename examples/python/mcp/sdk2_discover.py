"""MCP 2026-07-28 through the stock Python `mcp` SDK 2.3.0 in its default mode, every request signed (RFC 9421).

    make venv-mcp2      (from the repository root; or: pip install -r requirements-mcp2.txt)
    MCP_URL=http://127.0.0.1:8080/mcp MCP_CLIENT_ID=client-001 MCP_CLIENT_SECRET=... \
        .venv-mcp2/bin/python examples/python/mcp/sdk2_discover.py
    (optional MCP_SERVER_ID / MCP_SERVER_SECRET: verify every response's signature too)
    Bearer instead of signing: MCP_URL=... MCP_BEARER=<API key or OAuth access token> (see signing.py)

server/discover → tools/list → tools/call batch_sum and echo. Exits 1 on the first mismatch,
including when the SDK fell back to the legacy initialize handshake.
"""

import asyncio
import sys

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from signing import SigningConfig, make_auth


class Mismatch(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


async def main() -> None:
    config = SigningConfig.from_env()
    auth = make_auth(config, flavor="httpx2")
    async with httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(30, read=120)) as http:
        async with Client(streamable_http_client(config.url, http_client=http)) as client:  # mode="auto"
            session = client.session
            expect(
                session.discover_result is not None,
                f"no server/discover result: the SDK fell back to initialize (protocol {client.protocol_version})",
            )
            expect(client.protocol_version == "2026-07-28", f"protocol {client.protocol_version!r}, want 2026-07-28")
            info = client.server_info
            print(f"discover: protocol {client.protocol_version}, supported {session.discover_result.supported_versions}, "
                  f"server {info.name if info else '?'}")

            tools = {t.name: t for t in (await client.list_tools()).tools}
            print("tools:", ", ".join(sorted(tools)))
            for name in ("batch_sum", "echo"):
                expect(name in tools, f"tools/list lacks {name}")

            r = await client.call_tool("batch_sum", {"numbers": [1, 2.5, 3, 10]})
            expect(not r.is_error, f"batch_sum returned an error: {r.content}")
            sc = r.structured_content or {}
            total = sc.get("total")
            expect(total == 16.5 and isinstance(total, float), f"batch_sum total {total!r}, want 16.5")
            expect(any(c.type == "text" for c in r.content), "batch_sum result has no text content block")
            print("batch_sum:", sc)

            r = await client.call_tool("echo", {"message": "hi"})
            expect(not r.is_error, f"echo returned an error: {r.content}")
            expect((r.structured_content or {}).get("message") == "hi", f"echo structuredContent {r.structured_content!r}")
            print("echo:", r.structured_content)
    print("OK: mcp 2.3.0 discover, tools, batch_sum, echo")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except BaseException as e:  # noqa: BLE001 - SDK errors may arrive wrapped in ExceptionGroups
        while isinstance(e, BaseExceptionGroup) and len(e.exceptions) == 1:
            e = e.exceptions[0]
        if isinstance(e, Mismatch):
            print(f"FAIL (mcp 2.3.0): {e}", file=sys.stderr)
        else:
            print(f"FAIL (mcp 2.3.0): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
