"""Where a member stands: places left on each side, open requests, and the locks that keep it true.

``send_facts`` reads everything the send rules look at for two members in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from peerapp.models import (
    Membership,
    Pairing,
    PairingKind,
    PairingStatus,
    PeerRequest,
    RequestStatus,
)
from peerapp.services import send_rate
from peerapp.services.sql import any_id


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


# The side a person takes in a pairing: peers share one kind of place; a mentor
# has mentee places; being mentored takes no place.
PEER, MENTOR, MENTEE = "peer", "mentor", "mentee"
SIDES = (PEER, MENTOR, MENTEE)


def kind_of(side: str) -> str:
    """The pairing kind a side belongs to."""
    return PairingKind.PEER.value if side == PEER else PairingKind.MENTORING.value


def on_side(
    model: type[Pairing] | type[PeerRequest], person: int, side: str
) -> sa.ColumnElement[bool]:
    """Rows of ``model`` in which ``person`` takes ``side``."""
    either = sa.or_(col(model.person_low_id) == person, col(model.person_high_id) == person)
    if side == PEER:
        return sa.and_(either, col(model.kind) == PairingKind.PEER.value)
    mentoring = sa.and_(either, col(model.kind) == PairingKind.MENTORING.value)
    if side == MENTOR:
        return sa.and_(mentoring, col(model.mentor_id) == person)
    return sa.and_(mentoring, col(model.mentor_id) != person)


def capacity_of(member: Membership, side: str) -> int | None:
    """How many pairings on ``side`` the member takes on at once (None: no limit)."""
    if side == PEER:
        return member.capacity
    if side == MENTOR:
        return member.mentee_capacity
    return None


def active_pairings_query(
    program_id: int, employee_id: int, side: str = PEER
) -> SelectOfScalar[int]:
    """SELECT the number of active pairings in which this member takes ``side``."""
    return (
        select(sa.func.count())
        .select_from(Pairing)
        .where(
            col(Pairing.program_id) == program_id,
            col(Pairing.status) == PairingStatus.ACTIVE.value,
            on_side(Pairing, employee_id, side),
        )
    )


def active_pairings(db: Session, program_id: int, employee_id: int, side: str = PEER) -> int:
    """Number of active pairings in which this member takes ``side``."""
    return db.exec(active_pairings_query(program_id, employee_id, side)).one()


def active_pairings_by_side(
    db: Session, program_id: int, people: list[int]
) -> dict[str, dict[int, int]]:
    """For many members, in one query: their active pairings on each side.

    Reads the active pairings that hold any of them (a few each) and counts
    them here: a plain indexed read, where an aggregate over a union cost more
    to build and plan than to run.
    """
    counts: dict[str, dict[int, int]] = {side: dict.fromkeys(people, 0) for side in SIDES}
    if not people:
        return counts
    low, high = col(Pairing.person_low_id), col(Pairing.person_high_id)
    rows = db.execute(
        sa.select(low, high, col(Pairing.kind), col(Pairing.mentor_id)).where(
            col(Pairing.program_id) == program_id,
            col(Pairing.status) == PairingStatus.ACTIVE.value,
            sa.or_(any_id(db, low, people), any_id(db, high, people)),
        )
    ).all()
    for first, second, kind, mentor in rows:
        for person in (first, second):
            if person in counts[PEER]:
                side = PEER if kind == PairingKind.PEER.value else MENTOR
                counts[side if side == PEER or mentor == person else MENTEE][person] += 1
    return counts


def room_on_sides(
    db: Session, program_id: int, members: dict[int, Membership], sides: dict[int, str]
) -> dict[int, int | None]:
    """How many more pairings each member can take on their side (None: no limit), in one read."""
    counts = active_pairings_by_side(db, program_id, list(sides))
    left: dict[int, int | None] = {}
    for person, side in sides.items():
        capacity = capacity_of(members[person], side)
        left[person] = None if capacity is None else max(0, capacity - counts[side][person])
    return left


def open_requests_query(program_id: int, sender_id: int) -> SelectOfScalar[int]:
    """SELECT the number of pending requests (of any kind) this member has sent."""
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


def places_left(db: Session, member: Membership, side: str = PEER) -> int | None:
    """How many more pairings on ``side`` this member can take on (None: no limit)."""
    capacity = capacity_of(member, side)
    if capacity is None:
        return None
    used = active_pairings(db, member.program_id, member.employee_id, side)
    return max(0, capacity - used)


def _between(
    model: type[Pairing] | type[PeerRequest], program_id: int, a: int, b: int, kind: str
) -> sa.ColumnElement[bool]:
    low, high = min(a, b), max(a, b)
    return sa.and_(
        col(model.program_id) == program_id,
        col(model.person_low_id) == low,
        col(model.person_high_id) == high,
        col(model.kind) == kind,
    )


@dataclass(frozen=True)
class SendFacts:
    """What the send rules look at for two members, beyond their locked memberships.

    ``active``: each person's active pairings on the side they would take.
    """

    paired: bool
    pending_id: int | None
    hour_full_since: datetime | None  # see send_rate.limit_reached_since
    open_requests: int
    active: dict[int, int]


def send_facts(
    db: Session, program_id: int, sender: tuple[int, str], recipient: tuple[int, str]
) -> SendFacts:
    """Read every fact the send rules need in one round trip (under the members' locks).

    ``sender`` and ``recipient`` are (person, side they would take).
    """
    (sender_id, sender_side), (recipient_id, recipient_side) = sender, recipient
    kind = kind_of(sender_side)

    def one_between(model: type[Pairing] | type[PeerRequest], status: str) -> Any:
        """The id of a row of the two of this kind in ``status`` (the indexes allow one)."""
        return (
            select(model.id)
            .where(
                _between(model, program_id, sender_id, recipient_id, kind),
                col(model.status) == status,
            )
            .limit(1)
        )

    paired = one_between(Pairing, PairingStatus.ACTIVE.value)
    pending = one_between(PeerRequest, RequestStatus.PENDING.value)
    # Six columns: SQLAlchemy's select and execute (SQLModel's typed ones stop at four).
    row = db.execute(
        sa.select(
            paired.scalar_subquery(),
            pending.scalar_subquery(),
            send_rate.limit_reached_since(sender_id).scalar_subquery(),
            open_requests_query(program_id, sender_id).scalar_subquery(),
            active_pairings_query(program_id, sender_id, sender_side).scalar_subquery(),
            active_pairings_query(program_id, recipient_id, recipient_side).scalar_subquery(),
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


def side_in(row: Pairing | PeerRequest, person: int) -> str:
    """The side ``person`` takes in a request or pairing."""
    if row.kind == PairingKind.PEER.value:
        return PEER
    return MENTOR if row.mentor_id == person else MENTEE


def other_side(side: str) -> str:
    """The side the other person takes: peers pair with peers, mentors with mentees."""
    return {PEER: PEER, MENTOR: MENTEE, MENTEE: MENTOR}[side]


def _pairings_of(program_id: int, side: str) -> sa.ScalarSelect[int]:
    """The active pairings on ``side`` of the member in the outer query's Membership row."""
    person: Any = col(Membership.employee_id)
    return active_pairings_query(program_id, person, side).scalar_subquery()


def room_left(program_id: int, side: str) -> sa.ColumnElement[bool]:
    """Members (the outer query's Membership) who can take one more pairing.

    ``side``: "peers", "mentors", "mentees" or "" (any of them). Paused members
    take nobody; a mentee needs no place of their own.
    """
    peer = sa.and_(
        col(Membership.is_peer),
        col(Membership.capacity) > _pairings_of(program_id, PEER),
    )
    mentor = sa.and_(
        col(Membership.is_mentor),
        col(Membership.mentee_capacity) > _pairings_of(program_id, MENTOR),
    )
    mentee = col(Membership.is_mentee)
    open_to = {"peers": peer, "mentors": mentor, "mentees": mentee}
    chosen = open_to.get(side)
    return sa.and_(
        col(Membership.paused).is_(False),
        chosen if chosen is not None else sa.or_(peer, mentor, mentee),
    )
