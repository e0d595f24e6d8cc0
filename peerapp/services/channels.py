"""Names of people's live channels: unguessable, and never the shape of a tab's token.

A person's open tabs follow one shared channel. Its name is derived from a
random key that only the server knows (kept in the database, so every worker
derives the same name), so knowing someone's employee id tells nothing about
their channel. The name starts with a fixed word and contains no hyphen, so it
can never equal a browser tab's token, which is always a UUID (see
``peerapp.reflex_compat.is_client_token``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.models import ServerSecret
from peerapp.services.unit import unit_of_work

PURPOSE = "live-channels"
PREFIX = "inbox"
# 160 bits of the HMAC: far beyond guessing, short enough for a state key.
DIGEST_CHARS = 40

_cached: dict[str, bytes] = {}
_lock = threading.Lock()


def _load_or_create(db: Session, purpose: str) -> bytes:
    found = db.exec(
        select(col(ServerSecret.value)).where(col(ServerSecret.purpose) == purpose)
    ).first()
    if found is None:
        # Two workers may get here at once: the unique purpose lets one insert win,
        # and both then read the winner's key.
        try:
            with unit_of_work(db):
                db.add(ServerSecret(purpose=purpose, value=secrets.token_hex(32)))
        except sa.exc.IntegrityError:
            pass  # the unit rolled back; the winner's key is read below
        found = db.exec(
            select(col(ServerSecret.value)).where(col(ServerSecret.purpose) == purpose)
        ).one()
    return bytes.fromhex(found)


def server_key(db: Session, purpose: str = PURPOSE) -> bytes:
    """The server's random key for ``purpose``, created on first use, then cached."""
    key = _cached.get(purpose)
    if key is None:
        with _lock:
            key = _cached.get(purpose)
            if key is None:
                key = _cached[purpose] = _load_or_create(db, purpose)
    return key


def forget_cached_keys() -> None:
    """Drop the in-process copies (tests that swap databases call this)."""
    _cached.clear()


def channel_name(key: bytes, employee_id: int) -> str:
    """The shared token of a person's live channel (letters and digits only)."""
    mac = hmac.new(key, f"{PURPOSE}:{employee_id}".encode(), hashlib.sha256).hexdigest()
    return PREFIX + mac[:DIGEST_CHARS]


def cached_key(purpose: str = PURPOSE) -> bytes | None:
    """The key if this process has read it already (no database access)."""
    return _cached.get(purpose)
