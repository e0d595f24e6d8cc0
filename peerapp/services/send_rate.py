"""The hourly send limit: how many requests (of any kind) one person may start per hour.

It sits beside the open-request limit (how many may wait at once) and stops
spam that the open limit cannot: sending and withdrawing in a loop.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from peerapp import settings
from peerapp.clock import utcnow
from peerapp.models import PeerRequest
from peerapp.services.errors import Refused


def limit_reached_since(sender_id: int) -> SelectOfScalar[datetime]:
    """SELECT the ``limit``-th newest request of the rolling hour (none: room to send).

    Every request counts, whatever became of it, so sending and withdrawing in
    a loop is limited too. The one selected is the first to leave the hour.
    """
    hour_ago = utcnow() - timedelta(hours=1)
    return (
        select(col(PeerRequest.created_at))
        .where(col(PeerRequest.sender_id) == sender_id, col(PeerRequest.created_at) > hour_ago)
        .order_by(col(PeerRequest.created_at).desc())
        .offset(settings.REQUESTS_PER_HOUR - 1)
        .limit(1)
    )


def refuse_if_reached(since: datetime | None) -> None:
    """Refuse, saying when the next send is allowed, if ``limit_reached_since`` found one."""
    if since is None:
        return
    limit = settings.REQUESTS_PER_HOUR
    wait = since + timedelta(hours=1) - utcnow()
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    when = "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
    raise Refused(
        f"You have sent {limit} requests in the last hour, the most allowed. "
        f"You can send another {when}."
    )
