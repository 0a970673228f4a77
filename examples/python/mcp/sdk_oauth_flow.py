"""The stock Python `mcp` SDK's own OAuth 2.1 client flow against MCPStreams' /mcp, end to end, no browser.

Works unchanged in either SDK venv (mcp 1.30.0 on httpx, mcp 2.3.0 on httpx2):

    make venv-mcp1 venv-mcp2 venv-oauth
    .venv-oauth/bin/python examples/python/oauth/authorization_server.py   # prints READY <issuer>
    MCP_URL=http://127.0.0.1:8080/mcp .venv-mcp1/bin/python examples/python/mcp/sdk_oauth_flow.py
    MCP_URL=http://127.0.0.1:8080/mcp .venv-mcp2/bin/python examples/python/mcp/sdk_oauth_flow.py

The gateway must name that issuer in its protected-resource metadata. The SDK's
`OAuthClientProvider` does all the OAuth; this script only plays the user's browser:
  1. POST /mcp without a token -> 401 with `WWW-Authenticate: Bearer resource_metadata="..."`
  2. GET the resource_metadata URL (then /.well-known/oauth-protected-resource/mcp, then
     /.well-known/oauth-protected-resource, until one answers 200) -> RFC 9728 metadata
  3. GET <issuer>/.well-known/oauth-authorization-server (then /.well-known/openid-configuration)
  4. POST the registration_endpoint (RFC 7591 dynamic registration) -- skipped when
     MCP_OAUTH_CLIENT_ID names a client known to the authorization server
  5. redirect_handler: the authorization URL (PKCE S256, state, `resource`, `scope`) is fetched
     and its consent form submitted with `sub=<MCP_OAUTH_SUB>`, as a user clicking
     "Authorize" would; the 302 to redirect_uri carries code and state (redirect_uri is never
     contacted), which callback_handler hands back to the SDK
  6. POST the token_endpoint (code, code_verifier, `resource`) -> access token
  7. POST /mcp again with `Authorization: Bearer <token>`; then tools/list and
     tools/call batch_sum {"numbers": [1, 2, 3]}, whose structuredContent.total must be 6.
A 403 with `error="insufficient_scope"` makes the SDK re-authorize with the scope it names.

Environment:
  MCP_URL                 required: the /mcp endpoint (its scheme://host:port/path must be the
                          metadata's `resource`, or under it)
  MCP_OAUTH_SUB           the user who consents (the token's `sub`); default "user-001"
  MCP_OAUTH_CLIENT_ID     optional: a client id the authorization server already knows (no dynamic
                          registration; the token's `client_id` is then this, not a fresh random one)
  MCP_OAUTH_CLIENT_SECRET optional, with MCP_OAUTH_CLIENT_ID: its secret (client_secret_basic);
                          unset: a public client (token_endpoint_auth_method none)
  MCP_OAUTH_REDIRECT_URI  default http://127.0.0.1:1/callback (parsed, never contacted)
  MCP_OAUTH_TRACE         "1": print every HTTP request the flow makes, with its answer
Exits 1 with a message on the first mismatch.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import os
import sys
import warnings
from urllib.parse import parse_qs, urlsplit

from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

try:  # mcp 2.x
    import httpx2 as http_lib
    from mcp import Client
    from mcp.shared.auth import AuthorizationCodeResult

    MCP2 = True
except ImportError:  # mcp 1.x
    import httpx as http_lib
    from mcp import ClientSession

    MCP2 = False

warnings.filterwarnings("ignore", category=DeprecationWarning)
SDK = f"mcp {importlib.metadata.version('mcp')}"
TRACE = os.environ.get("MCP_OAUTH_TRACE") == "1"


class Mismatch(Exception):
    pass


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise Mismatch(what)


class MemoryStorage:
    """The SDK's TokenStorage protocol, in memory; optionally a pre-registered client."""

    def __init__(self, client_info: OAuthClientInformationFull | None):
        self.tokens: OAuthToken | None = None
        self.client_info = client_info

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


async def _trace_request(request) -> None:
    if TRACE:
        auth = request.headers.get("authorization", "")
        print(f"  -> {request.method} {request.url}" + (f"  [Authorization: {auth[:14]}...]" if auth else ""))


async def _trace_response(response) -> None:
    if TRACE:
        www = response.headers.get("www-authenticate")
        print(f"  <- {response.status_code}" + (f"  WWW-Authenticate: {www}" if www else ""))


