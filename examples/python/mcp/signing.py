"""RFC 9421 request signing (and optional response verification) for MCPStreams' POST /mcp,
or instead a bearer token (API key or OAuth access token) when MCP_BEARER is set.

Shared by sdk1_tasks.py, sdk2_discover.py and tasks_2026.py (they import it from this directory).

Works with both `httpx` (mcp 1.x) and `httpx2` (mcp 2.x): whichever of the two is
importable gets an auth class (`HttpxSigningAuth`, `Httpx2SigningAuth`);
`make_auth()` returns the right one for the running venv.

Every request gets
  Content-Digest: sha-256=:<base64>:                      (RFC 9530)
  Signature-Input: sig1=("@method" "@target-uri" "content-digest");created=<unix>;keyid="<client id>";alg="hmac-sha256";nonce="<fresh>"
  Signature: sig1=:<base64 hmac-sha256>:
built by the `http-message-signatures` package (not by this file).

Bearer mode (MCP_BEARER set): every request gets `Authorization: Bearer <MCP_BEARER>` and no
Content-Digest/Signature headers (`HttpxBearerAuth`, `Httpx2BearerAuth`; `make_auth()` picks them);
MCP_CLIENT_ID/MCP_CLIENT_SECRET are then not needed. Responses are verified only when
MCP_SERVER_ID/MCP_SERVER_SECRET are set, and then must cover "@status" (and, when the body is
non-empty, "content-digest"): there is no request signature for them to be bound to.

Configuration (environment):
  MCP_URL            endpoint, e.g. http://127.0.0.1:8080/mcp
  MCP_BEARER         optional: a bearer token (an API key `mcps_...` or an OAuth access token);
                     when set, requests are not signed and the two below are not needed
  MCP_CLIENT_ID      key id of the client in the gateway's key ring
  MCP_CLIENT_SECRET  shared HMAC secret (text; used as its UTF-8 bytes)
  MCP_SERVER_ID      optional: verify every response's signature with this key id ...
  MCP_SERVER_SECRET  ... and this secret (response must cover "@status", when the body
                     is non-empty "content-digest", and this request's signature:
                     "signature-input";req;key="sig1" and "signature";req;key="sig1")
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from typing import Any

from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)

COVERED_REQUEST = ("@method", "@target-uri", "content-digest")
LABEL = "sig1"
# A response must cover its status and, bound to the request it answers (RFC 9421 §2.4),
# that request's Signature-Input and Signature members: it names our client id and nonce.
REQUIRED_RESPONSE = (
    "@status",
    f'"signature-input";req;key="{LABEL}"',
    f'"signature";req;key="{LABEL}"',
)
# Bearer mode: the request carries no signature, so the response is bound to nothing but itself.
REQUIRED_RESPONSE_BEARER = ("@status",)


class ResponseSignatureError(Exception):
    """The server's response signature is missing or does not verify."""


@dataclass
class SigningConfig:
    url: str
    client_id: str
    client_secret: bytes
    server_id: str | None = None
    server_secret: bytes | None = None
    bearer: str | None = None  # set: bearer mode (no request signing)

    @classmethod
    def from_env(cls) -> "SigningConfig":
        bearer = os.environ.get("MCP_BEARER") or None
        required = ("MCP_URL",) if bearer else ("MCP_URL", "MCP_CLIENT_ID", "MCP_CLIENT_SECRET")
        missing = [k for k in required if not os.environ.get(k)]
        if missing:
            raise SystemExit(f"missing environment variable(s): {', '.join(missing)}")
        server_id = os.environ.get("MCP_SERVER_ID") or None
        server_secret = os.environ.get("MCP_SERVER_SECRET")
        if server_id and not server_secret:
            raise SystemExit("MCP_SERVER_ID is set but MCP_SERVER_SECRET is not")
        return cls(
            url=os.environ["MCP_URL"],
            client_id=os.environ.get("MCP_CLIENT_ID", ""),
            client_secret=os.environ.get("MCP_CLIENT_SECRET", "").encode(),
            server_id=server_id,
            server_secret=server_secret.encode() if server_id and server_secret else None,
            bearer=bearer,
        )


class _Msg:
    """The duck-typed message view http-message-signatures works on.

    Requests: method, url (encoded absolute URL), headers (httpx(2).Headers, which have
    items/iter/contains/setitem/delitem). Responses additionally: status_code, request.
    """

    def __init__(self, method: str, url: str, headers: Any, status_code: int | None = None, request: Any = None):
        self.method = method
        self.url = url
        self.headers = headers
        if status_code is not None:
            self.status_code = status_code
            self.request = request


