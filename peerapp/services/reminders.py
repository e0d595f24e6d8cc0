"""Reminding people of requests that wait for their answer, before the requests expire.

A pending request's recipient is reminded ``program.reminder_days`` days
before it expires and, if it is still unanswered, once more the day before.
A request sent with less time left than that gets only the last reminder (it
was sent after the first one would have gone), and one that lives a day or
less gets none: the new-request notice said it all. Each reminder is a notice
of its own kind per request, unique in the database, so a job running in
several workers at once, or again after a crash, reminds nobody twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Notice, NoticeKind, PeerRequest, Program, RequestStatus
from peerapp.services.notify import Tell, tell_many
from peerapp.services.unit import Change, unit_of_work

BATCH = 500
LAST_DAY = timedelta(days=1)
REMINDER = NoticeKind.REMINDER.value
LAST_REMINDER = NoticeKind.LAST_REMINDER.value


def due_kind(
    now: datetime, created_at: datetime, expires_at: datetime, reminder_days: int
) -> str | None:
    """Which reminder a pending request's recipient is due now, if any (the rule, in one place)."""
    last_at = expires_at - LAST_DAY
    if now >= expires_at:
        return None
    if now >= last_at:
        return LAST_REMINDER if created_at < last_at else None
    first_at = expires_at - timedelta(days=reminder_days)
    if reminder_days > 1 and now >= first_at and created_at <= first_at:
        return REMINDER
    return None


def _told(kind: str) -> sa.Exists:
    return sa.exists().where(
        col(Notice.request_id) == col(PeerRequest.id),
        col(Notice.employee_id) == col(PeerRequest.recipient_id),
        col(Notice.kind) == kind,
    )


def remind_due(db: Session, *, batch: int = BATCH) -> Change:
    """Write the reminders that are due; ``told``: everyone reminded.

    Reads pending requests expiring within the longest reminder period of any
    program, ``batch`` at a time, skipping those whose recipient already has
    the reminder; each batch is one unit of work with a fixed number of queries.
    """
    now = utcnow()
    longest = db.exec(select(sa.func.max(col(Program.reminder_days)))).one() or 1
    after, told = 0, set()
    while True:
        rows = db.execute(
            sa.select(
                col(PeerRequest.id),
                col(PeerRequest.program_id),
                col(PeerRequest.recipient_id),
                col(PeerRequest.sender_id),
                col(PeerRequest.created_at),
                col(PeerRequest.expires_at),
                col(Program.reminder_days),
                _told(REMINDER),
            )
            .join(Program, col(Program.id) == col(PeerRequest.program_id))
            .where(
                col(PeerRequest.status) == RequestStatus.PENDING.value,
                col(PeerRequest.expires_at) > now,
                col(PeerRequest.expires_at) <= now + timedelta(days=max(longest, 1)),
                col(PeerRequest.id) > after,
                ~_told(LAST_REMINDER),
            )
            .order_by(col(PeerRequest.id))
            .limit(batch)
        ).all()
        if not rows:
            break
        tells = []
        for request_id, program_id, recipient, sender, created, expires, days, reminded in rows:
            assert request_id is not None and expires is not None  # by the query
            kind = due_kind(now, created, expires, days)
            if kind is None or (kind == REMINDER and reminded):
                continue
            tells.append(Tell(recipient, kind, program_id, request_id, None, sender))
        if tells:
            with unit_of_work(db):
                tell_many(db, tells)
            told |= {t.employee_id for t in tells}
        after = rows[-1][0]
        if len(rows) < batch:
            break
    return Change(told=frozenset(told))
