"""What admins see of the email peerapp could not deliver (the outbox's ``failed`` rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.models import OutboxMessage, OutboxStatus
from peerapp.services import programs
from peerapp.services.errors import Refused

FAILURES_SHOWN = 5
FAILURES_MAX = 50
ADMINS_ONLY = "Only program admins can see which emails could not be delivered."


@dataclass(frozen=True)
class FailedMail:
    """One email given up on: to whom, about what, why, after how many attempts."""

    to_address: str
    subject: str
    error: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Failures:
    """How many emails could not be delivered, and the latest of them."""

    count: int
    latest: list[FailedMail]


def failures(db: Session, *, actor_id: int, limit: int = FAILURES_SHOWN) -> Failures:
    """Emails the sender gave up on, newest first; program admins only."""
    if not programs.is_admin(db, actor_id):
        raise Refused(ADMINS_ONLY)
    failed = col(OutboxMessage.status) == OutboxStatus.FAILED.value
    count = db.exec(select(sa.func.count()).select_from(OutboxMessage).where(failed)).one()
    rows = db.exec(
        select(OutboxMessage)
        .where(failed)
        .order_by(col(OutboxMessage.id).desc())
        .limit(max(1, min(limit, FAILURES_MAX)))
    ).all()
    latest = [
        FailedMail(row.to_address, row.subject, row.last_error, row.attempts, row.created_at)
        for row in rows
    ]
    return Failures(count, latest)
