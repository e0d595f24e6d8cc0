"""What one person's inbox shows: their requests both ways, with history, and their usage.

Facts only (statuses, who acted, reasons, moments); ``state/wording.py`` words them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from peerapp.models import Employee, PeerRequest, RequestStatus
from peerapp.services import history, pairings, places, programs
from peerapp.services.sql import id_of

PENDING_LIMIT = 100
HISTORY_LIMIT = 30
PENDING = RequestStatus.PENDING.value


@dataclass(frozen=True)
class RequestItem:
    """A request seen from one side: what happened, who did it, why and when.

    Facts only; ``state/wording.py`` words them for the viewer.
    """

    id: int
    viewer_id: int
    direction: str  # "incoming" or "outgoing"
    other_id: int
    other_name: str
    other_title: str
    other_department: str
    message: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    closed_at: datetime | None
    closed_by_id: int | None
    close_reason: str
    steps: list[history.Step]
    # The viewer's side in the pairing asked for: peer, mentor or mentee.
    viewer_side: str = places.PEER
    themes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Usage:
    """Where the viewer stands: open requests and places."""

    open_requests: int
    open_request_limit: int
    capacity: int
    places_left: int
    paused: bool
    is_peer: bool
    is_mentor: bool = False
    mentee_capacity: int = 0
    mentee_places_left: int = 0


@dataclass
class Inbox:
    """Everything the inbox page and the navigation badge need."""

    incoming: list[RequestItem] = field(default_factory=list)
    outgoing: list[RequestItem] = field(default_factory=list)
    history: list[RequestItem] = field(default_factory=list)
    peers: list[pairings.Peer] = field(default_factory=list)
    usage: Usage | None = None


def usage_of(db: Session, *, program_id: int, employee_id: int) -> Usage:
    """Open requests used and places left for one member."""
    program = programs.get_program(db, program_id)
    member = programs.membership(db, program_id, employee_id)
    if member is None:
        return Usage(0, program.open_request_limit, 0, 0, paused=False, is_peer=False)
    counts = places.active_pairings_by_side(db, program_id, [employee_id])
    return Usage(
        open_requests=places.open_requests(db, program_id, employee_id),
        open_request_limit=program.open_request_limit,
        capacity=member.capacity,
        places_left=max(0, member.capacity - counts[places.PEER][employee_id]),
        paused=member.paused,
        is_peer=member.is_peer,
        is_mentor=member.is_mentor,
        mentee_capacity=member.mentee_capacity,
        mentee_places_left=max(0, member.mentee_capacity - counts[places.MENTOR][employee_id]),
    )


def request_item(
    request: PeerRequest, other: Employee, viewer_id: int, steps: list[history.Step]
) -> RequestItem:
    """One request as ``viewer_id`` sees it, ``other`` being the person on the other side."""
    return RequestItem(
        id=id_of(request),
        viewer_id=viewer_id,
        direction="incoming" if request.recipient_id == viewer_id else "outgoing",
        other_id=id_of(other),
        other_name=other.full_name,
        other_title=other.job_title,
        other_department=other.department,
        message=request.message,
        status=request.status,
        created_at=request.created_at,
        expires_at=request.expires_at,
        closed_at=request.closed_at,
        closed_by_id=request.closed_by_id,
        close_reason=request.close_reason,
        steps=list(steps),
        viewer_side=places.side_in(request, viewer_id),
        themes=[line for line in request.themes.split("\n") if line],
    )


def sent_rows(
    request: PeerRequest, sender: Employee, recipient: Employee
) -> dict[int, RequestItem]:
    """Each side's new inbox row for a request just sent, as their next ``load_inbox`` shows it.

    Built from what the sender's transaction already holds (the request's one
    history step is its sending), so the live push needs no query.
    """
    sent = history.Step(
        request_id=id_of(request),
        at=request.created_at,
        actor_id=sender.id,
        actor_name=sender.full_name,
        from_status=None,
        to_status=PENDING,
        reason="",
    )
    return {
        id_of(sender): request_item(request, recipient, id_of(sender), [sent]),
        id_of(recipient): request_item(request, sender, id_of(recipient), [sent]),
    }


# The person on the other side of a request: an alias built once (making one costs more
# than the query it serves).
_OTHER = aliased(Employee)


def load_inbox(db: Session, *, program_id: int, employee_id: int) -> Inbox:
    """Pending requests both ways, recent closed ones, peers and usage (all bounded)."""
    other = _OTHER
    mine = sa.or_(
        col(PeerRequest.sender_id) == employee_id, col(PeerRequest.recipient_id) == employee_id
    )
    other_side = sa.case(
        (col(PeerRequest.sender_id) == employee_id, col(PeerRequest.recipient_id)),
        else_=col(PeerRequest.sender_id),
    )
    base = (
        select(PeerRequest, other)
        .join(other, col(other.id) == other_side)
        .where(col(PeerRequest.program_id) == program_id, mine)
    )
    incoming = db.exec(
        base.where(col(PeerRequest.status) == PENDING, col(PeerRequest.recipient_id) == employee_id)
        .order_by(col(PeerRequest.created_at).desc(), col(PeerRequest.id).desc())
        .limit(PENDING_LIMIT)
    ).all()
    outgoing = db.exec(
        base.where(col(PeerRequest.status) == PENDING, col(PeerRequest.sender_id) == employee_id)
        .order_by(col(PeerRequest.created_at).desc(), col(PeerRequest.id).desc())
        .limit(PENDING_LIMIT)
    ).all()
    closed = db.exec(
        base.where(col(PeerRequest.status) != PENDING)
        .order_by(col(PeerRequest.closed_at).desc(), col(PeerRequest.id).desc())
        .limit(HISTORY_LIMIT)
    ).all()
    everything = [*incoming, *outgoing, *closed]
    steps = history.steps_for(db, [id_of(request) for request, _ in everything])

    def item(request: PeerRequest, person: Employee) -> RequestItem:
        return request_item(request, person, employee_id, steps.get(id_of(request), []))

    return Inbox(
        incoming=[item(*row) for row in incoming],
        outgoing=[item(*row) for row in outgoing],
        history=[item(*row) for row in closed],
        peers=pairings.peers_of(db, program_id=program_id, employee_id=employee_id),
        usage=usage_of(db, program_id=program_id, employee_id=employee_id),
    )
