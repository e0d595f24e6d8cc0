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


def public_url() -> str | None:
    """The address people open (behind a proxy or load balancer); unset: this host."""
    return os.environ.get("PEERAPP_PUBLIC_URL", "").strip().rstrip("/") or None


SESSION_DAYS = int(os.environ.get("PEERAPP_SESSION_DAYS", "30"))
