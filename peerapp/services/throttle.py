"""Sign-in throttling per account (email) and per client address, kept in the database.

Attempts live in a table rather than in process memory, so every server process
sees the same counts. Only SHA-256 keys of the email and the address are stored.
Emails are throttled whether or not an account exists, so a refusal tells
nothing about which addresses are registered.

One client address can be many people: an office behind one NAT address, or
everyone at once when the app runs behind a proxy whose hops are not
configured (PEERAPP_TRUSTED_PROXY_HOPS). So an address over its limit does not
lock out the people who signed in successfully from that same address within
the last PEERAPP_SIGN_IN_REMEMBER_DAYS days: their sign-ins go on, still under
their own per-email limit. Someone guessing from an address cannot use this:
only an email that already got in from there is let through, and guessing at
it locks that email after five failures like anywhere else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp import settings
from peerapp.clock import utcnow
from peerapp.models import SignInAttempt
from peerapp.services.unit import unit_of_work

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


def _remembered() -> timedelta:
    return timedelta(days=settings.SIGN_IN_REMEMBER_DAYS)


def signed_in_here_before(db: Session, *, email: object, client: object) -> bool:
    """Whether this email signed in successfully from this address recently."""
    found = db.exec(
        select(col(SignInAttempt.id))
        .where(
            col(SignInAttempt.email_key) == email_key(email),
            col(SignInAttempt.client_key) == client_key(client),
            col(SignInAttempt.succeeded).is_(True),
            col(SignInAttempt.at) > utcnow() - _remembered(),
        )
        .limit(1)
    ).first()
    return found is not None


def is_throttled(db: Session, *, email: object, client: object) -> bool:
    """Too many recent failures for this email (since its last success) or this address.

    An address over its limit still lets through an email that signed in from
    it before (see the module's docstring): the address limit alone never locks
    out everyone who shares that address.
    """
    since = utcnow() - _window()
    ekey = email_key(email)
    # Failures after the last success count (ids, not times: two can share a time).
    last_success = db.exec(
        select(sa.func.max(col(SignInAttempt.id))).where(
            col(SignInAttempt.email_key) == ekey,
            col(SignInAttempt.succeeded).is_(True),
            col(SignInAttempt.at) > since,
        )
    ).one()
    email_failures = db.exec(
        select(sa.func.count()).where(
            col(SignInAttempt.email_key) == ekey,
            col(SignInAttempt.succeeded).is_(False),
            col(SignInAttempt.at) > since,
            col(SignInAttempt.id) > (last_success or 0),
        )
    ).one()
    if email_failures >= settings.SIGN_IN_FAILURES_PER_EMAIL:
        return True
    address_failures = db.exec(
        select(sa.func.count()).where(
            col(SignInAttempt.client_key) == client_key(client),
            col(SignInAttempt.succeeded).is_(False),
            col(SignInAttempt.at) > since,
        )
    ).one()
    if address_failures < settings.SIGN_IN_FAILURES_PER_ADDRESS:
        return False
    return not signed_in_here_before(db, email=email, client=client)


def record(db: Session, *, email: object, client: object, succeeded: bool) -> None:
    """Remember a checked attempt (its own unit of work, or part of the caller's).

    Failures are forgotten after the window; successes after the remembered
    days, and a new success replaces the older ones of the same email and
    address, so there is one row per pair that ever got in.
    """
    now = utcnow()
    ekey, ckey = email_key(email), client_key(client)
    with unit_of_work(db):
        _forget_old(db, now, ekey, ckey, succeeded)
        db.add(SignInAttempt(at=now, email_key=ekey, client_key=ckey, succeeded=succeeded))


def _forget_old(db: Session, now: datetime, ekey: str, ckey: str, succeeded: bool) -> None:
    db.exec(
        sa.delete(SignInAttempt).where(
            sa.or_(
                sa.and_(
                    col(SignInAttempt.succeeded).is_(False),
                    col(SignInAttempt.at) <= now - _window(),
                ),
                col(SignInAttempt.at) <= now - _remembered(),
            )
        )
    )
    if succeeded:
        db.exec(
            sa.delete(SignInAttempt).where(
                col(SignInAttempt.email_key) == ekey,
                col(SignInAttempt.client_key) == ckey,
                col(SignInAttempt.succeeded).is_(True),
            )
        )
