"""A real OAuth 2.1 / OpenID Connect authorization server for MCPStreams' tests, on loopback.

    make venv-oauth        (from the repository root; or: pip install -r requirements.txt)
    .venv-oauth/bin/python examples/python/oauth/authorization_server.py [PORT]
    -> prints one line `READY http://127.0.0.1:<port>` (the issuer) once it accepts requests;
       runs until SIGTERM/SIGINT or, when its standard input is a pipe, until that is closed; exits 0.

The server is `oidc-provider-mock` (PyPI, built on Authlib; pinned in requirements.txt): its
endpoints, consent form, dynamic client registration, refresh tokens, ID tokens and JWKS are
used as they are. Out of the box it issues opaque access tokens and ignores RFC 8707 and PKCE,
so this file plugs in, through Authlib's own extension points:
  - JWT access tokens (RFC 9068) from Authlib's `JWTBearerTokenGenerator`
    (header: alg, typ "at+jwt", kid; claims: iss, exp, iat, jti, client_id, scope, sub, aud;
    nbf and cnf only as configured/requested below), signed with a key published in /jwks;
  - RFC 8707 resource indicators: `resource` on the authorization request is bound to the
    code; `resource` on the token request must be one of those (else `invalid_target`);
    the resources become `aud` (a string for one, a list for several);
  - PKCE (RFC 7636, S256 and plain) through Authlib's `CodeChallenge`, enforced when the
    authorization request carried a code_challenge and always for public clients;
  - scopes beyond OpenID's: OAUTH_SCOPES, and any `mcp:tool:<name>`, for every client (a scope
    given at registration does not narrow what the client may ask for later: scope step-up);
  - RFC 8414 metadata at /.well-known/oauth-authorization-server (the OpenID configuration
    plus code_challenge_methods_supported, token_endpoint_auth_methods_supported);
  - DPoP (RFC 9449) binding: a token request with a valid `DPoP` proof header gets a token
    with `cnf: {"jkt": <RFC 7638 thumbprint of the proof key>}` and token_type "DPoP".

Endpoints (issuer = http://127.0.0.1:<port>, no trailing slash):
  GET  /.well-known/openid-configuration, /.well-known/oauth-authorization-server
  GET  /jwks
  GET  /oauth2/authorize   (HTML consent form)  POST /oauth2/authorize  form `sub=<user>` -> 302
       to redirect_uri?code=...&state=...  (headless: get_token.py does exactly this)
  POST /oauth2/token       grants authorization_code (+PKCE), refresh_token
  POST /oauth2/clients     dynamic client registration (RFC 7591)
  GET  /userinfo

Environment (all optional):
  OAUTH_PORT               port when none is given as argv[1]; default 0 = a free one
  OAUTH_SCOPES             extra grantable and advertised scopes, space-separated; default "mcp:tools".
                           `mcp:tool:<name>` is grantable for any name whether listed or not.
  OAUTH_RESOURCES          space-separated resource URIs the server accepts in `resource`;
                           empty/unset: any absolute http(s) URI without fragment
  OAUTH_DEFAULT_AUDIENCE   `aud` when the requests name no resource; default: the client id
  OAUTH_TOKEN_TTL          access (and ID) token lifetime in seconds; default 3600
  OAUTH_TOKEN_NBF_OFFSET   if set: add `nbf` = iat + this many seconds (e.g. 3600: not yet valid)
  OAUTH_ACCESS_TOKEN_ALG   RS256 (default; the provider's RSA key), ES256 or EdDSA (Ed25519; a
                           key of its own, also published in /jwks)
  OAUTH_REQUIRE_REGISTRATION  "1": only registered clients (OAUTH_CLIENTS or RFC 7591) may ask
                           for codes; default: any client id is accepted with any secret
  OAUTH_CLIENTS            JSON list of pre-registered clients:
                           [{"client_id": "...", "client_secret": "...",   (omit for a public client)
                             "redirect_uris": ["http://127.0.0.1/cb"], "scope": "mcp:tools",
                             "token_endpoint_auth_method": "client_secret_basic"}]
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import stat
import sys
import threading
import time
import warnings
from datetime import timedelta
from urllib.parse import urlsplit

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
warnings.filterwarnings("ignore", module="authlib")
warnings.filterwarnings("ignore", message=".*authlib.*", category=DeprecationWarning)

import authlib.deprecate  # noqa: E402

warnings.filterwarnings("ignore", category=authlib.deprecate.AuthlibDeprecationWarning)

import flask  # noqa: E402
import werkzeug.serving  # noqa: E402
from authlib.oauth2 import OAuth2Error  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator  # noqa: E402
from joserfc import jwk, jws  # noqa: E402
from joserfc.errors import JoseError  # noqa: E402

import oidc_provider_mock  # noqa: E402
from oidc_provider_mock import _app as opm_app  # noqa: E402
from oidc_provider_mock._storage import Client, User, storage  # noqa: E402

log = logging.getLogger("authorization_server")

BASE_SCOPES = tuple(Client.SCOPES_SUPPORTED)  # openid profile email address phone
TOOL_SCOPE_PREFIX = "mcp:tool:"
DPOP_ALGS = ("RS256", "ES256", "EdDSA", "PS256", "ES384")
DPOP_MAX_AGE = 60  # seconds a DPoP proof's iat may be away from now


class InvalidTargetError(OAuth2Error):
    """RFC 8707 §2: the requested resource is invalid, unknown or not allowed."""

    error = "invalid_target"


class InvalidDPoPProofError(OAuth2Error):
    """RFC 9449 §5: the DPoP proof on a token request is invalid."""

    error = "invalid_dpop_proof"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


class Settings:
    def __init__(self) -> None:
        self.scopes = tuple(_env("OAUTH_SCOPES", "mcp:tools").split())
        self.resources = tuple(_env("OAUTH_RESOURCES").split())
        self.default_audience = _env("OAUTH_DEFAULT_AUDIENCE") or None
        self.ttl = int(_env("OAUTH_TOKEN_TTL", "3600"))
        nbf = _env("OAUTH_TOKEN_NBF_OFFSET")
        self.nbf_offset = int(nbf) if nbf else None
        self.alg = _env("OAUTH_ACCESS_TOKEN_ALG", "RS256")
        if self.alg not in ("RS256", "ES256", "EdDSA"):
            raise SystemExit(f"OAUTH_ACCESS_TOKEN_ALG must be RS256, ES256 or EdDSA, not {self.alg!r}")
        self.require_registration = _env("OAUTH_REQUIRE_REGISTRATION") in ("1", "true", "yes")
        self.clients = json.loads(_env("OAUTH_CLIENTS") or "[]")
        if not isinstance(self.clients, list):
            raise SystemExit("OAUTH_CLIENTS must be a JSON list")


SETTINGS = Settings()

# Per authorization code: what the authorization request asked for that oidc-provider-mock's
# AuthorizationCode record does not keep (PKCE challenge, RFC 8707 resources).
_code_extras: dict[str, dict] = {}
_code_extras_lock = threading.Lock()


def _check_resources(resources: list[str]) -> list[str]:
    for r in resources:
        parts = urlsplit(r)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment or "#" in r:
            raise InvalidTargetError(description=f"resource {r!r} is not an absolute http(s) URI without fragment")
        if SETTINGS.resources and r not in SETTINGS.resources:
            raise InvalidTargetError(description=f"resource {r!r} is not served by this authorization server")
    return resources


# --- scopes: OpenID's + OAUTH_SCOPES + any mcp:tool:<name> ---------------------------------------
Client.SCOPES_SUPPORTED = BASE_SCOPES + tuple(s for s in SETTINGS.scopes if s not in BASE_SCOPES)


def _get_allowed_scope(self: Client, scope) -> str:
    """Grants, of the requested scopes, those the client registered and every scope this server
    supports: a `scope` given at dynamic registration does not narrow later requests, so a client
    that registered with the scope of a first 401 can step up (403 insufficient_scope) later."""
    requested = scope.split() if isinstance(scope, str) else list(scope)
    registered = self.allowed_scopes.split() if isinstance(self.allowed_scopes, str) else list(self.allowed_scopes)
    allowed = set(registered) | set(Client.SCOPES_SUPPORTED)

    def ok(s: str) -> bool:
        return s in allowed or (s.startswith(TOOL_SCOPE_PREFIX) and len(s) > len(TOOL_SCOPE_PREFIX))

    return " ".join(s for s in requested if ok(s))


Client.get_allowed_scope = _get_allowed_scope


# --- the authorization code keeps the PKCE challenge and the resources ------------------------
_original_save_code = opm_app.AuthorizationCodeGrant.save_authorization_code


def _save_authorization_code(self, code: str, request) -> None:
    args = flask.request.values
    extras = {
        "code_challenge": args.get("code_challenge"),
        "code_challenge_method": args.get("code_challenge_method"),
        "resource": _check_resources(args.getlist("resource")),
    }
    _original_save_code(self, code, request)
    with _code_extras_lock:
        _code_extras[code] = extras


opm_app.AuthorizationCodeGrant.save_authorization_code = _save_authorization_code


class PKCE(CodeChallenge):
    def get_authorization_code_challenge(self, authorization_code):
        return _code_extras.get(authorization_code.code, {}).get("code_challenge")

    def get_authorization_code_challenge_method(self, authorization_code):
        return _code_extras.get(authorization_code.code, {}).get("code_challenge_method")


class OpenIDCodeWithPKCE(opm_app.OpenIDCode):
    """oidc-provider-mock registers its code grant with [OpenIDCode(...)]; this adds Authlib's PKCE."""

    def __call__(self, grant) -> None:
        super().__call__(grant)
        PKCE(required=True)(grant)


