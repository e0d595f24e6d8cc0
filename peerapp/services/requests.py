"""Peer requests: send, accept, decline, withdraw, cancel.

Transitions out of ``pending`` are single conditional UPDATEs (``... WHERE
status = 'pending' AND <actor is the right party>``), so two racing clicks can
never both succeed. Anything that can use up a place or an open-request slot
first locks the memberships involved (standing.lock_members), so capacity and
limits hold across server processes. The partial unique indexes in models.py
back "one pending request per pair" and "one active pairing per pair".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import (
    Employee,
    Membership,
    Pairing,
    PeerRequest,
    Program,
    RequestStatus,
)
from peerapp.services import history, inbox, programs, send_rate, standing, validation
from peerapp.services.closing import (  # noqa: F401  (cancel_pending, expire_due: public here too)
    cancel_pending,
    close_many,
    expire_due,
    expiry_reason,
    lock_pending,
)
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed

T = TypeVar("T")

PEER_MENTORSHIP_OFF = "Peer mentorship is turned off in this program."
PENDING = RequestStatus.PENDING.value


@dataclass(frozen=True)
class Outcome:
    """What a request action did, and whose screens must be refreshed."""

    request: PeerRequest
    people: frozenset[int]
    pairing: Pairing | None = None
    mutual: bool = False
    # A plain send: each side's new inbox row, so their screens need no reload.
    rows: dict[int, inbox.RequestItem] = field(default_factory=dict)


def _outcome(
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
    people = frozenset({request.sender_id, request.recipient_id, *also})
    return Outcome(request, people, pairing, mutual)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _fresh(db: Session, request_id: int) -> PeerRequest | None:
    return db.exec(
        select(PeerRequest)
        .where(col(PeerRequest.id) == request_id)
        .execution_options(populate_existing=True)
    ).first()


def _peer(db: Session, members: dict[int, Membership], employee_id: int) -> Employee | None:
    """The employee if they are active and hold the peer role (memberships already locked)."""
    member = members.get(employee_id)
    employee = db.get(Employee, employee_id)
    if member is None or not member.is_peer or employee is None or not employee.is_active:
        return None
    return employee


def _check_room(
    members: dict[int, Membership], you: Employee, other: Employee, active: dict[int, int]
) -> None:
    """Both people need a free place (``active``: their active pairings)."""
    you_id, other_id = id_of(you), id_of(other)
    you_member, other_member = members[you_id], members[other_id]
    if active[you_id] >= you_member.capacity:
        raise Refused(
            f"You have no places left ({active[you_id]} of {you_member.capacity} used). End "
            "a pairing or raise your capacity on your profile first."
        )
    if active[other_id] >= other_member.capacity:
        raise Refused(f"{other.full_name} has no places left for another peer right now.")


def _name_of(db: Session, employee_id: int) -> str:
    employee = db.get(Employee, employee_id)
    if employee is None:
        raise ValueError(f"no employee {employee_id}")
    return employee.full_name


def _commit_as_written(db: Session) -> None:
    """Commit without expiring what the session holds.

    What it holds was just read or written by this transaction, so reading it
    back after the commit would only cost round trips.
    """
    keep = db.expire_on_commit
    db.expire_on_commit = False
    try:
        db.commit()
    finally:
        db.expire_on_commit = keep


def _release_locks_on_refusal(action: Callable[..., T]) -> Callable[..., T]:
    """Roll back when a rule says no, so row locks and SQLite's write lock go at once."""

    @functools.wraps(action)
    def run(db: Session, **kwargs: Any) -> T:
        try:
            return action(db, **kwargs)
        except Refused:
            db.rollback()
            raise

    return run


@_release_locks_on_refusal
def send_request(
    db: Session, *, program_id: int, sender_id: int, recipient_id: object, message: object = ""
) -> Outcome:
    """Ask ``recipient_id`` to become peers; if they already asked you, you are paired at once."""
    recipient_id = validation.identifier(recipient_id, "person")
    text = validation.text(message, "Message", models.MESSAGE_MAX)
    program = programs.get_program(db, program_id)
    if not program.peer_mentorship_enabled:
        raise Refused(PEER_MENTORSHIP_OFF)
    if recipient_id == sender_id:
        raise Refused("You cannot send a peer request to yourself.")
    members = standing.lock_members(db, program_id, [sender_id, recipient_id])
    sender = _peer(db, members, sender_id)
    if sender is None:
        raise Refused("Add the peer role to your profile to send peer requests.")
    recipient = _peer(db, members, recipient_id)
    if recipient is None:
        raise Refused("That person is not taking part in peer mentorship.")
    facts = standing.send_facts(db, program_id, sender_id, recipient_id)
    if facts.paired:
        raise Refused(f"You are already peers with {recipient.full_name}.")
    if facts.pending_id is not None and (existing := _fresh(db, facts.pending_id)):
        if existing.sender_id == sender_id:
            raise Refused(f"You already have a pending request to {recipient.full_name}.")
        # They asked first: asking back is a yes.
        return _accept_locked(db, program, existing, sender_id, members, mutual=True)
    if members[recipient_id].paused:
        raise Refused(f"{recipient.full_name} is not taking new peer requests right now.")
    send_rate.refuse_if_reached(facts.hour_full_since)
    used = facts.open_requests
    if used >= program.open_request_limit:
        raise Refused(
            f"You have {used} of {program.open_request_limit} open requests. Withdraw one or "
            "wait for answers before sending another."
        )
    _check_room(members, sender, recipient, facts.active)
    low, high = _pair(sender_id, recipient_id)
    now = utcnow()
    request = PeerRequest(
        program_id=program_id,
        sender_id=sender_id,
        recipient_id=recipient_id,
        person_low_id=low,
        person_high_id=high,
        message=text,
        created_at=now,
        expires_at=now + timedelta(days=program.request_expiry_days),
    )
    db.add(request)
    try:
        db.flush()
        history.record(
            db, id_of(request), from_status=None, to_status=PENDING, actor_id=sender_id, at=now
        )
        # Each side's new inbox row, from what this transaction holds.
        rows = inbox.sent_rows(request, sender, recipient)
        _commit_as_written(db)
    except IntegrityError:
        # Another request between these two landed a moment earlier.
        db.rollback()
        raise Refused(
            f"There is already a pending request between you and {recipient.full_name}."
        ) from None
    return Outcome(request, frozenset({sender_id, recipient_id}), rows=rows)


