"""Obtain an access token from the test authorization server headlessly; print it on stdout.

    .venv-oauth/bin/python examples/python/oauth/get_token.py [--json]
    (standard library only, except OAUTH_DPOP_JWK, which needs joserfc: use .venv-oauth)

Authorization code + PKCE (S256), the way a browser would do it but with no browser: GET the
authorization endpoint (the consent form), POST the form with `sub=<user>` (what the
"Authorize" button does), read `code` and `state` from the 302 redirect to redirect_uri
(never contacted), then exchange the code at the token endpoint. Endpoints come from the
server's RFC 8414 metadata. `resource` (RFC 8707) goes on both requests.

Environment (argv flags of the same name override: --issuer URL, --client-id ID, ...):
  OAUTH_ISSUER         required: the issuer, as printed by authorization_server.py (`READY <issuer>`)
  OAUTH_CLIENT_ID      client id; default "client-001" (the server accepts any id unless it
                       runs with OAUTH_REQUIRE_REGISTRATION=1). Becomes the token's `client_id`.
  OAUTH_CLIENT_SECRET  client secret: sent with HTTP Basic (client_secret_basic); unset: a public
                       client (token_endpoint_auth_method none, PKCE only)
  OAUTH_SCOPE          space-separated scopes; default "mcp:tools"
  OAUTH_RESOURCE       space-separated resource URIs (each sent as one `resource`), e.g.
                       http://127.0.0.1:8080/mcp; they become the token's `aud`. Unset: none sent.
  OAUTH_SUB            the user who consents (the token's `sub`); default "user-001"
  OAUTH_REDIRECT_URI   default http://127.0.0.1:1/callback (only parsed, never contacted)
  OAUTH_DPOP_JWK       a private JWK (JSON text, or @path to a file holding it): the token request
                       carries a DPoP proof made with it, so the token is DPoP-bound (cnf.jkt)
Flags: --json prints the whole token response (access_token, token_type, expires_in, scope,
refresh_token, id_token when scope has openid) instead of the access token alone.
Exit status 1 with a message on stderr on any failure.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SETTINGS = {
    "issuer": ("OAUTH_ISSUER", None),
    "client-id": ("OAUTH_CLIENT_ID", "client-001"),
    "client-secret": ("OAUTH_CLIENT_SECRET", None),
    "scope": ("OAUTH_SCOPE", "mcp:tools"),
    "resource": ("OAUTH_RESOURCE", ""),
    "sub": ("OAUTH_SUB", "user-001"),
    "redirect-uri": ("OAUTH_REDIRECT_URI", "http://127.0.0.1:1/callback"),
    "dpop-jwk": ("OAUTH_DPOP_JWK", None),
}


class Failure(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _http(method: str, url: str, *, form: dict | list | None = None, headers: dict | None = None):
    data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with _opener.open(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:  # 3xx (not followed) and 4xx/5xx land here
        return e.code, dict(e.headers), e.read()


def parse_args(argv: list[str]) -> tuple[dict, bool]:
    values = {k: os.environ.get(env) or default for k, (env, default) in SETTINGS.items()}
    as_json = False
    it = iter(argv)
    for arg in it:
        if arg == "--json":
            as_json = True
        elif arg.startswith("--") and arg[2:].split("=", 1)[0] in SETTINGS:
            name, _, value = arg[2:].partition("=")
            values[name] = value if _ else next(it, None)
        else:
            raise Failure(f"unknown argument {arg!r} (see the docstring)")
    if not values["issuer"]:
        raise Failure("OAUTH_ISSUER (or --issuer) is required")
    return values, as_json


def _dpop_proof(jwk_text: str, url: str) -> str:
    from joserfc import jwk, jws  # only in .venv-oauth

    if jwk_text.startswith("@"):
        with open(jwk_text[1:]) as f:
            jwk_text = f.read()
    key = jwk.import_key(json.loads(jwk_text))
    alg = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}[key.key_type]
    header = {"typ": "dpop+jwt", "alg": alg, "jwk": key.as_dict(private=False)}
    claims = {"jti": secrets.token_urlsafe(16), "htm": "POST", "htu": url, "iat": int(time.time())}
    return jws.serialize_compact(header, json.dumps(claims, separators=(",", ":")).encode(), key, algorithms=[alg])


def get_token(v: dict) -> dict:
    issuer = v["issuer"].rstrip("/")
    status, _, body = _http("GET", f"{issuer}/.well-known/oauth-authorization-server")
    if status != 200:
        raise Failure(f"authorization server metadata: HTTP {status}: {body[:200]!r}")
    meta = json.loads(body)

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    resources = v["resource"].split()
    params = [("response_type", "code"), ("client_id", v["client-id"]), ("redirect_uri", v["redirect-uri"]),
              ("scope", v["scope"]), ("state", state), ("code_challenge", challenge),
              ("code_challenge_method", "S256")] + [("resource", r) for r in resources]
    authorize_url = f"{meta['authorization_endpoint']}?{urllib.parse.urlencode(params)}"

    status, _, body = _http("GET", authorize_url)  # the consent form: proves the request is valid
    if status != 200:
        raise Failure(f"authorization request refused: HTTP {status}: {body[:300]!r}")
    status, headers, body = _http("POST", authorize_url, form={"sub": v["sub"]})  # "Authorize"
    location = headers.get("Location") or headers.get("location")
    if status not in (302, 303) or not location:
        raise Failure(f"consent did not redirect: HTTP {status}: {body[:300]!r}")
    answer = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    if "error" in answer:
        raise Failure(f"authorization error: {answer}")
    if answer.get("state") != [state] or not answer.get("code"):
        raise Failure(f"bad authorization response: {location}")

    form = [("grant_type", "authorization_code"), ("code", answer["code"][0]), ("redirect_uri", v["redirect-uri"]),
            ("code_verifier", verifier), ("client_id", v["client-id"])] + [("resource", r) for r in resources]
    headers = {"Accept": "application/json"}
    if v["client-secret"] is not None:
        pair = f"{urllib.parse.quote(v['client-id'], safe='')}:{urllib.parse.quote(v['client-secret'], safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    if v["dpop-jwk"]:
        headers["DPoP"] = _dpop_proof(v["dpop-jwk"], meta["token_endpoint"])
    status, _, body = _http("POST", meta["token_endpoint"], form=form, headers=headers)
    if status != 200:
        raise Failure(f"token request refused: HTTP {status}: {body[:300]!r}")
    return json.loads(body)


def main() -> None:
    try:
        values, as_json = parse_args(sys.argv[1:])
        token = get_token(values)
    except (Failure, OSError, ValueError, KeyError) as e:
        print(f"get_token: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(token) if as_json else token["access_token"])


if __name__ == "__main__":
    main()
