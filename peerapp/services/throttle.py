"""Sign-in throttling per account (email) and per client address, kept in the database.

Attempts live in a table rather than in process memory, so every server process
sees the same counts. Only SHA-256 keys of the email and the address are stored.
Emails are throttled whether or not an account exists, so a refusal tells
nothing about which addresses are registered.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from peerapp import settings
from peerapp.clock import utcnow
from peerapp.models import SignInAttempt

# The same words for a wrong password, an unknown email and a throttled attempt.
SIGN_IN_REFUSED = (
    "That email and password did not work, or there were too many attempts. "
    "Check them and try again in a few minutes."
)


def _key(kind: str, value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    return hashlib.sha256(f"{kind}:{text[:320]}".encode()).hexdigest()


def email_key(email: object) -> str:
    """The stored key of an email as typed (normalised like accounts do)."""
    return _key("email", email)


def client_key(address: object) -> str:
    """The stored key of a client address."""
    return _key("client", address)


def _window() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_WINDOW_MINUTES)


def is_throttled(db: Session, *, email: object, client: object) -> bool:
    """Too many recent failures for this email (since its last success) or this address."""
    since = utcnow() - _window()
    ekey = email_key(email)
    # Failures after the last success count (ids, not times: two can share a time).
    last_success = db.exec(
        select(sa.func.max(SignInAttempt.id)).where(
            SignInAttempt.email_key == ekey,
            SignInAttempt.succeeded.is_(True),  # type: ignore[attr-defined]
            SignInAttempt.at > since,
        )
    ).one()
    email_failures = db.exec(
        select(sa.func.count()).where(
            SignInAttempt.email_key == ekey,
            SignInAttempt.succeeded.is_(False),  # type: ignore[attr-defined]
            SignInAttempt.at > since,
            SignInAttempt.id > (last_success or 0),
        )
    ).one()
    if email_failures >= settings.SIGN_IN_FAILURES_PER_EMAIL:
        return True
    address_failures = db.exec(
        select(sa.func.count()).where(
            SignInAttempt.client_key == client_key(client),
            SignInAttempt.succeeded.is_(False),  # type: ignore[attr-defined]
            SignInAttempt.at > since,
        )
    ).one()
    return address_failures >= settings.SIGN_IN_FAILURES_PER_ADDRESS


def record(db: Session, *, email: object, client: object, succeeded: bool) -> None:
    """Remember a checked attempt and forget those older than the window (commits)."""
    now = utcnow()
    db.exec(sa.delete(SignInAttempt).where(SignInAttempt.at <= now - _window()))
    db.add(
        SignInAttempt(
            at=now, email_key=email_key(email), client_key=client_key(client), succeeded=succeeded
        )
    )
    db.commit()
