"""The words for programs: their cards, the switcher's toasts, the settings' questions.

Pure functions, no Reflex, like ``wording.py`` (whose sibling this is: one module
for every sentence would have outgrown one sitting). Services give the facts
(a kind, two dates, a list of roles); these phrase them.
"""

from __future__ import annotations

from datetime import date

from peerapp.state.wording import plural

_KINDS = {"evergreen": "Evergreen", "cohort": "Cohort"}
_ROLES = {"mentor": "Mentor", "mentee": "Mentee", "peer": "Peer"}
_ROLE_HINTS = {
    "mentor": "Guide mentees who ask you, up to your mentee places.",
    "mentee": "Ask a mentor to guide you.",
    "peer": "Learn side by side with colleagues, up to your peer places.",
}


def program_kind(kind: str) -> str:
    """'Evergreen' (always open) or 'Cohort' (runs between two dates)."""
    return _KINDS.get(kind, kind.title())


def day(moment: date) -> str:
    """'1 March 2031'."""
    return f"{moment.day} {moment:%B %Y}"


def program_dates(starts_on: date | None, ends_on: date | None) -> str:
    """'1 March 2031 – 30 June 2031' for a cohort; nothing for an evergreen program."""
    if starts_on is None or ends_on is None:
        return ""
    return f"{day(starts_on)} – {day(ends_on)}"


def program_status(archived: bool, closed: bool) -> str:
    """A closed program's badge: archived, or a cohort that has ended ('' while open)."""
    if archived:
        return "Archived"
    return "Ended" if closed else ""


def role_label(role: str) -> str:
    """'Mentor', 'Mentee' or 'Peer'."""
    return _ROLES.get(role, role.title())


def role_hint(role: str) -> str:
    """What a role means, under its checkbox."""
    return _ROLE_HINTS.get(role, "")


def roles_held(roles: list[str]) -> str:
    """'Mentor · Peer' ('' for none)."""
    return " · ".join(role_label(role) for role in roles)


def members(count: int) -> str:
    """'1 member', '12 members'."""
    return plural(count, "member", "members")


def pairing_types(peer: bool, mentoring: bool) -> str:
    """Which kinds of pairing a program offers now."""
    offered = [name for name, on in (("Peer mentorship", peer), ("Mentor–mentee", mentoring)) if on]
    return " · ".join(offered) if offered else "No pairing open right now"


def working_in(name: str) -> str:
    """The person's current program changed."""
    return f"You are now working in {name}."


def joined(name: str) -> str:
    """The person joined a program (which becomes their current one)."""
    return f"You joined {name}. It is now your current program."


def program_created(name: str, peer: bool, mentoring: bool) -> str:
    """An admin created a program; which pairing types it starts with."""
    return f"{name} created. It starts with: {pairing_types(peer, mentoring)}."


def program_archived(name: str, cancelled_for: int) -> str:
    """An admin archived a program; for how many people it cancelled pending requests."""
    if not cancelled_for:
        return f"{name} archived."
    people = plural(cancelled_for, "person", "people")
    return f"{name} archived. Pending requests were cancelled for {people}."


def switching_off(peer: bool, mentoring: bool) -> tuple[str, str, str]:
    """The question before saving settings that turn pairing types off: title, text, button."""
    if peer and mentoring:
        what, requests, other = "peer mentorship and mentor–mentee pairing", "request", ""
    elif peer:
        what, requests = "peer mentorship", "peer request"
        other = " Mentor–mentee pairing is not affected."
    else:
        what, requests = "mentor–mentee pairing", "mentoring request"
        other = " Peer mentorship is not affected."
    return (
        f"Turn off {what}?",
        f"Nobody will be able to send a new {requests}, and every pending {requests} in "
        f"this program is cancelled (both people see why). Existing pairings stay.{other}",
        "Turn off and cancel requests",
    )
