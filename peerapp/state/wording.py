"""Every sentence the app builds from facts, in one place (pure functions, no Reflex).

Services say what happened: a request's status, who closed it (``closed_by_id``),
why and when, the numbers of an overview. This module words those facts for the
person looking at them; nothing else builds user-facing text from them, and no
code decides anything by reading the words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from peerapp.models import RequestStatus
from peerapp.services.history import Step
from peerapp.services.inbox import RequestItem, Usage
from peerapp.services.overview import Overview
from peerapp.services.places import MENTEE, MENTOR, PEER

PENDING = RequestStatus.PENDING.value

_VERBS = {
    RequestStatus.ACCEPTED.value: "Accepted",
    RequestStatus.DECLINED.value: "Declined",
    RequestStatus.WITHDRAWN.value: "Withdrawn",
    RequestStatus.EXPIRED.value: "Expired",
    RequestStatus.CANCELLED.value: "Cancelled",
}
# Closed by nobody in particular (the deadline, a rule): the status names no one.
_IMPERSONAL = (RequestStatus.EXPIRED.value, RequestStatus.CANCELLED.value)


# --- people and moments ---------------------------------------------------------


def when(moment: datetime | None) -> str:
    """A compact, unambiguous date for lists (UTC)."""
    return moment.strftime("%d %b %Y, %H:%M UTC") if moment else ""


def clock_time(moment: datetime) -> str:
    """The time of day a figure was read ('14:05 UTC')."""
    return moment.strftime("%H:%M UTC")


def person_about(title: str, department: str) -> str:
    """What tells two people of the same name apart: job title and department.

    Names are not unique, so every place that names a person shows this line
    too; saying that neither is given is itself a difference.
    """
    return " · ".join(part for part in (title, department) if part) or (
        "No job title or department given"
    )


def _who(actor_id: int | None, item: RequestItem) -> str:
    """The actor as the viewer of ``item`` reads them."""
    if actor_id == item.viewer_id:
        return "you"
    return item.other_name if actor_id == item.other_id else "an admin"


# --- requests -------------------------------------------------------------------


def expires(expires_at: datetime | None, now: datetime) -> str:
    """'expires in 3 days', 'expires today' (nothing when there is no deadline)."""
    if expires_at is None:
        return ""
    seconds = (expires_at - now).total_seconds()
    if seconds <= 0:
        return "expires now"
    hours = seconds / 3600
    if hours < 24:
        return "expires today" if hours > 1 else "expires within the hour"
    # Nearest whole day: a request sent a moment ago with 14 days reads "in 14 days".
    days = max(1, round(hours / 24))
    return "expires tomorrow" if days == 1 else f"expires in {days} days"


def request_expires(item: RequestItem, now: datetime) -> str:
    """The deadline of a request still waiting (closed ones have none to show)."""
    return expires(item.expires_at, now) if item.status == PENDING else ""


def request_status(item: RequestItem) -> str:
    """Where a request stands, for the person viewing it."""
    if item.status == PENDING:
        if item.direction == "incoming":
            return "Waiting for your answer"
        return f"Waiting for {item.other_name}"
    verb = _VERBS[item.status]
    reason = f": {item.close_reason.rstrip('.')}" if item.close_reason else ""
    if item.status in _IMPERSONAL:
        return f"{verb}{reason}"
    return f"{verb} by {_who(item.closed_by_id, item)}{reason}"


def step(item: RequestItem, change: Step) -> str:
    """One line of a request's history ('Declined by Bob Baker: On leave')."""
    who = _who(change.actor_id, item) if change.actor_id is not None else "peerapp"
    if change.from_status is None:
        return f"Sent by {who}"
    text = f"{_VERBS.get(change.to_status, change.to_status)} by {who}"
    return f"{text}: {change.reason}" if change.reason else text


def answered_by_viewer(item: RequestItem) -> bool:
    """Whether the viewer closed this request themselves (answered or withdrew it).

    Their own click needs no news. Cancellations and expiry are news even when
    the viewer's change caused them (the status does not name anyone).
    """
    return item.status not in (PENDING, *_IMPERSONAL) and item.closed_by_id == item.viewer_id


# --- news in the live inbox -----------------------------------------------------


# How a request reads from the viewer's side: when it reaches them, when they sent it.
_REQUEST_PHRASES = {
    PEER: ("New peer request from {name}", "Request sent to {name}"),
    MENTOR: ("{name} asks you to be their mentor", "You offered to mentor {name}"),
    MENTEE: ("{name} offers to mentor you", "You asked {name} to mentor you"),
}


def new_request(name: str, viewer_side: str = PEER) -> str:
    """A request just arrived (the viewer being its recipient)."""
    return _REQUEST_PHRASES[viewer_side][0].format(name=name) + "."


def request_kind(item: RequestItem) -> str:
    """Which pairing a request asks for, from the viewer's side."""
    if item.viewer_side == PEER:
        return "Peer request"
    received, sent = _REQUEST_PHRASES[item.viewer_side]
    return (received if item.direction == "incoming" else sent).format(name=item.other_name)


