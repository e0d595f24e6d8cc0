"""Peer requests: send, accept, decline, withdraw, cancel.

Transitions out of ``pending`` are single conditional UPDATEs (``... WHERE
status = 'pending' AND <actor is the right party>``), so two racing clicks can
never both succeed; the partial unique indexes in models.py back the "one
pending request per pair" and "one active pairing per pair" rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import Employee, Pairing, PairingStatus, PeerRequest, RequestStatus
from peerapp.services import programs, validation
from peerapp.services.errors import Refused

PEER_MENTORSHIP_OFF = "Peer mentorship is turned off in this program."


@dataclass(frozen=True)
class Outcome:
    """What a request action did, and whose screens must be refreshed."""

    request: PeerRequest
    people: frozenset[int]
    pairing: Pairing | None = None


def _outcome(db: Session, request: PeerRequest, pairing: Pairing | None = None) -> Outcome:
    """Load everything after the commit, so the outcome is readable once the session closes."""
    db.refresh(request)
    if pairing is not None:
        db.refresh(pairing)
    return Outcome(request, frozenset({request.sender_id, request.recipient_id}), pairing)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _active_peer(db: Session, program_id: int, employee_id: int) -> Employee | None:
    employee = db.get(Employee, employee_id)
    if employee is None or not employee.is_active:
        return None
    member = programs.membership(db, program_id, employee_id)
    return employee if member is not None and member.is_peer else None


def _active_pairing(db: Session, program_id: int, a: int, b: int) -> Pairing | None:
    low, high = _pair(a, b)
    return db.exec(
        select(Pairing).where(
            Pairing.program_id == program_id,
            Pairing.person_low_id == low,
            Pairing.person_high_id == high,
            Pairing.status == PairingStatus.ACTIVE.value,
        )
    ).first()


def _pending_between(db: Session, program_id: int, a: int, b: int) -> PeerRequest | None:
    low, high = _pair(a, b)
    return db.exec(
        select(PeerRequest).where(
            PeerRequest.program_id == program_id,
            PeerRequest.person_low_id == low,
            PeerRequest.person_high_id == high,
            PeerRequest.status == RequestStatus.PENDING.value,
        )
    ).first()


def send_request(
    db: Session, *, program_id: int, sender_id: int, recipient_id: object, message: object = ""
) -> Outcome:
    """Ask ``recipient_id`` to become peers with ``sender_id``."""
    recipient_id = validation.identifier(recipient_id, "person")
    text = validation.text(message, "Message", models.MESSAGE_MAX)
    program = programs.get_program(db, program_id)
    if not program.peer_mentorship_enabled:
        raise Refused(PEER_MENTORSHIP_OFF)
    if recipient_id == sender_id:
        raise Refused("You cannot send a peer request to yourself.")
    if _active_peer(db, program_id, sender_id) is None:
        raise Refused("Add the peer role to your profile to send peer requests.")
    recipient = _active_peer(db, program_id, recipient_id)
    if recipient is None:
        raise Refused("That person is not taking part in peer mentorship.")
    if _active_pairing(db, program_id, sender_id, recipient_id) is not None:
        raise Refused(f"You are already peers with {recipient.full_name}.")
    existing = _pending_between(db, program_id, sender_id, recipient_id)
    if existing is not None:
        if existing.sender_id == sender_id:
            raise Refused(f"You already have a pending request to {recipient.full_name}.")
        raise Refused(
            f"{recipient.full_name} has already sent you a request: answer it in your inbox."
        )
    low, high = _pair(sender_id, recipient_id)
    request = PeerRequest(
        program_id=program_id,
        sender_id=sender_id,
        recipient_id=recipient_id,
        person_low_id=low,
        person_high_id=high,
        message=text,
    )
    db.add(request)
    try:
        db.commit()
    except IntegrityError:
        # Another request between these two landed a moment earlier.
        db.rollback()
        raise Refused(
            f"There is already a pending request between you and {recipient.full_name}."
        ) from None
    return _outcome(db, request)


def _close(
    db: Session,
    *,
    request_id: object,
    actor_id: int,
    party: str,
    status: RequestStatus,
    reason: str = "",
) -> PeerRequest:
    """Move a pending request to ``status`` if ``actor_id`` is its ``party``."""
    request_id = validation.identifier(request_id, "request")
    party_column = PeerRequest.sender_id if party == "sender" else PeerRequest.recipient_id
    result = db.execute(
        sa.update(PeerRequest)
        .where(
            PeerRequest.id == request_id,
            PeerRequest.status == RequestStatus.PENDING.value,
            party_column == actor_id,
        )
        .values(status=status.value, closed_at=utcnow(), closed_by_id=actor_id, close_reason=reason)
    )
    if result.rowcount != 1:
        db.rollback()
        request = db.get(PeerRequest, request_id)
        if request is None or actor_id not in (request.sender_id, request.recipient_id):
            raise Refused("That request does not exist.")
        if request.status != RequestStatus.PENDING.value:
            raise Refused(f"This request is no longer pending: it was {request.status}.")
        if party == "sender":
            raise Refused("Only the person who sent a request can withdraw it.")
        raise Refused("Only the person who received a request can answer it.")
    db.flush()
    request = db.get(PeerRequest, request_id)
    assert request is not None
    db.refresh(request)
    return request


def accept_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The recipient accepts: the request closes and a pairing starts."""
    pending = db.get(PeerRequest, validation.identifier(request_id, "request"))
    if pending is not None and pending.recipient_id == actor_id:
        program = programs.get_program(db, pending.program_id)
        if not program.peer_mentorship_enabled and pending.status == RequestStatus.PENDING.value:
            raise Refused(PEER_MENTORSHIP_OFF)
        if pending.status == RequestStatus.PENDING.value and (
            _active_peer(db, pending.program_id, pending.sender_id) is None
            or _active_peer(db, pending.program_id, actor_id) is None
        ):
            raise Refused("Both people need the peer role for this request to be accepted.")
    request = _close(
        db,
        request_id=request_id,
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
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Refused("You are already peers with this person.") from None
    return _outcome(db, request, pairing)


def decline_request(
    db: Session, *, request_id: object, actor_id: int, reason: object = ""
) -> Outcome:
    """The recipient declines, optionally saying why (shown to the sender)."""
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
    request = _close(
        db, request_id=request_id, actor_id=actor_id, party="sender", status=RequestStatus.WITHDRAWN
    )
    db.commit()
    return _outcome(db, request)


def cancel_pending(
    db: Session, *, program_id: int, actor_id: int | None, reason: str, person_id: int | None = None
) -> set[int]:
    """Cancel pending requests of a program (or of one person in it); returns who is affected.

    The caller commits, so that cancelling is part of the change that caused it.
    """
    condition = sa.and_(
        PeerRequest.program_id == program_id, PeerRequest.status == RequestStatus.PENDING.value
    )
    if person_id is not None:
        condition = sa.and_(
            condition,
            sa.or_(PeerRequest.sender_id == person_id, PeerRequest.recipient_id == person_id),
        )
    rows = db.execute(
        sa.update(PeerRequest)
        .where(condition)
        .values(
            status=RequestStatus.CANCELLED.value,
            closed_at=utcnow(),
            closed_by_id=actor_id,
            close_reason=reason,
        )
        .returning(PeerRequest.sender_id, PeerRequest.recipient_id)
    ).all()
    return {person for row in rows for person in row}
