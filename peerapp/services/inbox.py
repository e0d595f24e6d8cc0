"""What one person's inbox shows: their requests in both directions and their peers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from peerapp.models import Employee, Pairing, PairingStatus, PeerRequest, RequestStatus

PENDING_LIMIT = 100
HISTORY_LIMIT = 30
PEERS_LIMIT = 100

_STATUS_WORDS = {
    RequestStatus.ACCEPTED.value: "Accepted",
    RequestStatus.DECLINED.value: "Declined",
    RequestStatus.WITHDRAWN.value: "Withdrawn",
    RequestStatus.CANCELLED.value: "Cancelled",
    RequestStatus.PENDING.value: "Pending",
}


@dataclass(frozen=True)
class RequestItem:
    """A request seen from one side, with the other person's name."""

    id: int
    direction: str  # "incoming" or "outgoing"
    other_id: int
    other_name: str
    other_title: str
    other_department: str
    message: str
    status: str
    status_label: str
    created_at: datetime
    closed_at: datetime | None
    close_reason: str


@dataclass(frozen=True)
class PeerItem:
    """An active pairing seen from one side."""

    pairing_id: int
    other_id: int
    other_name: str
    other_title: str
    other_department: str
    since: datetime


@dataclass
class Inbox:
    """Everything the inbox page and the navigation badge need."""

    incoming: list[RequestItem] = field(default_factory=list)
    outgoing: list[RequestItem] = field(default_factory=list)
    history: list[RequestItem] = field(default_factory=list)
    peers: list[PeerItem] = field(default_factory=list)


def _describe(request: PeerRequest, me: int, other: Employee) -> str:
    """Human wording of a request's state for the person ``me``."""
    word = _STATUS_WORDS[request.status]
    if request.status in (RequestStatus.PENDING.value, RequestStatus.CANCELLED.value):
        return word
    who = "you" if request.closed_by_id == me else other.full_name
    return f"{word} by {who}"


def load_inbox(db: Session, *, program_id: int, employee_id: int) -> Inbox:
    """Pending requests both ways, recent closed ones, and active peers (all bounded)."""
    other = aliased(Employee)
    mine = sa.or_(PeerRequest.sender_id == employee_id, PeerRequest.recipient_id == employee_id)
    other_side = sa.case(
        (PeerRequest.sender_id == employee_id, PeerRequest.recipient_id),
        else_=PeerRequest.sender_id,
    )
    base = (
        select(PeerRequest, other)
        .join(other, other.id == other_side)
        .where(PeerRequest.program_id == program_id, mine)
    )
    pending = db.exec(
        base.where(PeerRequest.status == RequestStatus.PENDING.value)
        .order_by(PeerRequest.created_at.desc(), PeerRequest.id.desc())
        .limit(PENDING_LIMIT * 2)
    ).all()
    closed = db.exec(
        base.where(PeerRequest.status != RequestStatus.PENDING.value)
        .order_by(PeerRequest.closed_at.desc(), PeerRequest.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    inbox = Inbox()
    for request, person in [*pending, *closed]:
        item = RequestItem(
            id=request.id,
            direction="incoming" if request.recipient_id == employee_id else "outgoing",
            other_id=person.id,
            other_name=person.full_name,
            other_title=person.job_title,
            other_department=person.department,
            message=request.message,
            status=request.status,
            status_label=_describe(request, employee_id, person),
            created_at=request.created_at,
            closed_at=request.closed_at,
            close_reason=request.close_reason,
        )
        if request.status != RequestStatus.PENDING.value:
            inbox.history.append(item)
        elif item.direction == "incoming" and len(inbox.incoming) < PENDING_LIMIT:
            inbox.incoming.append(item)
        elif item.direction == "outgoing" and len(inbox.outgoing) < PENDING_LIMIT:
            inbox.outgoing.append(item)
    partner = aliased(Employee)
    partner_id = sa.case(
        (Pairing.person_low_id == employee_id, Pairing.person_high_id),
        else_=Pairing.person_low_id,
    )
    pairings = db.exec(
        select(Pairing, partner)
        .join(partner, partner.id == partner_id)
        .where(
            Pairing.program_id == program_id,
            Pairing.status == PairingStatus.ACTIVE.value,
            sa.or_(Pairing.person_low_id == employee_id, Pairing.person_high_id == employee_id),
        )
        .order_by(Pairing.started_at.desc())
        .limit(PEERS_LIMIT)
    ).all()
    inbox.peers = [
        PeerItem(
            pairing_id=pairing.id,
            other_id=person.id,
            other_name=person.full_name,
            other_title=person.job_title,
            other_department=person.department,
            since=pairing.started_at,
        )
        for pairing, person in pairings
    ]
    return inbox
