"""Best match: how well a colleague fits the person searching, and why, from the same facts.

Peers teach each other, so both directions count: what I want to learn that
they share, and what they want to learn that I share. Shared themes of the
program count, and so does a different department (learning another business
function is what peer mentorship is for). Someone with no place left, or
paused, sinks to the end: a request to them could not be accepted.

Fair exposure: among equal scores the order is a hash of the two ids, the same
for one person every time and different from one person to the next, so the
same few colleagues do not top everyone's list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from peerapp.models import Employee, Membership
from peerapp.services import validation

# Weights of each fact in the score (explained on the card in this order).
TEACHES_ME = 3
LEARNS_FROM_ME = 2
SHARED_THEME = 1
OTHER_DEPARTMENT = 1
NO_ROOM = -100
MOST_COUNTED = 3  # of each kind of overlap


@dataclass(frozen=True)
class Seeker:
    """The person searching, as the score sees them."""

    id: int
    skills: dict[str, str]  # lower-cased tag -> as written
    goals: dict[str, str]
    themes: frozenset[str]
    department: str
    # Where this viewer's walk through the candidates starts (fair exposure).
    start: int = 1


@dataclass(frozen=True)
class Candidate:
    """What the score reads of a colleague (a directory card has it all)."""

    id: int
    department: str
    skills: list[str]
    learning_goals: list[str]
    themes: list[str]
    has_room: bool


@dataclass(frozen=True)
class Match:
    """Why a colleague fits: the facts, and the score made of them."""

    score: int
    teaches_me: tuple[str, ...] = ()  # their skills that I want to learn
    learns_from_me: tuple[str, ...] = ()  # their goals that are my skills
    shared_themes: tuple[str, ...] = ()
    other_department: str = ""
    has_room: bool = True


def _tags(stored: str) -> dict[str, str]:
    return {tag.lower(): tag for tag in validation.split_tags(stored)}


def seeker_query(program_id: int, viewer_id: int) -> sa.Select[Any]:
    """SELECT what ``seeker_of`` reads: one row, none if they are not in the program.

    The highest id, which the walk's start is taken within, comes with the rest.
    """
    highest = sa.select(sa.func.max(col(Employee.id))).scalar_subquery()
    return (
        sa.select(
            col(Employee.skills),
            col(Employee.learning_goals),
            col(Employee.department),
            col(Membership.themes),
            highest,
        )
        .join(Membership, col(Membership.employee_id) == col(Employee.id))
        .where(col(Employee.id) == viewer_id, col(Membership.program_id) == program_id)
    )


def seeker_of(viewer_id: int, row: Sequence[Any] | None) -> Seeker | None:
    """The ``Seeker`` from a ``seeker_query`` row (None, or NULLs: not in the program)."""
    if row is None or row[0] is None:
        return None
    skills, goals, department, themes, highest_id = row
    return Seeker(
        id=viewer_id,
        skills=_tags(skills),
        goals=_tags(goals),
        themes=frozenset(line for line in themes.split("\n") if line),
        department=department,
        start=rotation_start(viewer_id, highest_id or 1),
    )


def match(me: Seeker, them: Candidate) -> Match:
    """How well ``them`` fits ``me``, fact by fact."""
    teaches = tuple(s for s in them.skills if s.lower() in me.goals)[:MOST_COUNTED]
    learns = tuple(g for g in them.learning_goals if g.lower() in me.skills)[:MOST_COUNTED]
    themes = tuple(t for t in them.themes if t in me.themes)[:MOST_COUNTED]
    other = them.department if them.department and them.department != me.department else ""
    score = (
        TEACHES_ME * len(teaches)
        + LEARNS_FROM_ME * len(learns)
        + SHARED_THEME * len(themes)
        + (OTHER_DEPARTMENT if other else 0)
        + (0 if them.has_room else NO_ROOM)
    )
    return Match(score, teaches, learns, themes, other, them.has_room)


def _tie_break(viewer_id: int, candidate_id: int) -> int:
    digest = hashlib.blake2b(f"{viewer_id}:{candidate_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def ranked(me: Seeker, candidates: Iterable[Candidate]) -> list[tuple[Candidate, Match]]:
    """Candidates best first; equal scores in an order of this viewer's own."""
    scored = [(candidate, match(me, candidate)) for candidate in candidates]
    scored.sort(key=lambda pair: (-pair[1].score, _tie_break(me.id, pair[0].id)))
    return scored


def rotation_start(viewer_id: int, highest_id: int) -> int:
    """Where this viewer's walk through the candidates starts (fair exposure)."""
    return _tie_break(viewer_id, 0) % max(1, highest_id) + 1