opm_app.OpenIDCode = OpenIDCodeWithPKCE

# Public clients (token_endpoint_auth_method "none", PKCE instead of a secret), as OAuth 2.1 and MCP expect.
for _grant in (opm_app.AuthorizationCodeGrant, opm_app.RefreshTokenGrant):
    _grant.TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


# --- JWT access tokens (RFC 9068) ------------------------------------------------------------
_extra_key = None
if SETTINGS.alg == "ES256":
    _extra_key = jwk.ECKey.generate_key("P-256", auto_kid=True)
elif SETTINGS.alg == "EdDSA":
    _extra_key = jwk.OKPKey.generate_key("Ed25519", auto_kid=True)
    # joserfc 1.8 signs "EdDSA" only when asked by name (RFC 9864 prefers "Ed25519"); Authlib's
    # generator does not name it, and "EdDSA" is what JOSE libraries (and jwt-kit) verify.
    if "EdDSA" not in jws.JWSRegistry.recommended:
        jws.JWSRegistry.recommended.append("EdDSA")


def _dpop_jkt() -> str | None:
    """Validates the token request's DPoP proof (RFC 9449 §4.3) and returns its key's thumbprint."""
    proof = flask.request.headers.get("DPoP")
    if proof is None:
        return None
    try:
        header = jws.extract_compact(proof.encode()).protected
        if header.get("typ") != "dpop+jwt" or header.get("alg") not in DPOP_ALGS or not isinstance(header.get("jwk"), dict):
            raise InvalidDPoPProofError(description="DPoP proof header needs typ dpop+jwt, an asymmetric alg and jwk")
        key = jwk.import_key(header["jwk"])
        if key.is_private:
            raise InvalidDPoPProofError(description="DPoP proof jwk must be a public key")
        claims = json.loads(jws.deserialize_compact(proof, key, algorithms=[header["alg"]]).payload)
    except JoseError as e:
        raise InvalidDPoPProofError(description=f"DPoP proof does not verify: {type(e).__name__}") from e
    except ValueError as e:
        raise InvalidDPoPProofError(description="DPoP proof is malformed") from e
    htu = flask.request.base_url
    if claims.get("htm") != "POST" or claims.get("htu") != htu:
        raise InvalidDPoPProofError(description=f"DPoP proof htm/htu must be POST {htu}")
    if not isinstance(claims.get("jti"), str) or not isinstance(claims.get("iat"), int) \
            or abs(time.time() - claims["iat"]) > DPOP_MAX_AGE:
        raise InvalidDPoPProofError(description="DPoP proof needs jti and a current iat")
    return key.thumbprint()


