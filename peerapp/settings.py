"""Runtime settings read from the environment, each in exactly one place."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


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


SESSION_DAYS = int(os.environ.get("PEERAPP_SESSION_DAYS", "30"))


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, without a path or trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins() -> list[str]:
    """Browser origins the app is served from; only these may open its WebSocket.

    PEERAPP_ALLOWED_ORIGINS (comma separated, e.g. ``https://peers.example.com``)
    wins. Without it: the configured deploy URL (REFLEX_DEPLOY_URL) if any, and
    localhost and 127.0.0.1 on the frontend port (REFLEX_FRONTEND_PORT, which
    `reflex run --frontend-port` sets for its server process; 3000 by default).
    """
    configured = os.environ.get("PEERAPP_ALLOWED_ORIGINS", "")
    if configured.strip():
        candidates = configured.split(",")
    else:
        port = os.environ.get("REFLEX_FRONTEND_PORT", "").strip() or "3000"
        candidates = [
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
