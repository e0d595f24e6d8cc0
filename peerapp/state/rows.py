"""Plain rows sent to the browser: only what a page shows, worded by ``wording``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peerapp.clock import utcnow
from peerapp.services.inbox import RequestItem, Usage
from peerapp.services.pairings import Peer
from peerapp.state import wording

# Importable from here as before.
when = wording.when
person_about = wording.person_about


@dataclass
class StepRow:
    """One line of a request's history."""

    when: str = ""
    text: str = ""


@dataclass
class OtherPersonRow:
    """The other side of a request or a pairing, with the line that tells namesakes apart."""

    other_id: int = 0
    other_name: str = ""
    other_title: str = ""
    other_department: str = ""
    other_about: str = ""


def _other_person(item: RequestItem | Peer) -> dict[str, Any]:
    """The ``OtherPersonRow`` fields of a service item, worded the same for every row."""
    return {
        "other_id": item.other_id,
        "other_name": item.other_name,
        "other_title": item.other_title,
        "other_department": item.other_department,
        "other_about": person_about(item.other_title, item.other_department),
    }


@dataclass
class RequestRow(OtherPersonRow):
    """A request as one side sees it."""

    id: int = 0
    message: str = ""
    status: str = ""
    status_label: str = ""
    sent: str = ""
    closed: str = ""
    direction: str = ""
    expires_label: str = ""
    steps: list[StepRow] = field(default_factory=list)
    kind_label: str = ""
    themes: list[str] = field(default_factory=list)
    side: str = "peer"

    @classmethod
    def of(cls, item: RequestItem, now: datetime | None = None) -> RequestRow:
        """Word a service item for display (its deadline as seen at ``now``)."""
        return cls(
            id=item.id,
            **_other_person(item),
            message=item.message,
            status=item.status,
            status_label=wording.request_status(item),
            sent=when(item.created_at),
            closed=when(item.closed_at),
            direction=item.direction,
            expires_label=wording.request_expires(item, now or utcnow()),
            steps=[StepRow(when(step.at), wording.step(item, step)) for step in item.steps],
            kind_label=wording.request_kind(item),
            side=item.viewer_side,
            themes=list(item.themes),
        )


@dataclass
class PeerRow(OtherPersonRow):
    """An active pairing as one side sees it."""

    pairing_id: int = 0
    other_email: str = ""
    other_location: str = ""
    other_skills: list[str] = field(default_factory=list)
    other_learning_goals: list[str] = field(default_factory=list)
    since: str = ""
    side: str = "peer"
    label: str = ""

    @classmethod
    def of(cls, item: Peer) -> PeerRow:
        """Format a service item for display."""
        return cls(
            pairing_id=item.pairing_id,
            **_other_person(item),
            other_email=item.other_email,
            other_location=item.other_location,
            other_skills=list(item.other_skills),
            other_learning_goals=list(item.other_learning_goals),
            since=when(item.since),
            side=item.viewer_side,
            label=wording.pairing_label(item.viewer_side, item.other_name),
        )


@dataclass
class UsageRow:
    """The viewer's open requests and places, worded for the page."""

    open_label: str = ""
    places_label: str = ""
    mentee_places_label: str = ""
    paused: bool = False

    @classmethod
    def of(cls, item: Usage | None) -> UsageRow:
        """Word the numbers once, on the server."""
        if item is None or not (item.is_peer or item.is_mentor):
            return cls()
        return cls(
            open_label=wording.open_requests(item),
            places_label=wording.places(item) if item.is_peer else "",
            mentee_places_label=wording.mentee_places(item) if item.is_mentor else "",
            paused=item.paused,
        )