class HeadlessBrowser:
    """redirect_handler + callback_handler: consents on the authorization server's form by HTTP."""

    def __init__(self, sub: str):
        self.sub = sub
        self.result: dict[str, str | None] | None = None
        self.authorization_urls: list[str] = []

    async def redirect_handler(self, authorization_url: str) -> None:
        self.authorization_urls.append(authorization_url)
        query = parse_qs(urlsplit(authorization_url).query)
        print("authorization request:", {k: v[0] if len(v) == 1 else v for k, v in sorted(query.items())
                                         if k not in ("state", "code_challenge")})
        hooks = {"request": [_trace_request], "response": [_trace_response]}
        async with http_lib.AsyncClient(follow_redirects=False, timeout=30, event_hooks=hooks) as http:
            form = await http.get(authorization_url)
            expect(form.status_code == 200, f"authorization endpoint answered {form.status_code}: {form.text[:300]}")
            consent = await http.post(authorization_url, data={"sub": self.sub})
        location = consent.headers.get("location")
        expect(consent.status_code in (302, 303) and location is not None,
               f"consent did not redirect: {consent.status_code} {consent.text[:300]}")
        answer = parse_qs(urlsplit(location).query)
        expect("error" not in answer, f"authorization error: {answer}")
        self.result = {k: (answer.get(k) or [None])[0] for k in ("code", "state", "iss")}

    async def callback_handler(self):
        expect(self.result is not None and self.result.get("code") is not None, "no authorization code")
        result, self.result = self.result, None
        if MCP2:
            return AuthorizationCodeResult(code=result["code"], state=result["state"], iss=result["iss"])
        return result["code"], result["state"]


def make_provider(url: str, browser: HeadlessBrowser) -> tuple[OAuthClientProvider, MemoryStorage]:
    redirect_uri = os.environ.get("MCP_OAUTH_REDIRECT_URI", "http://127.0.0.1:1/callback")
    metadata = OAuthClientMetadata(
        client_name="mcpstreams-sdk-oauth-flow",
        redirect_uris=[redirect_uri],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
    )
    client_info = None
    if os.environ.get("MCP_OAUTH_CLIENT_ID"):
        secret = os.environ.get("MCP_OAUTH_CLIENT_SECRET") or None
        client_info = OAuthClientInformationFull(
            client_id=os.environ["MCP_OAUTH_CLIENT_ID"],
            client_secret=secret,
            redirect_uris=[redirect_uri],
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
        )
    storage = MemoryStorage(client_info)
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=metadata,
        storage=storage,
        redirect_handler=browser.redirect_handler,
        callback_handler=browser.callback_handler,
    )
    return provider, storage


def check_batch_sum(is_error: bool, structured: dict | None, content: list) -> None:
    expect(not is_error, f"batch_sum returned an error: {content}")
    total = (structured or {}).get("total")
    expect(total == 6, f"batch_sum total {total!r}, want 6")
    expect(any(c.type == "text" for c in content), "batch_sum result has no text content block")
    print("batch_sum:", structured)


async def main() -> None:
    url = os.environ.get("MCP_URL")
    if not url:
        raise SystemExit("missing environment variable: MCP_URL")
    browser = HeadlessBrowser(os.environ.get("MCP_OAUTH_SUB", "user-001"))
    provider, storage = make_provider(url, browser)
    hooks = {"request": [_trace_request], "response": [_trace_response]}
    async with http_lib.AsyncClient(auth=provider, timeout=http_lib.Timeout(30, read=120), event_hooks=hooks) as http:
        if MCP2:
            async with Client(streamable_http_client(url, http_client=http)) as client:
                print(f"connected: protocol {client.protocol_version}")
                tools = {t.name for t in (await client.list_tools()).tools}
                print("tools:", ", ".join(sorted(tools)))
                expect("batch_sum" in tools, "tools/list lacks batch_sum")
                r = await client.call_tool("batch_sum", {"numbers": [1, 2, 3]})
                check_batch_sum(r.is_error, r.structured_content, r.content)
        else:
            async with streamable_http_client(url, http_client=http) as (read, write, _):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    print(f"connected: protocol {init.protocolVersion}")
                    tools = {t.name for t in (await session.list_tools()).tools}
                    print("tools:", ", ".join(sorted(tools)))
                    expect("batch_sum" in tools, "tools/list lacks batch_sum")
                    r = await session.call_tool("batch_sum", {"numbers": [1, 2, 3]})
                    check_batch_sum(r.isError, r.structuredContent, r.content)
    expect(browser.authorization_urls, "the SDK never ran the authorization flow (no 401 from the server?)")
    expect(storage.tokens is not None, "the SDK stored no token")
    client_id = storage.client_info.client_id if storage.client_info else "?"
    print(f"OK: {SDK} OAuth flow (client {client_id}, scope {storage.tokens.scope!r}, "
          f"{len(browser.authorization_urls)} authorization(s)), tools/list, batch_sum")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except BaseException as e:  # noqa: BLE001 - SDK errors arrive wrapped in ExceptionGroups
        while isinstance(e, BaseExceptionGroup) and len(e.exceptions) == 1:
            e = e.exceptions[0]
        if isinstance(e, SystemExit):
            raise
        if isinstance(e, Mismatch):
            print(f"FAIL ({SDK} OAuth): {e}", file=sys.stderr)
        else:
            print(f"FAIL ({SDK} OAuth): {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
