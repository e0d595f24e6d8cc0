"""Runtime settings read from the environment, each in exactly one place."""

from __future__ import annotations

import os
from pathlib import Path

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

# Sign-in throttling: failures within the window per email / per client address.
SIGN_IN_WINDOW_MINUTES = int(os.environ.get("PEERAPP_SIGN_IN_WINDOW_MINUTES", "15"))
SIGN_IN_FAILURES_PER_EMAIL = int(os.environ.get("PEERAPP_SIGN_IN_FAILURES_PER_EMAIL", "5"))
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("PEERAPP_SIGN_IN_FAILURES_PER_ADDRESS", "20"))

# Peer requests one person may send in any rolling hour (whatever became of them).
REQUESTS_PER_HOUR = int(os.environ.get("PEERAPP_REQUESTS_PER_HOUR", "10"))