def _close(
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
        db.rollback()
        request = _fresh(db, request_id)
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
            db.commit()
            raise Refused(f"This request has expired: {reason[0].lower()}{reason[1:]}")
        if party == "sender":
            raise Refused("Only the person who sent a request can withdraw it.")
        raise Refused("Only the person who received a request can answer it.")
    history.record(
        db,
        request_id,
        from_status=PENDING,
        to_status=status.value,
        actor_id=actor_id,
        reason=reason,
    )
    request = _fresh(db, request_id)
    assert request is not None
    return request


def _accept_locked(
    db: Session,
    program: Program,
    request: PeerRequest,
    actor_id: int,
    members: dict[int, Membership],
    mutual: bool = False,
) -> Outcome:
    """Accept with both memberships locked: re-check every rule, pair, then tidy up."""
    if not program.peer_mentorship_enabled:
        raise Refused(PEER_MENTORSHIP_OFF)
    if request.status == PENDING:
        sender = _peer(db, members, request.sender_id)
        recipient = _peer(db, members, request.recipient_id)
        if sender is None or recipient is None:
            raise Refused("Both people need the peer role for this request to be accepted.")
        if request.recipient_id == actor_id:
            active = standing.active_pairings_of(
                db, id_of(program), [id_of(sender), id_of(recipient)]
            )
            _check_room(members, recipient, sender, active)
    # This may cancel every pending request of both people below: lock them all now,
    # in id order, so that two accepts never wait on each other's rows (see closing.lock_pending).
    people = [request.sender_id, request.recipient_id]
    either = sa.or_(
        col(PeerRequest.sender_id).in_(people),
        col(PeerRequest.recipient_id).in_(people),
    )
    lock_pending(db, sa.and_(col(PeerRequest.program_id) == request.program_id, either))
    request = _close(
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
    )
    db.add(pairing)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise Refused("You are already peers with this person.") from None
    affected: set[int] = set()
    for person in (request.sender_id, request.recipient_id):
        if standing.places_left(db, members[person]) == 0:
            name = _name_of(db, person)
            affected |= cancel_pending(
                db,
                program_id=request.program_id,
                actor_id=None,
                person_id=person,
                reason=f"{name} has no places left for another peer.",
            )
    db.commit()
    return _outcome(db, request, pairing, also=affected, mutual=mutual)


@_release_locks_on_refusal
def accept_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The recipient accepts: the request closes and a pairing starts."""
    request_id = validation.identifier(request_id, "request")
    request = _fresh(db, request_id)
    if request is None or actor_id not in (request.sender_id, request.recipient_id):
        raise Refused("That request does not exist.")
    program = programs.get_program(db, request.program_id)
    members = standing.lock_members(
        db, request.program_id, [request.sender_id, request.recipient_id]
    )
    request = _fresh(db, request_id)  # re-read under the lock
    assert request is not None
    return _accept_locked(db, program, request, actor_id, members)


def decline_request(
    db: Session, *, request_id: object, actor_id: int, reason: object = ""
) -> Outcome:
    """The recipient declines, optionally saying why (shown to the sender)."""
    request_id = validation.identifier(request_id, "request")
    text = validation.text(reason, "Reason", models.REASON_MAX)
    request = _close(
        db,
        request_id=request_id,
        actor_id=actor_id,
        party="recipient",
        status=RequestStatus.DECLINED,
        reason=text,
    )
    db.commit()
    return _outcome(db, request)


def withdraw_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The sender takes back a request that has not been answered."""
    request_id = validation.identifier(request_id, "request")
    request = _close(
        db, request_id=request_id, actor_id=actor_id, party="sender", status=RequestStatus.WITHDRAWN
    )
    db.commit()
    return _outcome(db, request)


def cancel_request(db: Session, *, request_id: object, actor_id: int, reason: object) -> Outcome:
    """An admin cancels one pending request, saying why (both people see it)."""
    if not programs.is_admin(db, actor_id):
        raise Refused("Only program admins can cancel other people's requests.")
    request_id = validation.identifier(request_id, "request")
    text = validation.text(reason, "Reason", models.REASON_MAX, required=True)
    changed = rows_changed(
        db,
        sa.update(PeerRequest)
        .where(col(PeerRequest.id) == request_id, col(PeerRequest.status) == PENDING)
        .values(
            status=RequestStatus.CANCELLED.value,
            closed_at=utcnow(),
            closed_by_id=actor_id,
            close_reason=text,
        ),
    )
    if changed != 1:
        db.rollback()
        raise Refused("That request does not exist or is no longer pending.")
    history.record(
        db,
        request_id,
        from_status=PENDING,
        to_status=RequestStatus.CANCELLED.value,
        actor_id=actor_id,
        reason=text,
    )
    db.commit()
    request = _fresh(db, request_id)
    assert request is not None
    return _outcome(db, request)
