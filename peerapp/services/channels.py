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
from peerapp.services.unit import inside_unit, unit_of_work

PURPOSE = "live-channels"
PREFIX = "inbox"
# 160 bits of the HMAC: far beyond guessing, short enough for a state key.
DIGEST_CHARS = 40

_cached: dict[str, bytes] = {}
_lock = threading.Lock()


def _load_or_create(db: Session, purpose: str) -> tuple[bytes, bool]:
    """The key, and whether it is committed (safe to keep for the life of the process)."""
    found = db.exec(
        select(col(ServerSecret.value)).where(col(ServerSecret.purpose) == purpose)
    ).first()
    if found is not None:
        return bytes.fromhex(found), True
    # Inside a caller's unit (an email written with a change) the new key commits
    # with that change, or rolls back with it: it is kept only once committed.
    committed = not inside_unit(db)
    with unit_of_work(db):
        try:
            # Two workers may get here at once: the unique purpose lets one insert win;
            # the savepoint undoes only the loser's insert, never the caller's work.
            with db.begin_nested():
                db.add(ServerSecret(purpose=purpose, value=secrets.token_hex(32)))
        except sa.exc.IntegrityError:
            pass  # the winner's key is read below
    found = db.exec(
        select(col(ServerSecret.value)).where(col(ServerSecret.purpose) == purpose)
    ).one()
    return bytes.fromhex(found), committed


def server_key(db: Session, purpose: str = PURPOSE) -> bytes:
    """The server's random key for ``purpose``, created on first use, then cached."""
    key = _cached.get(purpose)
    if key is None:
        with _lock:
            key = _cached.get(purpose)
            if key is None:
                key, committed = _load_or_create(db, purpose)
                if committed:
                    _cached[purpose] = key
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
