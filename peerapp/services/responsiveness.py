"""How quickly people answer the requests they receive, once there is enough to say so.

Unanswered requests are what people of mentoring programs complain of first,
so a card can say "Usually answers within 2 days": the median time from a
request's arrival to its acceptance or refusal over the person's latest
``RECENT`` answers in the program, shown only from ``ENOUGH`` answers on.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

from sqlmodel import Session, col, select

from peerapp.models import PeerRequest, RequestStatus
from peerapp.services.sql import any_id

ENOUGH = 5
RECENT = 20
_ANSWERED = (RequestStatus.ACCEPTED.value, RequestStatus.DECLINED.value)


def answer_days(db: Session, program_id: int, people: list[int]) -> dict[int, int]:
    """For each of ``people`` with enough answers: whole days within which they usually answer."""
    if not people:
        return {}
    rows = db.exec(
        select(
            col(PeerRequest.recipient_id),
            col(PeerRequest.created_at),
            col(PeerRequest.closed_at),
        )
        .where(
            col(PeerRequest.program_id) == program_id,
            any_id(db, col(PeerRequest.recipient_id), people),
            col(PeerRequest.status).in_(_ANSWERED),
            col(PeerRequest.closed_at).is_not(None),
        )
        .order_by(col(PeerRequest.closed_at).desc())
    ).all()
    waits: dict[int, list[float]] = defaultdict(list)
    for person, arrived, answered in rows:
        if answered is not None and len(waits[person]) < RECENT:
            waits[person].append((answered - arrived).total_seconds() / 86_400)
    return {
        person: max(1, math.ceil(statistics.median(days)))
        for person, days in waits.items()
        if len(days) >= ENOUGH
    }
