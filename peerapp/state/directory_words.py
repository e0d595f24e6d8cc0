"""The directory's words: how many were found, and why a colleague is a good match."""

from __future__ import annotations

from peerapp.services.matching import Match


def _listed(items: tuple[str, ...]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def found(total: int, more: bool) -> str:
    """'1 person', '12 people', '500+ people'."""
    if total == 1 and not more:
        return "1 person"
    return f"{total:,}{'+' if more else ''} people"


def why(match: Match) -> str:
    """Why a colleague fits, in the order the score weighs it.

    "Shares Kubernetes, which you want to learn · Wants to learn Negotiation,
    which you share · Sales"
    """
    reasons = []
    if match.teaches_me:
        reasons.append(f"Shares {_listed(match.teaches_me)}, which you want to learn")
    if match.learns_from_me:
        reasons.append(f"Wants to learn {_listed(match.learns_from_me)}, which you share")
    if match.shared_themes:
        reasons.append(f"Shares your interest in {_listed(match.shared_themes).lower()}")
    if match.other_department:
        reasons.append(f"Works in {match.other_department}")
    if not match.has_room:
        reasons.append("No places left now")
    return " · ".join(reasons)


def answers_within(days: int) -> str:
    """'Usually answers within a day', '… within 3 days' ("" when unknown)."""
    if days <= 0:
        return ""
    return "Usually answers within a day" if days == 1 else f"Usually answers within {days} days"
