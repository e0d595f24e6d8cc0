"""The demo's people as rows: one employee and one membership of the program each.

Position ``p`` of the organisation's shape becomes employee id ``p + 1`` (the
table is empty), so a manager's id is known before any row is written.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session

from peerapp.clock import utcnow
from peerapp.models import DEFAULT_CAPACITY, DEFAULT_MENTEE_CAPACITY, Employee, Membership
from peerapp.models.table import table_of
from peerapp.services import demo_bulk
from peerapp.services.demo_bulk import Row
from peerapp.services.demo_data import BIO_ENDINGS, LOCATIONS, SHARED_GOALS, Department
from peerapp.services.demo_names import name_at
from peerapp.services.demo_org import Org
from peerapp.services.unit import unit_of_work

_T = TypeVar("_T")
# Rows per INSERT/COPY: large enough that round trips vanish, small enough to stay light.
BATCH = 20_000
EMPLOYEE_COLUMNS = (
    "id",
    "full_name",
    "email",
    "job_title",
    "department",
    "location",
    "bio",
    "skills",
    "learning_goals",
    "is_active",
    "is_admin",
    "password_hash",
    "created_at",
    "manager_id",
    "current_program_id",
)
MEMBERSHIP_COLUMNS = (
    "program_id",
    "employee_id",
    "is_mentor",
    "is_mentee",
    "is_peer",
    "capacity",
    "mentee_capacity",
    "themes",
    "paused",
    "joined_at",
)


@dataclass(frozen=True)
class FixedPerson:
    """A person whose name, place and roles are chosen (a demo login), not drawn."""

    full_name: str
    email: str
    department: Department
    title: str
    is_admin: bool
    password_hash: str | None
    roles: frozenset[str]


def employee_id(position: int) -> int:
    """The id of the person at ``position`` of the organisation."""
    return position + 1


def write_people(
    db: Session, rows: PeopleRows, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write everyone in ``rows.org`` in one transaction.

    One transaction: a load that fails half-way leaves the database empty, and
    ``seed-demo --if-empty`` can simply be run again.
    """
    org = rows.org
    employee_table = table_of(Employee)
    membership_table = table_of(Membership)
    with unit_of_work(db), demo_bulk.bulk_load(db, (employee_table, membership_table)):
        for start in range(0, len(org), BATCH):
            positions = range(start, min(start + BATCH, len(org)))
            people = [rows.employee(position) for position in positions]
            memberships = [rows.membership(position) for position in positions]
            demo_bulk.insert_rows(db, employee_table, EMPLOYEE_COLUMNS, people)
            demo_bulk.insert_rows(db, membership_table, MEMBERSHIP_COLUMNS, memberships)
            if progress is not None:
                progress(positions.stop, len(org))
        demo_bulk.follow_explicit_ids(db, employee_table)


class PeopleRows:
    """Each position's rows, drawn from pieces prepared once (a million people add up).

    Everyone in ``org`` is named from ``names`` (a name number from demo_names
    for each position not in ``fixed``), except the ``fixed`` people.
    """

    def __init__(
        self,
        rng: random.Random,
        org: Org,
        names: list[int],
        fixed: dict[int, FixedPerson],
        *,
        program_id: int,
        themes: list[str],
    ) -> None:
        self.random, self.org, self.fixed, self.program_id = rng.random, org, fixed, program_id
        self.names = iter(names)
        self.now = utcnow()
        departments = {*org.departments, *(person.department for person in fixed.values())}
        # Each option: (the text stored, the phrase a bio uses).
        self.skills = {
            department.name: [
                (", ".join(three), in_sentence(three[0]))
                for three in itertools.combinations(department.skills, 3)
            ]
            for department in departments
        }
        # A goal everyone has a use for, and a skill of some department: people
        # want to learn what colleagues elsewhere share (best match finds them).
        shared = sorted({skill for department in departments for skill in department.skills})
        self.goals = [
            (f"{goal}, {skill}", in_sentence(goal)) for goal in SHARED_GOALS for skill in shared
        ]
        self.places = [(place, _whereabouts(place)) for place in LOCATIONS]
        self.themes = ["\n".join(two) for two in itertools.permutations(themes, 2)] or [""]

    def _pick(self, options: list[_T] | tuple[_T, ...]) -> _T:
        return options[int(self.random() * len(options))]

    def employee(self, position: int) -> Row:
        """The employee row of ``position``; the same draws in the same order for a seed."""
        person = self.fixed.get(position)
        if person is None:
            full_name, email = name_at(next(self.names))
            department, title = self.org.departments[position], self.org.titles[position]
            admin, password_hash = False, None
        else:
            full_name, email = person.full_name, person.email
            department, title = person.department, person.title
            admin, password_hash = person.is_admin, person.password_hash
        skills, skill = self._pick(self.skills[department.name])
        goals, goal = self._pick(self.goals)
        place, whereabouts = self._pick(self.places)
        ending = self._pick(BIO_ENDINGS).format(skill=skill, goal=goal)
        # "VP of Data, based in ..." and "Chief Executive Officer, ...": no "in Data" again.
        named = title.endswith(department.name) or not department.titles
        role = title if named else f"{title} in {department.name}"
        manager = self.org.managers[position]
        return (
            employee_id(position),
            full_name,
            email,
            title,
            department.name,
            place,
            f"{role}, {whereabouts}. {ending}".rstrip(),
            skills,
            goals,
            True,
            admin,
            password_hash,
            self.now,
            None if manager is None else employee_id(manager),
            None,
        )

    def membership(self, position: int) -> Row:
        """The membership row of ``position`` in the program: roles in today's mix."""
        person = self.fixed.get(position)
        if person is None:
            peer = self.random() < 0.8
            mentor = self.random() < 0.25
            mentee = self.random() < 0.3
        else:
            peer, mentor, mentee = (role in person.roles for role in ("peer", "mentor", "mentee"))
        return (
            self.program_id,
            employee_id(position),
            mentor,
            mentee,
            peer,
            DEFAULT_CAPACITY,
            DEFAULT_MENTEE_CAPACITY,
            self._pick(self.themes),
            False,
            self.now,
        )


def _whereabouts(place: str) -> str:
    remote, _, region = place.partition(" ")
    return f"working remotely {region}" if remote == "Remote" else f"based in {place}"


# Names that keep their capital letter inside a sentence.
_PROPER = {"Python", "Kubernetes", "Go", "React", "Figma", "Salesforce", "Zendesk", "Excel"}


def in_sentence(phrase: str) -> str:
    """``phrase`` as written mid-sentence: "Public speaking" -> "public speaking", "SQL" stays."""
    first = phrase.split(" ", 1)[0]
    if first in _PROPER or not first[1:].islower():
        return phrase
    return phrase[0].lower() + phrase[1:]
