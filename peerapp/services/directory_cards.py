"""What the directory reads of a person, and the page of them it returns.

Only the columns a card shows are read (no bio, no email, no password hash).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from peerapp.models import Employee, Membership
from peerapp.services import matching, places, programs, validation
from peerapp.services.directory_ask import Ask


@dataclass(frozen=True)
class DirectoryEntry:
    """One person as the directory shows them (no email, no private fields)."""

    id: int
    full_name: str
    job_title: str
    department: str
    location: str
    skills: list[str]
    learning_goals: list[str]
    roles: list[str]
    is_peer: bool
    paused: bool
    capacity: int
    places_left: int
    is_mentor: bool = False
    is_mentee: bool = False
    mentee_places_left: int = 0
    themes: list[str] = field(default_factory=list)
    # Best match: why this person fits the viewer, in words (the state fills it).
    why: str = ""
    # Days within which they usually answer a request (0: not enough answers to say).
    answers_within_days: int = 0
    # The same in words (the state fills it).
    answers: str = ""


@dataclass(frozen=True)
class DirectoryPage:
    """A page of results and where it sits in the whole.

    ``total`` counts at most ``WINDOW`` matches; ``more`` says there are more.
    """

    entries: list[DirectoryEntry]
    total: int
    page: int
    page_count: int
    more: bool = False
    ask: Ask = Ask()
    # Best match: why each person shown fits (by id).
    matches: dict[int, matching.Match] = field(default_factory=dict)


CARD = (
    col(Employee.id),
    col(Employee.full_name),
    col(Employee.job_title),
    col(Employee.department),
    col(Employee.location),
    col(Employee.skills),
    col(Employee.learning_goals),
    col(Membership.is_peer),
    col(Membership.is_mentor),
    col(Membership.is_mentee),
    col(Membership.paused),
    col(Membership.capacity),
    col(Membership.mentee_capacity),
    col(Membership.themes),
)
ORDERS = {
    "name": (sa.func.lower(col(Employee.full_name)), col(Employee.id)),
    "recent": (col(Membership.joined_at).desc(), col(Employee.id).desc()),
}


def members(*columns: Any) -> sa.Select[Any]:
    return sa.select(*columns).join(Membership, col(Membership.employee_id) == col(Employee.id))


def entries(db: Session, program_id: int, rows: Sequence[Sequence[Any]]) -> list[DirectoryEntry]:
    counts = places.active_pairings_by_side(db, program_id, [row[0] for row in rows])
    pairs, mentees = counts[places.PEER], counts[places.MENTOR]
    entries = []
    for row in rows:
        person, name, title, dept, where, skills, goals, *member = tuple(row)
        is_peer, is_mentor, is_mentee, paused, capacity, mentee_capacity, themes = member
        held = {"mentor": is_mentor, "mentee": is_mentee, "peer": is_peer}
        entries.append(
            DirectoryEntry(
                id=person,
                full_name=name,
                job_title=title,
                department=dept,
                location=where,
                skills=validation.split_tags(skills),
                learning_goals=validation.split_tags(goals),
                roles=[role for role in programs.ROLES if held[role]],
                is_peer=is_peer,
                paused=paused,
                capacity=capacity,
                places_left=max(0, capacity - pairs.get(person, 0)),
                is_mentor=is_mentor,
                is_mentee=is_mentee,
                mentee_places_left=max(0, mentee_capacity - mentees.get(person, 0)),
                themes=[line for line in themes.split("\n") if line],
            )
        )
    return entries
