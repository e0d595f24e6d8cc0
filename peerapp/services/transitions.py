"""Moving a request out of ``pending``, and accepting one into a pairing.

A transition is one conditional UPDATE (``... WHERE status = 'pending' AND
<actor is the right party>``), so two racing clicks can never both succeed.
Accepting first locks both memberships (places.lock_members), so capacity holds
across server processes; the partial unique indexes in models.py back "one
pending request per pair" and "one active pairing per pair". Everything here
runs inside the caller's unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import (
    Employee,
    Membership,
    Pairing,
    PairingKind,
    PeerRequest,
    Program,
    RequestStatus,
)
from peerapp.services import announce, conflicts, history, inbox, places, programs
from peerapp.services.closing import cancel_pending, close_many, expiry_reason, lock_pending
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.unit import Change

PENDING = RequestStatus.PENDING.value


@dataclass(frozen=True, kw_only=True)
class Outcome(Change):
    """What a request action did; ``told``: both people and anyone it cancelled for."""

    request: PeerRequest
    pairing: Pairing | None = None
    mutual: bool = False
    # A plain send: each side's new inbox row, so their screens need no reload.
    rows: dict[int, inbox.RequestItem] = field(default_factory=dict)


def outcome(
    db: Session,
    request: PeerRequest,
    pairing: Pairing | None = None,
    also: set[int] | frozenset[int] = frozenset(),
    mutual: bool = False,
) -> Outcome:
    """Load everything after the commit, so the outcome is readable once the session closes."""
    db.refresh(request)
    if pairing is not None:
        db.refresh(pairing)
    told = frozenset({request.sender_id, request.recipient_id, *also})
    return Outcome(request=request, told=told, pairing=pairing, mutual=mutual)


def fresh(db: Session, request_id: int) -> PeerRequest | None:
    """The request as the database has it now (not as this session last saw it)."""
    return db.exec(
        select(PeerRequest)
        .where(col(PeerRequest.id) == request_id)
        .execution_options(populate_existing=True)
    ).first()


ROLE_MISSING = {
    places.PEER: "That person is not taking part in peer mentorship.",
    places.MENTOR: "That person is not a mentor in this program.",
    places.MENTEE: "That person is not looking for a mentor in this program.",
}
ROLES_NEEDED = {
    PairingKind.PEER.value: "Both people need the peer role for this request to be accepted.",
    PairingKind.MENTORING.value: (
        "The mentor needs the mentor role, and the mentee the mentee role, "
        "for this request to be accepted."
    ),
}
ALREADY_PAIRED = {
    PairingKind.PEER.value: "You are already peers with this person.",
    PairingKind.MENTORING.value: "You two already have a mentoring pairing.",
}
NO_PLACE_FOR = {places.PEER: "another peer", places.MENTOR: "another mentee"}


def members_as(
    db: Session, members: dict[int, Membership], sides: dict[int, str]
) -> dict[int, Employee | None]:
    """Each person's employee row if they are active and hold the role of their side
    (memberships locked), else None: one read for everyone."""
    loaded = db.exec(select(Employee).where(col(Employee.id).in_(list(sides)))).all()
    employees = {employee.id: employee for employee in loaded}
    found: dict[int, Employee | None] = {}
    for person, side in sides.items():
        member, employee = members.get(person), employees.get(person)
        held = member is not None and (
            {places.PEER: member.is_peer, places.MENTOR: member.is_mentor}.get(
                side, member.is_mentee
            )
        )
        found[person] = employee if held and employee is not None and employee.is_active else None
    return found


def check_room(
    members: dict[int, Membership],
    you: tuple[Employee, str],
    other: tuple[Employee, str],
    active: dict[int, int],
) -> None:
    """Both people need a free place on their side (``active``: their pairings on it)."""
    for (person, side), yours in ((you, True), (other, False)):
        person_id = id_of(person)
        capacity = places.capacity_of(members[person_id], side)
        if capacity is None or active[person_id] < capacity:
            continue
        if yours:
            what = "places" if side == places.PEER else "mentee places"
            raise Refused(
                f"You have no {what} left ({active[person_id]} of {capacity} used). End "
                "a pairing or raise your capacity on your profile first."
            )
        raise Refused(f"{person.full_name} has no places left for {NO_PLACE_FOR[side]} right now.")


def close(
    db: Session,
    *,
    request_id: int,
    actor_id: int,
    party: str,
    status: RequestStatus,
    reason: str = "",
) -> PeerRequest:
    """Move a pending request to ``status`` if ``actor_id`` is its ``party``."""
    party_column = (
        col(PeerRequest.sender_id) if party == "sender" else col(PeerRequest.recipient_id)
    )
    now = utcnow()
    changed = rows_changed(
        db,
        sa.update(PeerRequest)
        .where(
            col(PeerRequest.id) == request_id,
            col(PeerRequest.status) == PENDING,
            party_column == actor_id,
            # Past its deadline it is expired, even before the next sweep says so.
            sa.or_(col(PeerRequest.expires_at).is_(None), col(PeerRequest.expires_at) > now),
        )
        .values(status=status.value, closed_at=now, closed_by_id=actor_id, close_reason=reason),
    )
    if changed != 1:
        _refuse_close(db, request_id, actor_id, party, now)
    history.record(
        db,
        request_id,
        from_status=PENDING,
        to_status=status.value,
        actor_id=actor_id,
        reason=reason,
    )
    request = fresh(db, request_id)
    assert request is not None
    announce.request_closed(db, request, actor_id)
    return request


def _refuse_close(db: Session, request_id: int, actor_id: int, party: str, now: datetime) -> None:
    """Say why a transition changed nothing; a request found past its deadline expires."""
    request = fresh(db, request_id)
    if request is None or actor_id not in (request.sender_id, request.recipient_id):
        raise Refused("That request does not exist.")
    if request.status != PENDING:
        raise Refused(f"This request is no longer pending: it was {request.status}.")
    if request.expires_at is not None and request.expires_at <= now:
        reason = expiry_reason(request.created_at, request.expires_at)
        close_many(
            db,
            col(PeerRequest.id) == request_id,
            status=RequestStatus.EXPIRED,
            actor_id=None,
            reason=reason,
        )
        raise Refused(
            f"This request has expired: {reason[0].lower()}{reason[1:]}", keep_changes=True
        )
    if party == "sender":
        raise Refused("Only the person who sent a request can withdraw it.")
    raise Refused("Only the person who received a request can answer it.")


def accept_locked(
    db: Session,
    program: Program,
    request: PeerRequest,
    actor_id: int,
    members: dict[int, Membership],
) -> tuple[PeerRequest, Pairing, set[int]]:
    """Accept with both memberships locked: re-check every rule, pair, then tidy up.

    Returns the closed request, the pairing, and whoever else had a request
    cancelled because one of the two has no place left on that side now.
    """
    if not programs.pairing_enabled(program, request.kind):
        raise Refused(programs.PAIRING_OFF[request.kind])
    programs.refuse_requests_unless_running(program)
    people = [request.sender_id, request.recipient_id]
    sides = {person: places.side_in(request, person) for person in people}
    if request.status == PENDING:
        found = members_as(db, members, sides)
        sender, recipient = found[request.sender_id], found[request.recipient_id]
        if sender is None or recipient is None:
            raise Refused(ROLES_NEEDED[request.kind])
        if request.recipient_id == actor_id:
            # Managers may have changed since the request was sent.
            conflicts.refuse_reporting_line(db, actor_id, sender)
            counts = places.active_pairings_by_side(db, id_of(program), people)
            active = {person: counts[sides[person]][person] for person in people}
            check_room(
                members,
                (recipient, sides[request.recipient_id]),
                (sender, sides[request.sender_id]),
                active,
            )
    # This may cancel pending requests of both people below: lock them all now,
    # in id order, so that two accepts never wait on each other's rows (see closing.lock_pending).
    either = sa.or_(
        col(PeerRequest.sender_id).in_(people),
        col(PeerRequest.recipient_id).in_(people),
    )
    lock_pending(db, sa.and_(col(PeerRequest.program_id) == request.program_id, either))
    request = close(
        db,
        request_id=id_of(request),
        actor_id=actor_id,
        party="recipient",
        status=RequestStatus.ACCEPTED,
    )
    pairing = Pairing(
        program_id=request.program_id,
        request_id=request.id,
        person_low_id=request.person_low_id,
        person_high_id=request.person_high_id,
        kind=request.kind,
        mentor_id=request.mentor_id,
    )
    # Worded before the flush: a failed flush leaves every loaded row unreadable.
    taken = ALREADY_PAIRED[request.kind]
    db.add(pairing)
    try:
        db.flush()
    except IntegrityError:
        raise Refused(taken) from None
    announce.pairing_started(db, pairing, actor_id)
    affected: set[int] = set()
    left = places.room_on_sides(db, request.program_id, members, sides)
    for person in people:
        side = sides[person]
        if left[person] == 0:
            employee = db.get(Employee, person)
            assert employee is not None  # locked member of this program
            affected |= cancel_pending(
                db,
                program_id=request.program_id,
                actor_id=None,
                person_id=person,
                side=side,
                reason=f"{employee.full_name} has no places left for {NO_PLACE_FOR[side]}.",
            )
    return request, pairing, affected