User.get_user_id = lambda self: self.sub  # Authlib's UserMixin method, which the RFC 9068 generator calls


class AccessTokens(JWTBearerTokenGenerator):
    def get_jwks(self):
        if _extra_key is not None:
            return jwk.KeySet([_extra_key])
        return jwk.KeySet([jwk.import_key(storage.jwk.as_dict(is_private=True))])

    def get_audiences(self, client, user, scope):
        form = flask.request.form
        requested = form.getlist("resource")
        granted: list[str] = []
        if form.get("grant_type") == "authorization_code":
            with _code_extras_lock:
                granted = _code_extras.pop(form.get("code", ""), {}).get("resource", [])
        resources = _check_resources(requested or granted)
        if granted and any(r not in granted for r in resources):
            raise InvalidTargetError(description="resource was not named in the authorization request")
        if resources:
            return resources[0] if len(resources) == 1 else resources
        return SETTINGS.default_audience or client.get_client_id()

    def get_extra_claims(self, client, grant_type, user, scope):
        claims: dict = {}
        if SETTINGS.nbf_offset is not None:
            claims["nbf"] = int(time.time()) + SETTINGS.nbf_offset
        jkt = flask.g.get("dpop_jkt")
        if jkt:
            claims["cnf"] = {"jkt": jkt}
        return claims