class _Signer:
    def __init__(self, config: SigningConfig):
        self.config = config
        keys = MappingKeyResolver(
            public_keys={config.client_id: config.client_secret},
            private_keys={config.client_id: config.client_secret},
        )
        self.signer = HTTPMessageSigner(signature_algorithm=algorithms.HMAC_SHA256, key_resolver=keys)
        self.verifier = None
        if config.server_id and config.server_secret:
            vkeys = MappingKeyResolver(public_keys={config.server_id: config.server_secret}, private_keys={})
            self.verifier = HTTPMessageVerifier(signature_algorithm=algorithms.HMAC_SHA256, key_resolver=vkeys)
            self.verifier.max_clock_skew = datetime.timedelta(seconds=30)

    def sign(self, request: Any, body: bytes) -> None:
        # A retried/redirected request may already carry our headers: start clean.
        for name in ("content-digest", "signature-input", "signature"):
            if name in request.headers:
                del request.headers[name]
        view = _Msg(request.method, str(request.url), request.headers)
        self.signer.sign(
            view,
            key_id=self.config.client_id,
            created=datetime.datetime.now(datetime.timezone.utc),
            nonce=secrets.token_urlsafe(16),
            label=LABEL,
            covered_component_ids=COVERED_REQUEST,
            body=body,  # adds Content-Digest (sha-256) and covers it
        )

    def verify(self, request: Any, response: Any, body: bytes, required: tuple[str, ...] = REQUIRED_RESPONSE) -> None:
        if self.verifier is None:
            return
        req_view = _Msg(request.method, str(request.url), request.headers)
        view = _Msg(request.method, str(request.url), response.headers, status_code=response.status_code, request=req_view)
        try:
            results = self.verifier.verify(view, body=body, require_components=required)
        except InvalidSignature as e:
            raise ResponseSignatureError(
                f"response to {request.method} {request.url} (HTTP {response.status_code}) failed signature "
                f"verification: {e}"
            ) from e
        keyid = results[0].parameters.get("keyid")
        if keyid != self.config.server_id:
            raise ResponseSignatureError(f"response signed with keyid {keyid!r}, expected {self.config.server_id!r}")


def _make_auth_class(httpx_mod: Any) -> type:
    class SigningAuth(httpx_mod.Auth):
        requires_request_body = True  # so request.content is available in auth_flow

        def __init__(self, config: SigningConfig):
            self._impl = _Signer(config)
            # Only buffer response bodies when we have to verify them.
            self.requires_response_body = self._impl.verifier is not None

        def auth_flow(self, request):  # type: ignore[override]
            self._impl.sign(request, request.content)
            response = yield request
            if self._impl.verifier is not None:
                self._impl.verify(request, response, response.content)

    SigningAuth.__name__ = SigningAuth.__qualname__ = (
        "Httpx2SigningAuth" if httpx_mod.__name__ == "httpx2" else "HttpxSigningAuth"
    )
    return SigningAuth


def _make_bearer_auth_class(httpx_mod: Any) -> type:
    class BearerAuth(httpx_mod.Auth):
        """`Authorization: Bearer <token>` on every request, no signature; responses verified
        only when a server key is configured."""

        def __init__(self, config: SigningConfig):
            self._authorization = f"Bearer {config.bearer}"
            self._impl = _Signer(config)
            self.requires_response_body = self._impl.verifier is not None

        def auth_flow(self, request):  # type: ignore[override]
            request.headers["Authorization"] = self._authorization
            response = yield request
            if self._impl.verifier is not None:
                self._impl.verify(request, response, response.content, REQUIRED_RESPONSE_BEARER)

    BearerAuth.__name__ = BearerAuth.__qualname__ = (
        "Httpx2BearerAuth" if httpx_mod.__name__ == "httpx2" else "HttpxBearerAuth"
    )
    return BearerAuth


try:
    import httpx as _httpx
except ImportError:  # mcp 2.x venv: no httpx
    _httpx = None
try:
    import httpx2 as _httpx2
except ImportError:  # mcp 1.x venv: no httpx2
    _httpx2 = None

HttpxSigningAuth = _make_auth_class(_httpx) if _httpx is not None else None
Httpx2SigningAuth = _make_auth_class(_httpx2) if _httpx2 is not None else None
HttpxBearerAuth = _make_bearer_auth_class(_httpx) if _httpx is not None else None
Httpx2BearerAuth = _make_bearer_auth_class(_httpx2) if _httpx2 is not None else None


def make_auth(config: SigningConfig | None = None, *, flavor: str | None = None):
    """Auth for the installed HTTP client: flavor 'httpx', 'httpx2', or None (prefer httpx2).

    Signing auth, or bearer auth when `config.bearer` is set (MCP_BEARER)."""
    config = config or SigningConfig.from_env()
    if config.bearer:
        if flavor in (None, "httpx2") and Httpx2BearerAuth is not None:
            return Httpx2BearerAuth(config)
        if flavor in (None, "httpx") and HttpxBearerAuth is not None:
            return HttpxBearerAuth(config)
        raise RuntimeError(f"no HTTP client library for flavor {flavor!r} is installed")
    if flavor in (None, "httpx2") and Httpx2SigningAuth is not None:
        return Httpx2SigningAuth(config)
    if flavor in (None, "httpx") and HttpxSigningAuth is not None:
        return HttpxSigningAuth(config)
    raise RuntimeError(f"no HTTP client library for flavor {flavor!r} is installed")
