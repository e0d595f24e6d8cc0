"""A small OpenID Connect provider for tests, run in a thread on a free local port.

It serves discovery, a JWKS, an authorize endpoint that approves ``provider.user``
without asking (or answers ``access_denied`` when ``provider.deny`` is set), and a
token endpoint that checks the client secret, the one-time code, the redirect URI
and the PKCE verifier before issuing an RS256-signed ID token.

``provider.tamper`` makes the next ID tokens wrong in one way, so tests can check
that the app refuses them: "nonce", "signature", "issuer", "audience", "expired".
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

KEY_ID = "test-key-1"


@dataclass
class User:
    """Who the provider says is signing in."""

    email: str
    email_verified: bool = True
    sub: str = ""


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    user: User


@dataclass
class OidcProvider:
    """The provider's configuration and what it has seen; see the module docstring."""

    client_id: str = "peerapp-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    redirect_uris: set[str] = field(default_factory=set)
    user: User = field(default_factory=lambda: User("nobody@example.com"))
    deny: bool = False
    tamper: str | None = None
    url: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": KEY_ID}))
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_errors: list[str] = field(default_factory=list)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> OidcProvider:
        """Listen on 127.0.0.1 on a free port, in a daemon thread."""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                provider._get(self)

            def do_POST(self):  # noqa: N802
                provider._post(self)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset(self, user: User) -> None:
        """Approve ``user`` from now on, honestly."""
        with self._lock:
            self.user = user
            self.deny = False
            self.tamper = None
            self.token_errors.clear()

    # ---------------------------------------------------------------- endpoints

    def discovery(self) -> dict:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        if parts.path == "/.well-known/openid-configuration":
            _json(handler, 200, self.discovery())
        elif parts.path == "/jwks":
            _json(handler, 200, KeySet([self.key]).as_dict(private=False))
        elif parts.path == "/authorize":
            self._authorize(handler, {k: v[-1] for k, v in parse_qs(parts.query).items()})
        else:
            _json(handler, 404, {"error": "not_found"})

    def _authorize(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        self.authorize_requests.append(query)
        redirect_uri = query.get("redirect_uri", "")
        problems = [
            name
            for name, ok in (
                ("client_id", query.get("client_id") == self.client_id),
                ("redirect_uri", redirect_uri in self.redirect_uris),
                ("response_type", query.get("response_type") == "code"),
                ("scope", "openid" in query.get("scope", "").split()),
                ("state", bool(query.get("state"))),
                ("nonce", bool(query.get("nonce"))),
                ("code_challenge", bool(query.get("code_challenge"))),
                ("code_challenge_method", query.get("code_challenge_method") == "S256"),
            )
            if not ok
        ]
        if problems:
            _json(handler, 400, {"error": "invalid_request", "bad": problems})
            return
        if self.deny:
            answer = {"error": "access_denied", "state": query["state"]}
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._grants[code] = _Grant(
                    client_id=query["client_id"],
                    redirect_uri=redirect_uri,
                    nonce=query["nonce"],
                    challenge=query["code_challenge"],
                    user=self.user,
                )
            answer = {"code": code, "state": query["state"]}
        handler.send_response(302)
        handler.send_header("Location", f"{redirect_uri}?{urlencode(answer)}")
        handler.end_headers()

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        if urlsplit(handler.path).path != "/token":
            _json(handler, 404, {"error": "not_found"})
            return
        length = int(handler.headers.get("Content-Length", "0"))
        form = {k: v[-1] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        error = self._check_token_request(handler, form)
        if error:
            self.token_errors.append(error)
            _json(handler, 400 if error != "invalid_client" else 401, {"error": error})
            return
        with self._lock:
            grant = self._grants.pop(form["code"])
        _json(
            handler,
            200,
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            },
        )

    def _check_token_request(self, handler, form: dict[str, str]) -> str | None:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            decoded = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            client_id, secret = _unquote(client_id), _unquote(secret)
        if client_id != self.client_id or secret != self.client_secret:
            return "invalid_client"
        if form.get("grant_type") != "authorization_code":
            return "unsupported_grant_type"
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
        if grant is None or grant.client_id != client_id:
            return "invalid_grant"
        if form.get("redirect_uri") != grant.redirect_uri:
            return "invalid_grant"
        verifier = form.get("code_verifier", "")
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        if not verifier or challenge != grant.challenge:
            return "invalid_grant"
        return None

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": grant.user.sub or hashlib.sha256(grant.user.email.encode()).hexdigest()[:16],
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "email": grant.user.email,
            "email_verified": grant.user.email_verified,
        }
        key = self.key
        if self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce-the-app-sent"
        elif self.tamper == "issuer":
            claims["iss"] = "https://impostor.example.com"
        elif self.tamper == "audience":
            claims["aud"] = "some-other-app"
        elif self.tamper == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif self.tamper == "signature":
            # Same key id, different key: only the signature check can notice.
            key = RSAKey.generate_key(2048, {"kid": KEY_ID})
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unquote(text: str) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(text)


def _json(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()
    handler.wfile.write(data)
