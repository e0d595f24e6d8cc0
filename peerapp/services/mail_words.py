"""The words of a notice: facts in, a subject, lines and a link out (no database, no HTML).

One function per kind of notice. The email (services/mail_render.py) and the
app's notification list phrase a notice from the same ``Facts``, so a notice
reads the same wherever a person meets it. Text a person typed arrives here as
plain text and leaves as plain text; escaping is the renderer's job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from peerapp import routes
from peerapp.models import NoticeKind

# The reader's side in a request or pairing (the values of services/places.py).
PEER, MENTOR, MENTEE = "peer", "mentor", "mentee"


@dataclass(frozen=True)
class Facts:
    """What a notice says happened, seen from the person it is for.

    ``other_name`` is the other person of the request or pairing; ``side`` is
    the reader's side in it (``peer``, ``mentor`` or ``mentee``);
    ``by_other`` says the other person did it (a withdrawal, ending a pairing);
    ``detail`` is a reason a person or a rule gave.
    """

    kind: str
    reader_name: str = ""
    other_name: str = ""
    side: str = PEER
    by_other: bool = False
    program_id: int | None = None
    program_name: str = ""
    themes: tuple[str, ...] = ()
    note: str = ""
    detail: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Words:
    """A notice as people read it: a one-line ``subject``, the ``lines`` below it, where to go."""

    subject: str
    lines: tuple[str, ...]
    path: str
    link_label: str


def _someone(facts: Facts) -> str:
    return facts.other_name or "Someone"


def _themes(facts: Facts) -> tuple[str, ...]:
    return (f"Themes: {', '.join(facts.themes)}",) if facts.themes else ()


def _day(moment: datetime | None) -> str:
    return f"{moment:%A %-d %B} (UTC)" if moment else "soon"


def _detail(facts: Facts) -> tuple[str, ...]:
    """The reason a person or a rule gave, as a line of its own (none without one)."""
    return (facts.detail,) if facts.detail else ()


def _by_side(subjects: dict[str, str], facts: Facts) -> str:
    """The subject worded for the reader's side (a peer's where it has none of its own)."""
    return subjects.get(facts.side, subjects[PEER]).format(who=_someone(facts))


# Where a notice leads, with the words of its link.
_ANSWER = (routes.INBOX, "Answer in your inbox")
_INBOX = (routes.INBOX, "Open your inbox")
_PAIRINGS = (routes.PEERS, "See your pairings")
_DIRECTORY = (routes.DIRECTORY, "Open the directory")
_PROGRAMS = (routes.PROGRAMS, "See your programs")


_RECEIVED = {
    PEER: "{who} asks you to be peers",
    MENTOR: "{who} asks you to be their mentor",
    MENTEE: "{who} offers to mentor you",
}
_ACCEPTED = {
    PEER: "{who} accepted your request to be peers",
    MENTEE: "{who} agreed to be your mentor",
    MENTOR: "{who} accepted your offer to mentor them",
}
_DECLINED = {
    PEER: "{who} declined your request to be peers",
    MENTEE: "{who} declined your request to be your mentor",
    MENTOR: "{who} declined your offer to mentor them",
}
_STARTED = {
    PEER: "You and {who} are now peers",
    MENTEE: "{who} is now your mentor",
    MENTOR: "You are now mentoring {who}",
}


def _received(facts: Facts) -> Words:
    note = (f"Their note: {facts.note}",) if facts.note else ()
    return Words(
        _by_side(_RECEIVED, facts),
        (*_themes(facts), *note, f"Please answer by {_day(facts.expires_at)}."),
        *_ANSWER,
    )


def _accepted(facts: Facts) -> Words:
    return Words(
        _by_side(_ACCEPTED, facts),
        ("You can now reach each other from your pairings.",),
        *_PAIRINGS,
    )


def _declined(facts: Facts) -> Words:
    why = f"Their reason: {facts.detail}" if facts.detail else "They gave no reason."
    return Words(
        _by_side(_DECLINED, facts),
        (why, "You can send a request to someone else from the directory."),
        *_DIRECTORY,
    )


def _expired(facts: Facts) -> Words:
    return Words(
        f"Your request to {_someone(facts)} expired",
        (*_detail(facts), "You can send it again or ask someone else."),
        *_DIRECTORY,
    )


def _cancelled(facts: Facts) -> Words:
    if facts.by_other:
        return Words(
            f"{_someone(facts)} withdrew their request",
            (*_detail(facts), "There is nothing you need to do."),
            *_INBOX,
        )
    why = f"Why: {facts.detail}" if facts.detail else "No reason was given."
    return Words(f"Your request to {_someone(facts)} was cancelled", (why,), *_INBOX)


def _reminder(facts: Facts) -> Words:
    return Words(
        f"{_someone(facts)} is waiting for your answer",
        (
            f"Their request closes on {_day(facts.expires_at)} if nobody answers it.",
            *_themes(facts),
        ),
        *_ANSWER,
    )


def _last_reminder(facts: Facts) -> Words:
    return Words(
        f"Last day to answer {_someone(facts)}",
        (f"Their request closes on {_day(facts.expires_at)}.", *_themes(facts)),
        *_ANSWER,
    )


def _pairing_started(facts: Facts) -> Words:
    return Words(
        _by_side(_STARTED, facts), ("Their contact details are on your pairings page.",), *_PAIRINGS
    )


def _pairing_ended(facts: Facts) -> Words:
    subject = (
        f"{_someone(facts)} ended your pairing"
        if facts.by_other
        else f"Your pairing with {_someone(facts)} has ended"
    )
    return Words(
        subject,
        (*_detail(facts), "You can look for someone new."),
        *_DIRECTORY,
    )


def _pairing_type_off(facts: Facts) -> Words:
    where = facts.program_name or "your program"
    return Words(
        f"Changes in {where}: pending requests were cancelled",
        (
            *_detail(facts),
            "Your pending requests of that kind were cancelled. Your pairings stay as they are.",
        ),
        *_PROGRAMS,
    )


_BY_KIND: dict[str, Callable[[Facts], Words]] = {
    NoticeKind.REQUEST_RECEIVED.value: _received,
    NoticeKind.REQUEST_ACCEPTED.value: _accepted,
    NoticeKind.REQUEST_DECLINED.value: _declined,
    NoticeKind.REQUEST_EXPIRED.value: _expired,
    NoticeKind.REQUEST_CANCELLED.value: _cancelled,
    NoticeKind.REMINDER.value: _reminder,
    NoticeKind.LAST_REMINDER.value: _last_reminder,
    NoticeKind.PAIRING_STARTED.value: _pairing_started,
    NoticeKind.PAIRING_ENDED.value: _pairing_ended,
    NoticeKind.PAIRING_TYPE_OFF.value: _pairing_type_off,
}


def words(facts: Facts) -> Words:
    """The words for one notice."""
    return _BY_KIND[facts.kind](facts)


CATEGORY_TITLES = {
    "requests_for_me": "Requests for you",
    "answers": "Answers to your requests",
    "reminders": "Reminders",
    "pairings": "Pairings",
    "program_news": "Program news",
}
