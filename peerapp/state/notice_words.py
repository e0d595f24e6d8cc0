"""Notices in words: one line per kind, its link, how long ago (pure functions, no Reflex).

``services/notices.py`` says what happened (kind, who, which request or
pairing, the reason someone gave); this module phrases it for the person it is
for and says which page it opens. Text a person typed (a decline's reason) is
only ever put into a sentence here, never read to decide anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from peerapp import routes
from peerapp.models import NoticeCategory, NoticeKind
from peerapp.services.notices import UNREAD_CAP, NoticeItem
from peerapp.services.places import MENTEE, MENTOR
from peerapp.state.wording import new_request, plural, when

K = NoticeKind


def _reason(item: NoticeItem) -> str:
    return f": {item.detail.strip()}" if item.detail.strip() else ""


def _someone(item: NoticeItem) -> str:
    return item.other_name or "Someone"


def _received(item: NoticeItem) -> str:
    return new_request(_someone(item), item.viewer_side).removesuffix(".")


def _closed(verb: str, with_reason: bool) -> Callable[[NoticeItem], str]:
    """'Your request to Sam Okafor expired', or 'Sam Okafor's request expired' for the recipient."""

    def phrase(item: NoticeItem) -> str:
        reason = _reason(item) if with_reason else ""
        if item.sent_by_viewer or not item.request_id:
            return f"Your request to {_someone(item)} {verb}{reason}"
        return f"{_someone(item)}'s request {verb}{reason}"

    return phrase


def days_left(item: NoticeItem) -> int | None:
    """Whole days from the notice to the request's deadline (at least 1), if it has one."""
    if item.expires_at is None:
        return None
    hours = (item.expires_at - item.created_at).total_seconds() / 3600
    return max(1, round(hours / 24))


def _reminder(item: NoticeItem) -> str:
    days = days_left(item)
    if days is None:
        return f"{_someone(item)}'s request is waiting for your answer"
    closes = "tomorrow" if days == 1 else f"in {days} days"
    return f"{_someone(item)}'s request closes {closes}"


def _pairing_started(item: NoticeItem) -> str:
    if item.viewer_side == MENTOR:
        return f"You now mentor {_someone(item)}"
    if item.viewer_side == MENTEE:
        return f"{_someone(item)} now mentors you"
    return f"You and {_someone(item)} are now peers"


def _program_news(item: NoticeItem) -> str:
    program = item.program_name or "Your program"
    return f"{program} changed which pairings it offers{_reason(item)}"


_HEADLINES: dict[str, Callable[[NoticeItem], str]] = {
    K.REQUEST_RECEIVED.value: _received,
    K.REQUEST_ACCEPTED.value: lambda item: f"{_someone(item)} accepted your request",
    K.REQUEST_DECLINED.value: lambda item: f"{_someone(item)} declined your request{_reason(item)}",
    K.REQUEST_EXPIRED.value: _closed("expired", with_reason=False),
    K.REQUEST_CANCELLED.value: _closed("was cancelled", with_reason=True),
    K.REMINDER.value: _reminder,
    K.LAST_REMINDER.value: _reminder,
    K.PAIRING_STARTED.value: _pairing_started,
    # Its detail is a public reason (a cohort's end), never the private end feedback.
    K.PAIRING_ENDED.value: lambda item: f"Your pairing with {_someone(item)} ended{_reason(item)}",
    K.PAIRING_TYPE_OFF.value: _program_news,
}

# Where a notice leads: requests to the inbox, pairings to My pairings, news to Programs.
_PAGES = {
    NoticeCategory.REQUESTS_FOR_ME.value: routes.INBOX,
    NoticeCategory.ANSWERS.value: routes.INBOX,
    NoticeCategory.REMINDERS.value: routes.INBOX,
    NoticeCategory.PAIRINGS.value: routes.PEERS,
    NoticeCategory.PROGRAM_NEWS.value: routes.PROGRAMS,
}

