"""Who is told what when a request or pairing changes: the one map from events to notices.

The services that change requests and pairings call these inside their unit
of work, right where the change is written, so a change and its notices
commit (or roll back) together.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col

from peerapp.models import NoticeKind, Pairing, PeerRequest, RequestStatus
from peerapp.services.notify import Tell, tell, tell_many
from peerapp.services.sql import id_of

# A closed request: (request id, program id, sender id, recipient id).
ClosedRow = tuple[int, int, int, int]
# An ended pairing: (pairing id, program id, one person, the other).
EndedRow = tuple[int, int, int, int]
# What an UPDATE that ends pairings returns for ``pairings_ended``, in that order.
ENDED_COLUMNS = (
    col(Pairing.id),
    col(Pairing.program_id),
    col(Pairing.person_low_id),
    col(Pairing.person_high_id),
)

# The sender learns how their request ended; a withdrawal is news for the recipient.
_SENDER_LEARNS = {
    RequestStatus.ACCEPTED.value: NoticeKind.REQUEST_ACCEPTED.value,
    RequestStatus.DECLINED.value: NoticeKind.REQUEST_DECLINED.value,
    RequestStatus.EXPIRED.value: NoticeKind.REQUEST_EXPIRED.value,
    RequestStatus.CANCELLED.value: NoticeKind.REQUEST_CANCELLED.value,
}


def request_sent(db: Session, request: PeerRequest) -> None:
    """The recipient has a new request."""
    tell(
        db,
        employee_id=request.recipient_id,
        kind=NoticeKind.REQUEST_RECEIVED.value,
        program_id=request.program_id,
        request_id=id_of(request),
        actor_id=request.sender_id,
    )


def request_closed(db: Session, request: PeerRequest, actor_id: int | None) -> None:
    """One request left ``pending`` (its status and close reason are already written)."""
    row = (id_of(request), request.program_id, request.sender_id, request.recipient_id)
    requests_closed(db, [row], request.status, actor_id, request.close_reason)


def requests_closed(
    db: Session, rows: Iterable[ClosedRow], status: str, actor_id: int | None, reason: str
) -> None:
    """Requests that closed together (expiry, a cancellation): one notice each, in one batch.

    The sender learns how their request ended, unless they ended it themselves
    (a withdrawal, a role they gave up): then the recipient learns it is gone.
    """
    kind = _SENDER_LEARNS.get(status, NoticeKind.REQUEST_CANCELLED.value)
    tells = [
        Tell(
            recipient if actor_id == sender else sender,
            kind,
            program,
            request,
            None,
            actor_id,
            reason,
        )
        for request, program, sender, recipient in rows
    ]
    tell_many(db, tells)


def pairing_started(db: Session, pairing: Pairing, actor_id: int) -> None:
    """Both people of a new pairing."""
    kind, program, pairing_id = NoticeKind.PAIRING_STARTED.value, pairing.program_id, id_of(pairing)
    tell_many(
        db,
        [
            Tell(person, kind, program, None, pairing_id, actor_id)
            for person in (pairing.person_low_id, pairing.person_high_id)
        ],
    )


def pairings_ended(
    db: Session, rows: Iterable[EndedRow], actor_id: int | None, detail: str = ""
) -> None:
    """The other person of each ended pairing (both, when no one person ended it)."""
    tell_many(
        db,
        [
            Tell(person, NoticeKind.PAIRING_ENDED.value, program, None, pairing, actor_id, detail)
            for pairing, program, *people in rows
            for person in people
            if person != actor_id
        ],
    )


def pairing_type_off(
    db: Session, program_id: int, people: Iterable[int], actor_id: int, reason: str
) -> None:
    """Everyone whose pending requests a program switch cancelled: one notice each."""
    tell_many(
        db,
        [
            Tell(
                person, NoticeKind.PAIRING_TYPE_OFF.value, program_id, None, None, actor_id, reason
            )
            for person in sorted(people)
        ],
    )
