"""Plain rows sent to the browser: only what a page shows, already formatted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerapp.services.inbox import PeerItem, RequestItem


def when(moment: datetime | None) -> str:
    """A compact, unambiguous date for lists (UTC)."""
    return moment.strftime("%d %b %Y, %H:%M UTC") if moment else ""


@dataclass
class RequestRow:
    """A request as one side sees it."""

    id: int = 0
    other_id: int = 0
    other_name: str = ""
    other_title: str = ""
    other_department: str = ""
    message: str = ""
    status: str = ""
    status_label: str = ""
    sent: str = ""
    closed: str = ""
    close_reason: str = ""
    direction: str = ""

    @classmethod
    def of(cls, item: RequestItem) -> RequestRow:
        """Format a service item for display."""
        return cls(
            id=item.id,
            other_id=item.other_id,
            other_name=item.other_name,
            other_title=item.other_title,
            other_department=item.other_department,
            message=item.message,
            status=item.status,
            status_label=item.status_label,
            sent=when(item.created_at),
            closed=when(item.closed_at),
            close_reason=item.close_reason,
            direction=item.direction,
        )


@dataclass
class PeerRow:
    """An active pairing as one side sees it."""

    pairing_id: int = 0
    other_id: int = 0
    other_name: str = ""
    other_title: str = ""
    other_department: str = ""
    since: str = ""

    @classmethod
    def of(cls, item: PeerItem) -> PeerRow:
        """Format a service item for display."""
        return cls(
            pairing_id=item.pairing_id,
            other_id=item.other_id,
            other_name=item.other_name,
            other_title=item.other_title,
            other_department=item.other_department,
            since=when(item.since),
        )