def pairing_label(side: str, name: str) -> str:
    """A pairing from the viewer's side: who mentors whom, or peers."""
    if side == MENTOR:
        return f"You mentor {name}"
    if side == MENTEE:
        return f"{name} mentors you"
    return f"Peers with {name}"


def inbox_news(
    closed: Iterable[RequestItem], were_incoming: set[int], were_outgoing: set[int]
) -> list[str]:
    """What became of requests that were pending before this reload.

    ``closed``: the requests now in the history. Requests the viewer sent are
    always reported; requests sent to them unless they answered it themselves.
    """
    closed = list(closed)
    news = [
        f"Your request to {item.other_name}: {request_status(item)}"
        for item in closed
        if item.id in were_outgoing
    ]
    news += [
        f"Request from {item.other_name}: {request_status(item)}"
        for item in closed
        if item.id in were_incoming and not answered_by_viewer(item)
    ]
    return news


def arrivals(people: Iterable[str | tuple[str, str]]) -> list[str]:
    """News of requests that arrived since the last reload: names, or (name, viewer's side)."""
    news = []
    for person in people:
        name, side = (person, PEER) if isinstance(person, str) else person
        news.append(new_request(name, side).removesuffix("."))
    return news


def announcement(news: list[str]) -> str:
    """All of one reload's news as one announcement ('' when there is none)."""
    return ". ".join(news) + "." if news else ""


def program_switched(enabled: bool) -> str:
    """Peer mentorship was just switched on or off by an admin."""
    if enabled:
        return "Peer mentorship is open again."
    return "Peer mentorship was switched off by a program admin."


def mentoring_switched(enabled: bool) -> str:
    """Mentor–mentee pairing was just switched on or off by an admin."""
    if enabled:
        return "Mentor–mentee pairing is open again."
    return "Mentor–mentee pairing was switched off by a program admin."


# --- usage ---------------------------------------------------------------------


def open_requests(usage: Usage) -> str:
    """'2 of 5 open requests used'."""
    return f"{usage.open_requests} of {usage.open_request_limit} open requests used"


def places(usage: Usage) -> str:
    """Places left for new peers, or that none are offered."""
    if not usage.capacity:
        return "You are not taking on peers (capacity 0)"
    return f"You have {usage.places_left} of {usage.capacity} places left"


def mentee_places(usage: Usage) -> str:
    """'You have 1 of 2 mentee places left', or that there are none."""
    if not usage.mentee_capacity:
        return "You are not taking mentees right now"
    left, capacity = usage.mentee_places_left, usage.mentee_capacity
    return f"You have {left} of {capacity} mentee {'place' if capacity == 1 else 'places'} left"


# --- toasts that carry facts --------------------------------------------------------


def request_sent(name: str | None, as_role: str = PEER) -> str:
    """The sender's confirmation ('them' when the name is not on their page)."""
    return _REQUEST_PHRASES[as_role][1].format(name=name or "them") + "."


def pairing_ended(name: str) -> str:
    """The confirmation of ending a pairing."""
    return f"Pairing with {name} ended."


def settings_saved(cancelled_for: int) -> str:
    """Saved, and for how many people switching off cancelled pending requests."""
    if not cancelled_for:
        return "Settings saved."
    people = plural(cancelled_for, "person", "people")
    return f"Settings saved. Pending requests were cancelled for {people}."


# --- the admins' overview ----------------------------------------------------------


def plural(count: int, one: str, many: str) -> str:
    """'1 pairing', '3 pairings'."""
    return f"{count} {one if count == 1 else many}"


def percent(value: int | None) -> str:
    """'50%', or a dash when there is nothing to divide by."""
    return "—" if value is None else f"{value}%"


Figure = tuple[str, str, str]  # label, value, detail


def figures_now(seen: Overview) -> list[Figure]:
    """Who takes part, at this moment."""
    paired = (
        "no peers yet"
        if seen.paired_percent is None
        else f"{seen.paired_percent}% of peers, "
        f"in {plural(seen.active_pairings, 'active pairing', 'active pairings')}"
    )
    return [
        ("Peers", str(seen.peers), f"{seen.paused_peers} paused" if seen.paused_peers else ""),
        ("Peers with a partner", str(seen.peers_paired), paired),
        ("Requests waiting for an answer", str(seen.pending_requests), ""),
    ]


def figures_recent(seen: Overview) -> list[Figure]:
    """What the requests of the window became, and the pairings it saw start and end."""
    still_open = seen.sent - seen.answered - seen.withdrawn_or_cancelled
    answers = (
        "no answers yet"
        if seen.acceptance_percent is None
        else f"{seen.accepted} accepted, {seen.declined} declined, {seen.expired} expired"
    )
    return [
        ("Requests sent", str(seen.sent), f"{still_open} still waiting"),
        ("Accepted", percent(seen.acceptance_percent), answers),
        ("Withdrawn or cancelled", str(seen.withdrawn_or_cancelled), ""),
        (
            "Pairings started",
            str(seen.pairings_started),
            f"{plural(seen.pairings_ended, 'pairing', 'pairings')} ended",
        ),
    ]
