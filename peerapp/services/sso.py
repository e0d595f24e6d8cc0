"""Single sign-on rules: who may come in through the company's identity provider.

The OpenID Connect exchange itself (redirects, ID token checks) happens in
``peerapp.oidc``; what it hands over here is an email the provider vouches for.
From there the rules are:

* only an email the provider marks as verified counts;
* it must belong to an existing, active employee (matched case-insensitively);
  nobody is created on the fly;
* the browser then gets a one-time ticket that lives ``TICKET_SECONDS`` and is
  exchanged, exactly once, for an ordinary session (``sessions.start_session``),
  the same kind a password sign-in opens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, SsoTicket
from peerapp.services import sessions
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.unit import unit_of_work

TICKET_SECONDS = 60
TICKET_MAX_LEN = 128
# Used and expired tickets are kept this long (for a look in the database), then swept.
_KEEP_OLD_TICKETS = timedelta(days=1)

# What the sign-in page says for each way single sign-on can fail. Only these codes
# travel in URLs, so nothing a third party puts in a link is ever shown as text.
MESSAGES = {
    "unverified": (
        "Your company account did not confirm your email address, so peerapp cannot "
        "tell who you are. Please ask your administrator."
    ),
    "unknown": (
        "There is no active peerapp account for the email of your company account. "
        "Please ask your administrator to add you."
    ),
    "expired": "That sign-in link has expired or was already used. Please sign in again.",
    "failed": "Single sign-on did not complete, so you were not signed in. Please try again.",
    "cancelled": "Single sign-on was cancelled at your company's sign-in page.",
    "unavailable": (
        "Your company's sign-in service could not be reached. Please try again in a moment, "
        "or sign in with your password."
    ),
}


class SsoRefused(Refused):
    """A refused single sign-on; ``code`` names the message in ``MESSAGES``."""

    def __init__(self, code: str):
        super().__init__(MESSAGES[code])
        self.code = code


def message_for(code: object) -> str:
    """The message for an error code from a URL; unknown codes get none."""
    return MESSAGES.get(code, "") if isinstance(code, str) else ""


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def employee_for_email(db: Session, email: object, email_verified: object) -> Employee:
    """The active employee a provider-verified email belongs to, else a refusal."""
    if email_verified is not True:
        raise SsoRefused("unverified")
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        raise SsoRefused("unverified")
    address = email.strip().lower()
    employee = db.exec(
        select(Employee).where(sa.func.lower(col(Employee.email)) == address)
    ).first()
    if employee is None or not employee.is_active:
        raise SsoRefused("unknown")
    return employee


def issue_ticket(db: Session, email: object, email_verified: object) -> str:
    """A one-time ticket for the employee with this verified email (stored hashed)."""
    employee = employee_for_email(db, email, email_verified)
    now = utcnow()
    ticket = secrets.token_urlsafe(32)
    with unit_of_work(db):
        db.exec(sa.delete(SsoTicket).where(col(SsoTicket.expires_at) < now - _KEEP_OLD_TICKETS))
        db.add(
            SsoTicket(
                ticket_hash=_digest(ticket),
                employee_id=id_of(employee),
                created_at=now,
                expires_at=now + timedelta(seconds=TICKET_SECONDS),
            )
        )
    return ticket


def redeem_ticket(
    db: Session, ticket: object, *, previous_token: object = None, session_days: int = 30
) -> str:
    """Exchange a live, unused ticket for a new session token, exactly once.

    The ticket is marked used by one conditional UPDATE, so of two browsers (or two
    server processes) presenting the same ticket at once only one gets a session.
    As with a password sign-in, a session the browser still held is revoked.
    """
    if not isinstance(ticket, str) or not ticket or len(ticket) > TICKET_MAX_LEN:
        raise SsoRefused("expired")
    now = utcnow()
    digest = _digest(ticket)
    token = None
    # One transaction: the ticket is spent together with the new session, or not at all.
    with unit_of_work(db):
        claimed = rows_changed(
            db,
            sa.update(SsoTicket)
            .where(
                col(SsoTicket.ticket_hash) == digest,
                col(SsoTicket.used_at).is_(None),
                col(SsoTicket.expires_at) > now,
            )
            .values(used_at=now),
        )
        if claimed != 1:
            raise SsoRefused("expired")
        employee = db.exec(
            select(Employee)
            .join(SsoTicket, col(SsoTicket.employee_id) == col(Employee.id))
            .where(col(SsoTicket.ticket_hash) == digest)
        ).one()
        # Deactivated in the seconds since the callback: the ticket stays spent, no session.
        if employee.is_active:
            sessions.end_session(db, previous_token)
            token = sessions.start_session(db, id_of(employee), days=session_days)
    if token is None:
        raise SsoRefused("unknown")
    return token
