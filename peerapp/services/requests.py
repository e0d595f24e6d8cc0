"""Requests to pair (as peers, or mentor and mentee): send, accept, decline, withdraw, cancel.

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
from peerapp.models import PairingKind, PeerRequest, RequestStatus
from peerapp.services import (
    announce,
    conflicts,
    history,
    inbox,
    places,
    programs,
    send_rate,
    validation,
)
from peerapp.services.closing import expire_due  # noqa: F401  (the sweep, public here too)
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.transitions import (
    PENDING,
    ROLE_MISSING,
    Outcome,
    accept_locked,
    check_room,
    close,
    fresh,
    members_as,
    outcome,
)
from peerapp.services.unit import unit_of_work

PEER_MENTORSHIP_OFF = programs.PAIRING_OFF[PairingKind.PEER.value]

__all__ = ["PEER_MENTORSHIP_OFF", "Outcome", "expire_due"]


YOU_NEED = {
    places.PEER: "Add the peer role to your profile to send peer requests.",
    places.MENTEE: "Add the mentee role to your profile to ask for a mentor.",
    places.MENTOR: "Add the mentor role to your profile to offer mentoring.",
}


def send_request(
    db: Session,
    *,
    program_id: int,
    sender_id: int,
    recipient_id: object,
    message: object = "",
    as_role: object = places.PEER,
    themes: object = (),
) -> Outcome:
    """Ask ``recipient_id`` to pair; if they already asked you the same, you are paired at once.

    ``as_role`` is the side the sender takes: ``peer`` (peers guide each other),
    ``mentee`` (ask them to mentor you) or ``mentor`` (offer to mentor them).
    """
    recipient_id = validation.identifier(recipient_id, "person")
    if not isinstance(as_role, str) or as_role not in places.SIDES:
        raise Refused("Choose how to pair: as peers, as their mentee, or as their mentor.")
    side, kind = as_role, places.kind_of(as_role)
    text = validation.text(message, "Message", models.MESSAGE_MAX)
    with unit_of_work(db, keep_loaded=True):
        program = programs.get_program(db, program_id)
        chosen = validation.choices(
            themes, "Themes", programs.themes_of(program), models.REQUEST_THEMES_MAX
        )
        if not programs.pairing_enabled(program, kind):
            raise Refused(programs.PAIRING_OFF[kind])
        programs.refuse_requests_unless_running(program)
        if recipient_id == sender_id:
            raise Refused("You cannot send a request to yourself.")
        members = places.lock_members(db, program_id, [sender_id, recipient_id])
        found = members_as(db, members, {sender_id: side, recipient_id: places.other_side(side)})
        sender, recipient = found[sender_id], found[recipient_id]
        if sender is None:
            raise Refused(YOU_NEED[side])
        if recipient is None:
            raise Refused(ROLE_MISSING[places.other_side(side)])
        conflicts.refuse_reporting_line(db, sender_id, recipient)
        facts = places.send_facts(
            db, program_id, (sender_id, side), (recipient_id, places.other_side(side))
        )
        if facts.paired:
            raise Refused(_already_paired(side, recipient.full_name))
        mentor_id = (
            None
            if kind == PairingKind.PEER.value
            else (sender_id if side == places.MENTOR else recipient_id)
        )
        if facts.pending_id is not None and (existing := fresh(db, facts.pending_id)):
            if existing.sender_id == sender_id:
                raise Refused(f"You already have a pending request to {recipient.full_name}.")
            if existing.mentor_id != mentor_id:
                raise Refused(
                    f"{recipient.full_name} has already sent you a mentoring request: "
                    "answer it in your inbox first."
                )
            # They asked first, for the same pairing: asking back is a yes.
            request, pairing, also = accept_locked(db, program, existing, sender_id, members)
            mutual = True
        else:
            mutual = False
            request = _new_request(
                db, program, members, (sender, side), recipient, facts, text, mentor_id, chosen
            )
            # Each side's new inbox row, from what this transaction holds.
            rows = inbox.sent_rows(request, sender, recipient)
    if mutual:
        return outcome(db, request, pairing, also=also, mutual=True)
    return Outcome(request=request, told=frozenset({sender_id, recipient_id}), rows=rows)


def _already_paired(side: str, name: str) -> str:
    if side == places.PEER:
        return f"You are already peers with {name}."
    return f"You and {name} already have a mentoring pairing."


def _new_request(
    db: Session,
    program: models.Program,
    members: dict[int, models.Membership],
    sender: tuple[models.Employee, str],
    recipient: models.Employee,
    facts: places.SendFacts,
    text: str,
    mentor_id: int | None,
    themes: list[str],
) -> PeerRequest:
    """Check the sender's limits and the places of both, then write the request."""
    (you, side), sender_id, recipient_id = sender, id_of(sender[0]), id_of(recipient)
    if members[recipient_id].paused:
        what = "peer" if side == places.PEER else "mentoring"
        raise Refused(f"{recipient.full_name} is not taking new {what} requests right now.")
    send_rate.refuse_if_reached(facts.hour_full_since)
    used = facts.open_requests
    if used >= program.open_request_limit:
        raise Refused(
            f"You have {used} of {program.open_request_limit} open requests. Withdraw one or "
            "wait for answers before sending another."
        )
    check_room(members, (you, side), (recipient, places.other_side(side)), facts.active)
    now = utcnow()
    request = PeerRequest(
        program_id=id_of(program),
        sender_id=sender_id,
        recipient_id=recipient_id,
        person_low_id=min(sender_id, recipient_id),
        person_high_id=max(sender_id, recipient_id),
        kind=places.kind_of(side),
        mentor_id=mentor_id,
        message=text,
        themes="\n".join(themes),
        created_at=now,
        expires_at=now + timedelta(days=program.request_expiry_days),
    )
    # Worded before the flush: a failed flush leaves every loaded row unreadable.
    taken = f"There is already a pending request between you and {recipient.full_name}."
    db.add(request)
    try:
        db.flush()
    except IntegrityError:
        # Another request between these two landed a moment earlier.
        raise Refused(taken) from None
    history.record(
        db, id_of(request), from_status=None, to_status=PENDING, actor_id=sender_id, at=now
    )
    announce.request_sent(db, request)
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
    text = validation.text(reason, "Reason", models.REASON_MAX)
    return _close_as(db, request_id, actor_id, "recipient", RequestStatus.DECLINED, text)


def withdraw_request(db: Session, *, request_id: object, actor_id: int) -> Outcome:
    """The sender takes back a request that has not been answered."""
    return _close_as(db, request_id, actor_id, "sender", RequestStatus.WITHDRAWN)


def _close_as(
    db: Session,
    request_id: object,
    actor_id: int,
    party: str,
    status: RequestStatus,
    reason: str = "",
) -> Outcome:
    """One party closes a pending request (no pairing, no places change)."""
    request_id = validation.identifier(request_id, "request")
    with unit_of_work(db):
        request = close(
            db, request_id=request_id, actor_id=actor_id, party=party, status=status, reason=reason
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
        announce.request_closed(db, request, actor_id)
    return outcome(db, request)
