"""The append-only history of every peer request transition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, RequestEvent


def record(
    db: Session,
    request_id: int,
    *,
    to_status: str,
    from_status: str | None,
    actor_id: int | None,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    """Append one transition (the caller commits with the change itself)."""
    db.add(
        RequestEvent(
            request_id=request_id,
            actor_id=actor_id,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            at=at or utcnow(),
        )
    )


def record_many(
    db: Session,
    request_ids: Iterable[int],
    *,
    to_status: str,
    from_status: str,
    actor_id: int | None,
    reason: str,
) -> None:
    """Append the same transition for several requests."""
    moment = utcnow()
    for request_id in request_ids:
        record(
            db,
            request_id,
            to_status=to_status,
            from_status=from_status,
            actor_id=actor_id,
            reason=reason,
            at=moment,
        )


@dataclass(frozen=True)
class Step:
    """One transition as people read it."""

    request_id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    from_status: str | None
    to_status: str
    reason: str


def steps_for(db: Session, request_ids: list[int]) -> dict[int, list[Step]]:
    """History of these requests, oldest first, in one query."""
    if not request_ids:
        return {}
    rows = db.exec(
        select(RequestEvent, col(Employee.full_name))
        .join(Employee, col(Employee.id) == col(RequestEvent.actor_id), isouter=True)
        .where(col(RequestEvent.request_id).in_(request_ids))
        .order_by(col(RequestEvent.request_id), col(RequestEvent.at), col(RequestEvent.id))
    ).all()
    steps: dict[int, list[Step]] = {}
    for event, name in rows:
        steps.setdefault(event.request_id, []).append(
            Step(
                event.request_id,
                event.at,
                event.actor_id,
                name or "",
                event.from_status,
                event.to_status,
                event.reason,
            )
        )
    return steps
