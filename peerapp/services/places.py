"""Where a member stands: places left, open requests, and the locks that keep it true.

``send_facts`` reads everything the send rules look at for two members in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from peerapp.models import Membership, Pairing, PairingStatus, PeerRequest, RequestStatus
from peerapp.services import send_rate


def lock_members(db: Session, program_id: int, people: Iterable[int]) -> dict[int, Membership]:
    """Lock the memberships of ``people`` for the rest of the transaction.

    Every change that can use up a place or an open-request slot locks the
    memberships involved first, always in id order so that two transactions
    never wait on each other in a circle. On SQLite the whole transaction
    already holds the write lock (see peerapp.db), and FOR UPDATE is not emitted.
    """
    rows = db.exec(
        select(Membership)
        .where(
            col(Membership.program_id) == program_id,
            col(Membership.employee_id).in_(sorted(set(people))),
        )
        .order_by(col(Membership.employee_id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {member.employee_id: member for member in rows}


def active_pairings_query(program_id: int, employee_id: int) -> SelectOfScalar[int]:
    """SELECT the number of active peer pairings this member is in."""
    return (
        select(sa.func.count())
        .select_from(Pairing)
        .where(
            col(Pairing.program_id) == program_id,
            col(Pairing.status) == PairingStatus.ACTIVE.value,
            sa.or_(
                col(Pairing.person_low_id) == employee_id,
                col(Pairing.person_high_id) == employee_id,
            ),
        )
    )


def active_pairings(db: Session, program_id: int, employee_id: int) -> int:
    """Number of active peer pairings this member is in."""
    return db.exec(active_pairings_query(program_id, employee_id)).one()


def active_pairings_of(db: Session, program_id: int, people: list[int]) -> dict[int, int]:
    """Active pairing counts for many members in one aggregate query."""
    if not people:
        return {}
    sides = sa.union_all(
        *(
            select(column.label("person")).where(
                col(Pairing.program_id) == program_id,
                col(Pairing.status) == PairingStatus.ACTIVE.value,
                column.in_(people),
            )
            for column in (col(Pairing.person_low_id), col(Pairing.person_high_id))
        )
    ).subquery()
    counts: dict[int, int] = dict.fromkeys(people, 0)
    for person, count in db.exec(
        select(sides.c.person, sa.func.count()).group_by(sides.c.person)
    ).all():
        counts[person] += count
    return counts


def open_requests_query(program_id: int, sender_id: int) -> SelectOfScalar[int]:
    """SELECT the number of pending requests this member has sent."""
    return (
        select(sa.func.count())
        .select_from(PeerRequest)
        .where(
            col(PeerRequest.program_id) == program_id,
            col(PeerRequest.sender_id) == sender_id,
            col(PeerRequest.status) == RequestStatus.PENDING.value,
        )
    )


def open_requests(db: Session, program_id: int, sender_id: int) -> int:
    """Pending requests this member has sent."""
    return db.exec(open_requests_query(program_id, sender_id)).one()


def places_left(db: Session, member: Membership) -> int:
    """How many more pairings this member can take on (never negative)."""
    return max(0, member.capacity - active_pairings(db, member.program_id, member.employee_id))


def _between(
    model: type[Pairing] | type[PeerRequest], program_id: int, a: int, b: int
) -> sa.ColumnElement[bool]:
    low, high = min(a, b), max(a, b)
    return sa.and_(
        col(model.program_id) == program_id,
        col(model.person_low_id) == low,
        col(model.person_high_id) == high,
    )


@dataclass(frozen=True)
class SendFacts:
    """What the send rules look at for two members, beyond their locked memberships."""

    paired: bool
    pending_id: int | None
    hour_full_since: datetime | None  # see send_rate.limit_reached_since
    open_requests: int
    active: dict[int, int]


def send_facts(db: Session, program_id: int, sender_id: int, recipient_id: int) -> SendFacts:
    """Read every fact the send rules need in one round trip (under the members' locks)."""
    paired = (
        select(Pairing.id)
        .where(
            _between(Pairing, program_id, sender_id, recipient_id),
            col(Pairing.status) == PairingStatus.ACTIVE.value,
        )
        .limit(1)
    )
    pending = (
        select(PeerRequest.id)
        .where(
            _between(PeerRequest, program_id, sender_id, recipient_id),
            col(PeerRequest.status) == RequestStatus.PENDING.value,
        )
        .limit(1)
    )
    # Six columns: SQLAlchemy's select and execute (SQLModel's typed ones stop at four).
    row = db.execute(
        sa.select(
            paired.scalar_subquery(),
            pending.scalar_subquery(),
            send_rate.limit_reached_since(sender_id).scalar_subquery(),
            open_requests_query(program_id, sender_id).scalar_subquery(),
            active_pairings_query(program_id, sender_id).scalar_subquery(),
            active_pairings_query(program_id, recipient_id).scalar_subquery(),
        )
    ).one()
    paired_id, pending_id, hour_full_since, open_requests, sender_active, recipient_active = row
    return SendFacts(
        paired=paired_id is not None,
        pending_id=pending_id,
        hour_full_since=hour_full_since,
        open_requests=open_requests,
        active={sender_id: sender_active, recipient_id: recipient_active},
    )
