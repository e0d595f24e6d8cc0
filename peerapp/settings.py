"""Runtime settings read from the environment, each in exactly one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from peerapp import routes

ROOT = Path(__file__).resolve().parent.parent


def _number(name: str, default: float, *, minimum: float = 0) -> float:
    """A non-negative number from the environment; a typo stops the app with its name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number, not {raw!r}.") from None
    if value < minimum:
        raise RuntimeError(f"{name} must be at least {minimum:g}.")
    return value


def database_url() -> str:
    """Database URL: PEERAPP_DATABASE_URL, else a SQLite file under ./data/."""
    url = os.environ.get("PEERAPP_DATABASE_URL", "").strip()
    if url:
        return url
    data_dir = ROOT / "data"
    data_dir.mkdir(exist_ok=True)
    return f"sqlite:///{data_dir / 'peerapp.db'}"


def redis_url() -> str | None:
    """Redis for Reflex's shared state manager; unset means in-process state."""
    return os.environ.get("PEERAPP_REDIS_URL", "").strip() or None


def public_url() -> str | None:
    """The address people open (behind a proxy or load balancer); unset: this host."""
    return os.environ.get("PEERAPP_PUBLIC_URL", "").strip().rstrip("/") or None


def console_password() -> str | None:
    """PEERAPP_PASSWORD: the new account's password for ``peerapp create-user``, unprompted."""
    return os.environ.get("PEERAPP_PASSWORD") or None


SESSION_DAYS = int(os.environ.get("PEERAPP_SESSION_DAYS", "30"))

# How often the running app closes overdue requests (tests shorten it).
EXPIRY_INTERVAL_SECONDS = _number("PEERAPP_EXPIRY_INTERVAL_SECONDS", 60, minimum=0.1)
# How long a worker shows the directory's department and location lists as it
# last read them (every page load shows them; they change only when people move).
FILTER_LISTS_SECONDS = _number("PEERAPP_FILTER_LISTS_SECONDS", 60, minimum=0)


# Single sign-on with OpenID Connect (optional) ---------------------------------

OIDC_DEFAULT_LABEL = "Sign in with your company account"


@dataclass(frozen=True)
class OidcSettings:
    """Where the company's identity provider is and who this app is to it."""

    issuer: str
    client_id: str
    client_secret: str
    label: str
    public_url: str

    @property
    def metadata_url(self) -> str:
        """OpenID Connect discovery document of the issuer."""
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def redirect_uri(self) -> str:
        """Where the provider sends the browser back (register this with the provider)."""
        return f"{self.public_url}{routes.OIDC_CALLBACK}"


def oidc_settings() -> OidcSettings | None:
    """SSO settings from PEERAPP_OIDC_*; None (SSO off) when the issuer is not set.

    A half-filled configuration is a mistake, so it stops the app with a message
    naming what is missing instead of silently hiding the SSO button.
    """
    issuer = os.environ.get("PEERAPP_OIDC_ISSUER", "").strip().rstrip("/")
    client_id = os.environ.get("PEERAPP_OIDC_CLIENT_ID", "").strip()
    client_secret = os.environ.get("PEERAPP_OIDC_CLIENT_SECRET", "").strip()
    if not issuer and not client_id:
        return None
    missing = [
        name
        for name, value in (
            ("PEERAPP_OIDC_ISSUER", issuer),
            ("PEERAPP_OIDC_CLIENT_ID", client_id),
            ("PEERAPP_OIDC_CLIENT_SECRET", client_secret),
        )
        if not value
    ]
    if missing:
        raise RuntimeError(f"Single sign-on is half configured: set {', '.join(missing)}.")
    return OidcSettings(
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
        label=os.environ.get("PEERAPP_OIDC_LABEL", "").strip() or OIDC_DEFAULT_LABEL,
        public_url=(
            os.environ.get("PEERAPP_PUBLIC_URL", "").strip() or "http://localhost:3000"
        ).rstrip("/"),
    )


# Sign-in throttling: failures within the window per email / per client address.
SIGN_IN_WINDOW_MINUTES = int(os.environ.get("PEERAPP_SIGN_IN_WINDOW_MINUTES", "15"))
SIGN_IN_FAILURES_PER_EMAIL = int(os.environ.get("PEERAPP_SIGN_IN_FAILURES_PER_EMAIL", "5"))
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("PEERAPP_SIGN_IN_FAILURES_PER_ADDRESS", "20"))
# An address over its limit still lets in emails that signed in from it within these days.
SIGN_IN_REMEMBER_DAYS = int(os.environ.get("PEERAPP_SIGN_IN_REMEMBER_DAYS", "30"))