_ICONS = {
    NoticeCategory.REQUESTS_FOR_ME.value: "user-plus",
    NoticeCategory.ANSWERS.value: "message-square-reply",
    NoticeCategory.REMINDERS.value: "alarm-clock",
    NoticeCategory.PAIRINGS.value: "handshake",
    NoticeCategory.PROGRAM_NEWS.value: "megaphone",
}


def headline(item: NoticeItem) -> str:
    """What happened, in one sentence for the person it is for."""
    phrase = _HEADLINES.get(item.kind)
    text = phrase(item) if phrase else "Something changed in peerapp"
    # A reason typed with its own ending ("sorry!") keeps it.
    return text if text.endswith(("!", "?", ".", "…")) else text + "."


def link(item: NoticeItem) -> str:
    """The page that shows what the notice is about, in the notice's program."""
    page = _PAGES.get(item.category, routes.INBOX)
    return routes.in_program(page, item.program_id)


def icon(item: NoticeItem) -> str:
    """A decorative icon for the notice's category (its words carry the meaning)."""
    return _ICONS.get(item.category, "bell")


def ago(moment: datetime, now: datetime) -> str:
    """'just now', '5 minutes ago', '3 hours ago', 'yesterday', then the date."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{plural(int(seconds // 60), 'minute', 'minutes')} ago"
    if seconds < 24 * 3600:
        return f"{plural(int(seconds // 3600), 'hour', 'hours')} ago"
    if seconds < 48 * 3600:
        return "yesterday"
    return when(moment)


def count_label(count: int) -> str:
    """The bell's number: the count, or '99+' past the cap."""
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)


def bell_label(count: int) -> str:
    """The bell's accessible name: 'Notifications, 3 unread', or 'Notifications'."""
    return f"Notifications, {count_label(count)} unread" if count > 0 else "Notifications"


@dataclass
class NoticeRow:
    """One notice as the list shows it: only words and a link reach the browser."""

    id: int
    text: str
    href: str
    icon: str
    ago: str
    at: str
    read: bool

    @classmethod
    def of(cls, item: NoticeItem, now: datetime) -> NoticeRow:
        """The row for ``item``, with its age as seen at ``now``."""
        return cls(
            id=item.id,
            text=headline(item),
            href=link(item),
            icon=icon(item),
            ago=ago(item.created_at, now),
            at=when(item.created_at),
            read=item.read,
        )


# --- settings and unsubscribing ---------------------------------------------------

C = NoticeCategory
# Each category: its name on the profile, what it covers, and "emails about ..." words.
CATEGORY_WORDS: dict[str, tuple[str, str, str]] = {
    C.REQUESTS_FOR_ME.value: (
        "Requests for me",
        "Someone asks you to pair with them.",
        "requests for you",
    ),
    C.ANSWERS.value: (
        "Answers to my requests",
        "Your requests are accepted, declined, expire or are cancelled.",
        "answers to your requests",
    ),
    C.REMINDERS.value: (
        "Reminders",
        "A request waiting for your answer is about to close.",
        "reminders about requests waiting for you",
    ),
    C.PAIRINGS.value: (
        "Pairings",
        "A pairing of yours starts or ends.",
        "your pairings starting and ending",
    ),
    C.PROGRAM_NEWS.value: (
        "Program news",
        "A program changes which pairings it offers, and what that does to your requests.",
        "news from your programs",
    ),
}

DELIVERY_WORDS: dict[str, str] = {
    "at_once": "Email at once",
    "digest": "Daily digest",
    "app_only": "In the app only",
}


def hour_label(hour: int) -> str:
    """'08:00' for the digest's hour of the day."""
    return f"{hour:02d}:00"


def stop_question(category: str) -> str:
    """What an unsubscribe link will turn off, asked before it does."""
    return f"Stop emails about {CATEGORY_WORDS[category][2]}?"


def stopped(category: str) -> str:
    """What an unsubscribe link turned off."""
    return (
        f"You will no longer get emails about {CATEGORY_WORDS[category][2]}. "
        "You still see them in peerapp, under the bell."
    )
