"""Closing many pending requests at once: cancellations and expiry.

Bulk closes lock the rows they will change in id order first (lock_pending):
two transactions closing overlapping sets then queue instead of deadlocking on
PostgreSQL. Each closed request gets its line in the history.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import PeerRequest, RequestStatus
from peerapp.services import announce, history, places
from peerapp.services.unit import Change, unit_of_work

PENDING = RequestStatus.PENDING.value


def lock_pending(db: Session, condition: sa.ColumnElement[bool]) -> None:
    """Lock the pending requests matching ``condition``, in id order (no-op on SQLite).

    Transactions that close overlapping sets of requests (two accepts that fill four
    last places, a capacity change) then queue for the rows in one order; an UPDATE
    locks them in scan order, and two of those deadlock on PostgreSQL.
    """
    db.exec(
        select(PeerRequest.id)
        .where(condition, col(PeerRequest.status) == PENDING)
        .order_by(col(PeerRequest.id))
        .with_for_update()
    ).all()


def close_many(
    db: Session,
    condition: sa.ColumnElement[bool],
    *,
    status: RequestStatus,
    actor_id: int | None,
    reason: str,
    tell: bool = True,
) -> set[int]:
    """Close every pending request matching ``condition``; history and notices included.

    ``tell=False``: the caller tells people itself (a program switch sends one
    notice a person instead of one a request).
    """
    lock_pending(db, condition)
    rows = db.execute(
        sa.update(PeerRequest)
        .where(condition, col(PeerRequest.status) == PENDING)
        .values(status=status.value, closed_at=utcnow(), closed_by_id=actor_id, close_reason=reason)
        .returning(
            col(PeerRequest.id),
            col(PeerRequest.sender_id),
            col(PeerRequest.recipient_id),
            col(PeerRequest.program_id),
        )
    ).all()
    history.record_many(
        db,
        [row[0] for row in rows],
        from_status=PENDING,
        to_status=status.value,
        actor_id=actor_id,
        reason=reason,
    )
    if tell:
        closed = [(row[0], row[3], row[1], row[2]) for row in rows]
        announce.requests_closed(db, closed, status.value, actor_id, reason)
    return {person for row in rows for person in row[1:3]}


def cancel_pending(
    db: Session,
    *,
    program_id: int,
    actor_id: int | None,
    reason: str,
    person_id: int | None = None,
    side: str | None = None,
    kind: str | None = None,
    tell: bool = True,
) -> set[int]:
    """Cancel pending requests of a program; returns who is affected.

    Narrowed to one ``kind`` of pairing, or to one person's (``person_id``)
    requests, all of them or those in which they take ``side``. Part of the
    caller's unit of work: cancelling belongs to the change that caused it.
    """
    condition = col(PeerRequest.program_id) == program_id
    if kind is not None:
        condition = sa.and_(condition, col(PeerRequest.kind) == kind)
    if person_id is not None and side is not None:
        condition = sa.and_(condition, places.on_side(PeerRequest, person_id, side))
    elif person_id is not None:
        condition = sa.and_(
            condition,
            sa.or_(
                col(PeerRequest.sender_id) == person_id,
                col(PeerRequest.recipient_id) == person_id,
            ),
        )
    return close_many(
        db, condition, status=RequestStatus.CANCELLED, actor_id=actor_id, reason=reason, tell=tell
    )


def expiry_reason(created_at: datetime, expires_at: datetime) -> str:
    """Names the deadline the request was sent with, not today's program setting."""
    days = max(1, round((expires_at - created_at).total_seconds() / 86400))
    return f"No answer within {'1 day' if days == 1 else f'{days} days'}."


def expire_due(db: Session) -> Change:
    """Expire every pending request past its deadline; idempotent. ``told``: both sides of each.

    The reason names the deadline each request was sent with (created_at to
    expires_at), not the program's current setting, which may have changed since.
    """
    now = utcnow()
    due = db.exec(
        select(col(PeerRequest.id), col(PeerRequest.created_at), col(PeerRequest.expires_at)).where(
            col(PeerRequest.status) == PENDING,
            col(PeerRequest.expires_at).is_not(None),
            col(PeerRequest.expires_at) <= now,
        )
    ).all()
    by_reason: dict[str, list[int]] = {}
    for request_id, created_at, expires_at in due:
        if request_id is None or expires_at is None:  # excluded by the query; for the checker
            continue
        by_reason.setdefault(expiry_reason(created_at, expires_at), []).append(request_id)
    affected: set[int] = set()
    with unit_of_work(db):
        for reason, ids in sorted(by_reason.items()):
            for start in range(0, len(ids), 500):
                affected |= close_many(
                    db,
                    col(PeerRequest.id).in_(ids[start : start + 500]),
                    status=RequestStatus.EXPIRED,
                    actor_id=None,
                    reason=reason,
                )
    return Change(told=frozenset(affected))