# Peer requests one person may send in any rolling hour (whatever became of them).
REQUESTS_PER_HOUR = int(os.environ.get("PEERAPP_REQUESTS_PER_HOUR", "10"))


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, without a path or trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins() -> list[str]:
    """Browser origins the app is served from; only these may open its WebSocket.

    PEERAPP_ALLOWED_ORIGINS (comma separated, e.g. ``https://peers.example.com``)
    wins. Without it: PEERAPP_PUBLIC_URL and the deploy URL (REFLEX_DEPLOY_URL) if set, and
    localhost and 127.0.0.1 on the frontend port (REFLEX_FRONTEND_PORT, which
    `reflex run --frontend-port` sets for its server process; 3000 by default).
    """
    configured = os.environ.get("PEERAPP_ALLOWED_ORIGINS", "")
    if configured.strip():
        candidates = configured.split(",")
    else:
        port = os.environ.get("REFLEX_FRONTEND_PORT", "").strip() or "3000"
        candidates = [
            public_url() or "",
            os.environ.get("REFLEX_DEPLOY_URL", ""),
            f"http://localhost:{port}",
            f"http://127.0.0.1:{port}",
        ]
    origins: list[str] = []
    for candidate in candidates:
        origin = _origin(candidate)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


# Server resources: what one client may cost a worker --------------------------


# Largest WebSocket frame the server accepts. The biggest legitimate frame is a
# profile form (a few KB); a bigger frame closes the connection before Reflex
# parses (or logs) it.
MAX_FRAME_BYTES = int(_number("PEERAPP_MAX_FRAME_BYTES", 64 * 1024, minimum=4096))

# Longest log record kept from Reflex's and Socket.IO's loggers: they log a
# refused event with its whole payload.
LOG_RECORD_MAX_CHARS = int(_number("PEERAPP_LOG_RECORD_MAX_CHARS", 2000, minimum=200))

# Password hashes (argon2: tens of milliseconds of CPU and 64 MiB each) computed at
# once per server process; the rest wait their turn off the event loop.
PASSWORD_HASH_THREADS = int(_number("PEERAPP_PASSWORD_HASH_THREADS", 2, minimum=1))

# Events one client may send (token buckets, per worker process): a tab (one
# WebSocket) and a client address (all its tabs). A person clicking and typing
# sends a few events a second; the bursts cover a page load and fast typing.
EVENTS_PER_SECOND_PER_TAB = _number("PEERAPP_EVENTS_PER_SECOND_PER_TAB", 20, minimum=1)
EVENT_BURST_PER_TAB = _number("PEERAPP_EVENT_BURST_PER_TAB", 100, minimum=1)
EVENTS_PER_SECOND_PER_ADDRESS = _number("PEERAPP_EVENTS_PER_SECOND_PER_ADDRESS", 200, minimum=1)
EVENT_BURST_PER_ADDRESS = _number("PEERAPP_EVENT_BURST_PER_ADDRESS", 1000, minimum=1)
# Open WebSockets per client address and worker: every socket holds server-side
# state, signed in or not. Generous for an office behind one NAT address.
SOCKETS_PER_ADDRESS = int(_number("PEERAPP_SOCKETS_PER_ADDRESS", 500, minimum=1))

# Reverse proxies / load balancers in front of the app that append the client's
# address to X-Forwarded-For. 0: the connection's own address is the client's.
TRUSTED_PROXY_HOPS = int(_number("PEERAPP_TRUSTED_PROXY_HOPS", 0))


# Email --------------------------------------------------------------------------

DEFAULT_MAIL_FROM = "peerapp <peerapp@localhost>"
DEFAULT_PUBLIC_URL = "http://localhost:3000"


def smtp_url() -> str | None:
    """PEERAPP_SMTP_URL (``smtp://user:pass@host:587?starttls=1``); unset: ``.eml`` files."""
    return os.environ.get("PEERAPP_SMTP_URL", "").strip() or None


def mail_from() -> str:
    """PEERAPP_MAIL_FROM: the From address of every email (also its envelope sender)."""
    return os.environ.get("PEERAPP_MAIL_FROM", "").strip() or DEFAULT_MAIL_FROM


def link_base() -> str:
    """The address links in emails start with: PEERAPP_PUBLIC_URL, else the local app."""
    return public_url() or DEFAULT_PUBLIC_URL


def mail_dir() -> Path:
    """PEERAPP_MAIL_DIR: where email goes as ``.eml`` files without SMTP (data/mail)."""
    configured = os.environ.get("PEERAPP_MAIL_DIR", "").strip()
    return Path(configured) if configured else ROOT / "data" / "mail"


# How often the running app delivers the outbox (and runs the jobs that fill it).
MAIL_INTERVAL_SECONDS = _number("PEERAPP_MAIL_INTERVAL_SECONDS", 5, minimum=0.1)
