"""Reading a person's notices: the bell's count, the recent list, marking them read.

Notices are written elsewhere, with the change that causes them; this module
only shows them to their own person. Every function takes the person's id from
the caller (the signed-in person, never a browser argument) and touches no one
else's rows: a notice id from outside is looked up together with its owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, Notice, Pairing, PeerRequest, Program
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.places import PEER, side_in
from peerapp.services.unit import Change, unit_of_work

RECENT_LIMIT = 20
# The bell counts this far and no further: "99+" says enough, and the count
# stays one short index scan however much piles up.
UNREAD_CAP = 99
NOT_YOURS = "That notification does not exist."


@dataclass(frozen=True)
class NoticeItem:
    """One notice as facts for display (the words are made in the state layer).

    ``other_name``: the other person of the request or pairing it is about
    (for a notice without one, the actor); ``viewer_side``: the viewer's side
    in it (peer, mentor, mentee).
    """

    id: int
    kind: str
    category: str
    created_at: datetime
    read: bool
    detail: str = ""
    actor_name: str = ""
    other_name: str = ""
    program_id: int | None = None
    program_name: str = ""
    request_id: int | None = None
    pairing_id: int | None = None
    viewer_side: str = PEER
    # Whether the request it is about was sent by the viewer (their own request).
    sent_by_viewer: bool = False
    expires_at: datetime | None = None


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every moment stored is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _other(row: PeerRequest | Pairing | None, me: int) -> int | None:
    if row is None:
        return None
    if isinstance(row, PeerRequest):
        return row.sender_id if row.recipient_id == me else row.recipient_id
    return row.person_low_id if row.person_high_id == me else row.person_high_id


def recent(db: Session, employee_id: int, limit: int = RECENT_LIMIT) -> list[NoticeItem]:
    """This person's latest notices, newest first (at most ``limit``)."""
    limit = max(1, min(limit, RECENT_LIMIT * 5))
    rows = db.exec(
        select(Notice, Program, PeerRequest, Pairing)
        .join(Program, col(Program.id) == col(Notice.program_id), isouter=True)
        .join(PeerRequest, col(PeerRequest.id) == col(Notice.request_id), isouter=True)
        .join(Pairing, col(Pairing.id) == col(Notice.pairing_id), isouter=True)
        .where(col(Notice.employee_id) == employee_id)
        .order_by(col(Notice.id).desc())
        .limit(limit)
    ).all()
    wanted: set[int] = set()
    for notice, _program, request, pairing in rows:
        wanted |= {i for i in (notice.actor_id, _other(request or pairing, employee_id)) if i}
    names = (
        dict(
            db.exec(
                select(col(Employee.id), col(Employee.full_name)).where(
                    col(Employee.id).in_(wanted)
                )
            ).all()
        )
        if wanted
        else {}
    )
    items = []
    for notice, program, request, pairing in rows:
        about = request or pairing
        actor = names.get(notice.actor_id or 0, "")
        other = names.get(_other(about, employee_id) or 0, "") or actor
        items.append(
            NoticeItem(
                id=notice.id or 0,
                kind=notice.kind,
                category=notice.category,
                created_at=_aware(notice.created_at) or utcnow(),
                read=notice.read_at is not None,
                detail=notice.detail,
                actor_name=actor,
                other_name=other,
                program_id=notice.program_id,
                program_name=program.name if program is not None else "",
                request_id=notice.request_id,
                pairing_id=notice.pairing_id,
                viewer_side=side_in(about, employee_id) if about is not None else PEER,
                sent_by_viewer=request is not None and request.sender_id == employee_id,
                expires_at=_aware(request.expires_at) if request is not None else None,
            )
        )
    return items


def unread_count(db: Session, employee_id: int) -> int:
    """How many notices this person has not read, counted up to ``UNREAD_CAP + 1``."""
    unread = (
        select(col(Notice.id))
        .where(col(Notice.employee_id) == employee_id, col(Notice.read_at).is_(None))
        .limit(UNREAD_CAP + 1)
        .subquery()
    )
    return db.exec(select(sa.func.count()).select_from(unread)).one()


def mark_all_read(db: Session, employee_id: int) -> Change:
    """Mark every unread notice of this person read (their other tabs' bells follow)."""
    with unit_of_work(db):
        db.execute(
            sa.update(Notice)
            .where(col(Notice.employee_id) == employee_id, col(Notice.read_at).is_(None))
            .values(read_at=utcnow())
        )
    return Change(told=frozenset({employee_id}))


def mark_read(db: Session, employee_id: int, notice_id: object) -> Change:
    """Mark one of this person's notices read; someone else's id is refused like a missing one."""
    wanted = validation.identifier(notice_id, "notification")
    with unit_of_work(db):
        owned = db.exec(
            select(col(Notice.id)).where(
                col(Notice.id) == wanted, col(Notice.employee_id) == employee_id
            )
        ).first()
        if owned is None:
            raise Refused(NOT_YOURS)
        db.execute(
            sa.update(Notice)
            .where(col(Notice.id) == wanted, col(Notice.read_at).is_(None))
            .values(read_at=utcnow())
        )
    return Change(told=frozenset({employee_id}))
