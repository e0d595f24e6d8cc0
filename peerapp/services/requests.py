"""Peer requests: send, accept, decline, withdraw, cancel.

Each action is one unit of work (services/unit.py): it commits when it
succeeds and rolls back when a rule says no, so locks are let go at once.
Anything that can use up a place or an open-request slot first locks the
memberships involved (places.lock_members), so capacity and limits hold across
server processes; the transitions themselves are in services/transitions.py.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import PeerRequest, RequestStatus
from peerapp.services import history, inbox, places, programs, send_rate, validation
from peerapp.services.closing import expire_due  # noqa: F401  (the sweep, public here too)
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.transitions import (
    PEER_MENTORSHIP_OFF,
    PENDING,
    Outcome,
    accept_locked,
    check_room,
    close,
    fresh,
    outcome,
    peer_of,
)
from peerapp.services.unit import unit_of_work

__all__ = ["PEER_MENTORSHIP_OFF", "Outcome", "expire_due"]


def send_request(
    db: Session, *, program_id: int, sender_id: int, recipient_id: object, message: object = ""
) -> Outcome:
    """Ask ``recipient_id`` to become peers; if they already asked you, you are paired at once."""
    recipient_id = validation.identifier(recipient_id, "person")
    text = validation.text(message, "Message", models.MESSAGE_MAX)
    with unit_of_work(db, keep_loaded=True):
        program = programs.get_program(db, program_id)
        if not program.peer_mentorship_enabled:
            raise Refused(PEER_MENTORSHIP_OFF)
        if recipient_id == sender_id:
            raise Refused("You cannot send a peer request to yourself.")
        members = places.lock_members(db, program_id, [sender_id, recipient_id])
        sender = peer_of(db, members, sender_id)
        if sender is None:
            raise Refused("Add the peer role to your profile to send peer requests.")
        recipient = peer_of(db, members, recipient_id)
        if recipient is None:
            raise Refused("That person is not taking part in peer mentorship.")
        facts = places.send_facts(db, program_id, sender_id, recipient_id)
        if facts.paired:
            raise Refused(f"You are already peers with {recipient.full_name}.")
        if facts.pending_id is not None and (existing := fresh(db, facts.pending_id)):
            if existing.sender_id == sender_id:
                raise Refused(f"You already have a pending request to {recipient.full_name}.")
            # They asked first: asking back is a yes.
            request, pairing, also = accept_locked(db, program, existing, sender_id, members)
            mutual = True
        else:
            mutual = False
            request = _new_request(db, program, members, sender, recipient, facts, text)
            # Each side's new inbox row, from what this transaction holds.
            rows = inbox.sent_rows(request, sender, recipient)
    if mutual:
        return outcome(db, request, pairing, also=also, mutual=True)
    return Outcome(request=request, told=frozenset({sender_id, recipient_id}), rows=rows)


def _new_request(
    db: Session,
    program: models.Program,
    members: dict[int, models.Membership],
    sender: models.Employee,
    recipient: models.Employee,
    facts: places.SendFacts,
    text: str,
) -> PeerRequest:
    """Check the sender's limits and the places of both, then write the request."""
    sender_id, recipient_id = id_of(sender), id_of(recipient)
    if members[recipient_id].paused:
        raise Refused(f"{recipient.full_name} is not taking new peer requests right now.")
    send_rate.refuse_if_reached(facts.hour_full_since)
    used = facts.open_requests
    if used >= program.open_request_limit:
        raise Refused(
            f"You have {used} of {program.open_request_limit} open requests. Withdraw one or "
            "wait for answers before sending another."
        )
    check_room(members, sender, recipient, facts.active)
    now = utcnow()
    request = PeerRequest(
        program_id=id_of(program),
        sender_id=sender_id,
        recipient_id=recipient_id,
        person_low_id=min(sender_id, recipient_id),
        person_high_id=max(sender_id, recipient_id),
        message=text,
        created_at=now,
        expires_at=now + timedelta(days=program.request_expiry_days),
    )
    db.add(request)
    try:
        db.flush()
    except IntegrityError:
        # Another request between these two landed a moment earlier.
        raise Refused(
            f"There is already a pending request between you and {recipient.full_name}."
        ) from None
    history.record(
        db, id_of(request), from_status=None, to_status=PENDING, actor_id=sender_id, at=now
    )
    return request


def accept_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The recipient accepts: the request closes and a pairing starts."""
    request_id = validation.identifier(request_id, "request")
    with unit_of_work(db):
        request = fresh(db, request_id)
        if request is None or actor_id not in (request.sender_id, request.recipient_id):
            raise Refused("That request does not exist.")
        program = programs.get_program(db, request.program_id)
        members = places.lock_members(
            db, request.program_id, [request.sender_id, request.recipient_id]
        )
        request = fresh(db, request_id)  # re-read under the lock
        assert request is not None
        request, pairing, also = accept_locked(db, program, request, actor_id, members)
    return outcome(db, request, pairing, also=also)


def decline_request(
    db: Session, *, request_id: object, actor_id: int, reason: object = ""
) -> Outcome:
    """The recipient declines, optionally saying why (shown to the sender)."""
    request_id = validation.identifier(request_id, "request")
    text = validation.text(reason, "Reason", models.REASON_MAX)
    with unit_of_work(db):
        request = close(
            db,
            request_id=request_id,
            actor_id=actor_id,
            party="recipient",
            status=RequestStatus.DECLINED,
            reason=text,
        )
    return outcome(db, request)


def withdraw_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The sender takes back a request that has not been answered."""
    request_id = validation.identifier(request_id, "request")
    with unit_of_work(db):
        request = close(
            db,
            request_id=request_id,
            actor_id=actor_id,
            party="sender",
            status=RequestStatus.WITHDRAWN,
        )
    return outcome(db, request)


def cancel_request(db: Session, *, request_id: object, actor_id: int, reason: object) -> Outcome:
    """An admin cancels one pending request, saying why (both people see it)."""
    if not programs.is_admin(db, actor_id):
        raise Refused("Only program admins can cancel other people's requests.")
    request_id = validation.identifier(request_id, "request")
    text = validation.text(reason, "Reason", models.REASON_MAX, required=True)
    with unit_of_work(db):
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
            raise Refused("That request does not exist or is no longer pending.")
        history.record(
            db,
            request_id,
            from_status=PENDING,
            to_status=RequestStatus.CANCELLED.value,
            actor_id=actor_id,
            reason=text,
        )
    request = fresh(db, request_id)
    assert request is not None
    return outcome(db, request)
