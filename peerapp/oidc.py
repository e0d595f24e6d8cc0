"""Single sign-on over OpenID Connect: two HTTP routes on the app's backend.

``/auth/oidc/start`` sends the browser to the company's identity provider with a
fresh state, nonce and PKCE verifier (authlib makes them). They travel in a
signed, short-lived, HttpOnly cookie rather than in process memory, so the
callback may land on any server process.

``/auth/oidc/callback`` checks the state against that cookie, exchanges the code
(with the PKCE verifier), and has authlib validate the ID token: signature
against the provider's JWKS, issuer, audience, expiry and nonce. The verified
email then goes to ``services.sso``, which refuses unknown or inactive people
and otherwise issues a one-time ticket; the browser is sent to ``/login/sso``,
where the Reflex app exchanges that ticket for an ordinary session.

Every failure ends on the sign-in page with a fixed error code (see
``services.sso.MESSAGES``), never with text taken from the request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import reflex as rx
from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from peerapp import routes
from peerapp.settings import OidcSettings, oidc_settings

try:  # the HTTP client authlib uses: httpx2 when installed, else httpx
    import httpx2 as _http
except ImportError:
    import httpx as _http

log = logging.getLogger(__name__)

START_PATH = routes.OIDC_START
CALLBACK_PATH = routes.OIDC_CALLBACK
FLOW_COOKIE = "peerapp_oidc_flow"
FLOW_SECONDS = 600
SCOPE = "openid email profile"

_clients: dict[OidcSettings, object] = {}


def _client(settings: OidcSettings):
    """The authlib client for these settings (discovery and JWKS are cached in it)."""
    client = _clients.get(settings)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            name="company",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=settings.metadata_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
        )
        _clients[settings] = client
    return client


# The flow cookie ----------------------------------------------------------------


def _cookie_key(settings: OidcSettings) -> bytes:
    # Every server process knows the client secret, so all of them can check the cookie.
    return hmac.new(
        settings.client_secret.encode(), b"peerapp oidc flow cookie v1", hashlib.sha256
    ).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal_flow(settings: OidcSettings, flow: dict[str, str], now: float | None = None) -> str:
    """The flow's state, nonce and verifier as a signed cookie value with an expiry."""
    payload = {**flow, "exp": int((now or time.time()) + FLOW_SECONDS)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = hmac.new(_cookie_key(settings), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(signature)}"


def open_flow(settings: OidcSettings, value: str | None, now: float | None = None) -> dict | None:
    """The flow from a cookie value, or None if it is missing, forged or stale."""
    if not value or len(value) > 2048 or value.count(".") != 1:
        return None
    body, signature = value.split(".")
    expected = hmac.new(_cookie_key(settings), body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(signature), expected):
            return None
        flow = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    if not isinstance(flow, dict) or not isinstance(flow.get("exp"), int):
        return None
    if flow["exp"] < (now or time.time()):
        return None
    if not all(isinstance(flow.get(key), str) for key in ("state", "nonce", "code_verifier")):
        return None
    return flow


# Routes -------------------------------------------------------------------------


def _to_login(settings: OidcSettings, code: str) -> RedirectResponse:
    response = RedirectResponse(
        f"{settings.public_url}{routes.LOGIN}?{urlencode({'sso_error': code})}", status_code=303
    )
    response.delete_cookie(FLOW_COOKIE, path=routes.OIDC)
    return response


async def start(request: Request):
    """Send the browser to the identity provider."""
    settings = oidc_settings()
    if settings is None:
        return PlainTextResponse("Single sign-on is not configured.", status_code=404)
    try:
        flow = await _client(settings).create_authorization_url(settings.redirect_uri)
    except (_http.HTTPError, ValueError, RuntimeError) as exc:
        log.warning("single sign-on: the identity provider's discovery failed: %s", exc)
        return _to_login(settings, "unavailable")
    response = RedirectResponse(flow["url"], status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        seal_flow(
            settings,
            {key: flow[key] for key in ("state", "nonce", "code_verifier")},
        ),
        max_age=FLOW_SECONDS,
        path=routes.OIDC,
        httponly=True,
        secure=settings.public_url.startswith("https://"),
        # Lax: the cookie comes back on the provider's top-level redirect to the callback.
        samesite="lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def callback(request: Request):
    """Check the provider's answer and hand the browser a one-time sign-in ticket."""
    from peerapp.services import sso

    settings = oidc_settings()
    if settings is None:
        return PlainTextResponse("Single sign-on is not configured.", status_code=404)
    flow = open_flow(settings, request.cookies.get(FLOW_COOKIE))
    params = request.query_params
    if params.get("error"):
        return _to_login(settings, "cancelled" if params["error"] == "access_denied" else "failed")
    state = params.get("state", "")
    if flow is None or not hmac.compare_digest(state.encode(), flow["state"].encode()):
        log.warning("single sign-on: refused a callback whose state does not match")
        return _to_login(settings, "failed")
    code = params.get("code", "")
    if not code:
        return _to_login(settings, "failed")
    client = _client(settings)
    try:
        token = await client.fetch_access_token(
            redirect_uri=settings.redirect_uri, code=code, code_verifier=flow["code_verifier"]
        )
        userinfo = await client.parse_id_token(token, nonce=flow["nonce"])
    except _http.HTTPError as exc:
        log.warning("single sign-on: the identity provider could not be reached: %s", exc)
        return _to_login(settings, "unavailable")
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        log.warning("single sign-on: refused the provider's answer: %r", exc)
        return _to_login(settings, "failed")
    if userinfo is None:
        log.warning("single sign-on: the provider's answer had no ID token")
        return _to_login(settings, "failed")

    def issue() -> str:
        with rx.session() as db:
            return sso.issue_ticket(db, userinfo.get("email"), userinfo.get("email_verified"))

    try:
        ticket = await run_in_threadpool(issue)
    except sso.SsoRefused as refused:
        return _to_login(settings, refused.code)
    response = RedirectResponse(
        f"{settings.public_url}{routes.LOGIN_SSO}?{urlencode({'ticket': ticket})}",
        status_code=303,
    )
    response.delete_cookie(FLOW_COOKIE, path=routes.OIDC)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def api() -> Starlette:
    """The routes, for ``rx.App(api_transformer=...)``; the Reflex app is mounted under it."""
    return Starlette(
        routes=[
            Route(START_PATH, start, methods=["GET"]),
            Route(CALLBACK_PATH, callback, methods=["GET"]),
        ]
    )
