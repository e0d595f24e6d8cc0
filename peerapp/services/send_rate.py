"""The hourly send limit: how many peer requests one person may start per hour.

It sits beside the open-request limit (how many may wait at once) and stops
spam that the open limit cannot: sending and withdrawing in a loop.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlmodel import Session, select

from peerapp import settings
from peerapp.clock import utcnow
from peerapp.models import PeerRequest
from peerapp.services.errors import Refused


def check(db: Session, sender_id: int) -> None:
    """At most ``settings.REQUESTS_PER_HOUR`` requests created in any rolling hour.

    Every request counts, whatever became of it, so sending and withdrawing in a
    loop is limited too.
    """
    limit = settings.REQUESTS_PER_HOUR
    now = utcnow()
    hour_ago = now - timedelta(hours=1)
    recent = db.exec(
        select(PeerRequest.created_at)
        .where(PeerRequest.sender_id == sender_id, PeerRequest.created_at > hour_ago)
        .order_by(PeerRequest.created_at.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    if len(recent) >= limit:
        # The oldest of the last ``limit`` requests leaves the hour first.
        wait = recent[-1] + timedelta(hours=1) - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        when = "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
        raise Refused(
            f"You have sent {limit} peer requests in the last hour, the most allowed. "
            f"You can send another {when}."
        )