# RFC 8414 metadata, in the provider's blueprint so that its openid_config view (which builds
# URLs relative to the blueprint) can be reused there; _make_app sets the real view.
opm_app.blueprint.add_url_rule("/.well-known/oauth-authorization-server", "oauth_authorization_server",
                               lambda: flask.abort(404))


def _issuer() -> str:
    return flask.request.host_url.rstrip("/")


def _make_app() -> flask.Flask:
    # import_name "oidc_provider_mock": the package's templates/ are the app's templates.
    app = flask.Flask("oidc_provider_mock")
    app.secret_key = secrets.token_bytes(16)
    generator = AccessTokens(issuer="", alg=SETTINGS.alg,
                             expires_generator=lambda client, grant_type: SETTINGS.ttl)

    def access_token(client, grant_type, user, scope):
        generator.issuer = _issuer()
        return generator.access_token_generator(client, grant_type, user, scope)

    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = access_token
    oidc_provider_mock.init_app(
        app,
        require_client_registration=SETTINGS.require_registration,
        access_token_max_age=timedelta(seconds=SETTINGS.ttl),
    )
    # init_app turns on Flask debug mode and the interactive Werkzeug debugger: off.
    app.debug = False
    app.wsgi_app = app.wsgi_app.app

    @app.before_request
    def dpop_binding():
        if flask.request.method == "POST" and flask.request.path == "/oauth2/token":
            try:
                flask.g.dpop_jkt = _dpop_jkt()
            except OAuth2Error as e:
                return flask.jsonify({"error": e.error, "error_description": e.description}), 400
        return None

    @app.after_request
    def dpop_token_type(response: flask.Response):
        if flask.g.get("dpop_jkt") and response.status_code == 200 and response.is_json:
            body = response.get_json()
            if isinstance(body, dict) and body.get("token_type") == "Bearer":
                body["token_type"] = "DPoP"
                response.set_data(json.dumps(body))
        return response

    openid_config_view = app.view_functions["oidc-provider-mock.openid_config"]
    jwks_view = app.view_functions["oidc-provider-mock.jwks"]

    def metadata() -> dict:
        meta = openid_config_view().get_json()
        meta["code_challenge_methods_supported"] = ["S256", "plain"]
        meta["token_endpoint_auth_methods_supported"] = ["client_secret_basic", "client_secret_post", "none"]
        meta["dpop_signing_alg_values_supported"] = list(DPOP_ALGS)
        return meta

    app.view_functions["oidc-provider-mock.openid_config"] = lambda: flask.jsonify(metadata())
    app.view_functions["oidc-provider-mock.oauth_authorization_server"] = lambda: flask.jsonify(metadata())

    def jwks():
        keys = jwks_view().get_json()
        if _extra_key is not None:
            keys["keys"].append(_extra_key.as_dict(private=False))
        return flask.jsonify(keys)

    app.view_functions["oidc-provider-mock.jwks"] = jwks

    # Pre-registered clients go into the provider's storage (per app, reached in a request context).
    with app.test_request_context():
        app.preprocess_request()
        for c in SETTINGS.clients:
            secret = c.get("client_secret")
            storage.store_client(Client(
                id=c["client_id"],
                secret=secret if secret is not None else "",
                redirect_uris=c.get("redirect_uris") or opm_app.ClientAllowAny(),
                allowed_scopes=tuple((c.get("scope") or " ".join(Client.SCOPES_SUPPORTED)).split()),
                token_endpoint_auth_method=c.get(
                    "token_endpoint_auth_method", "client_secret_basic" if secret is not None else "none"),
            ))
    return app


def main() -> None:
    logging.basicConfig(level=os.environ.get("OAUTH_LOG_LEVEL", "WARNING"), stream=sys.stderr)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(_env("OAUTH_PORT", "0"))
    app = _make_app()
    server = werkzeug.serving.make_server("127.0.0.1", port, app, threaded=True)
    stop = threading.Event()

    def request_stop(*_):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    try:  # a parent that holds our stdin as a pipe (or socket) stops us by closing it
        mode = os.fstat(sys.stdin.fileno()).st_mode
        watch = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
    except (OSError, ValueError, AttributeError):
        watch = False
    if watch:
        threading.Thread(target=watch_stdin, daemon=True).start()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    serving.start()
    print(f"READY http://127.0.0.1:{server.server_port}", flush=True)
    while not stop.wait(0.5):
        if not serving.is_alive():
            sys.exit(1)
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
