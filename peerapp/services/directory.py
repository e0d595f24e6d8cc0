"""The peer directory: search members of a program, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp import models
from peerapp.models import Employee, Membership
from peerapp.services import places, programs, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of

PAGE_SIZE = 20
QUERY_MAX = 100


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


@dataclass(frozen=True)
class DirectoryPage:
    """A page of results and where it sits in the whole."""

    entries: list[DirectoryEntry]
    total: int
    page: int
    page_count: int


def typed_query(value: object) -> str:
    """The search box's text as typed, once it is known to be a usable search.

    It is kept as typed (spaces included: the box shows it back while the
    person types); ``search`` cleans it again. Refuses what is not text,
    longer than the box allows, or unusable.
    """
    if isinstance(value, str) and len(value) > QUERY_MAX:
        raise Refused(f"Search can be at most {QUERY_MAX} characters (it has {len(value)}).")
    validation.text(value, "Search", QUERY_MAX)
    return value if isinstance(value, str) else ""


def department_filter(value: object) -> str:
    """A department to filter by, cleaned like the profile field ("" for all)."""
    return validation.text(value, "Department", models.TEXT_SHORT, one_line=True)


def page_number(value: object, page_size: int = PAGE_SIZE) -> int:
    """A page number from the browser: anything that is not a positive int is page 1.

    The cap keeps the OFFSET a database integer; a page past the results shows
    the last one (``search``).
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return 1
    return min(value, validation.ID_MAX // page_size)


# The directory's tabs: who is listed under each.
SHOWING = {
    "": None,
    "peers": col(Membership.is_peer),
    "mentors": col(Membership.is_mentor),
    "mentees": col(Membership.is_mentee),
}


def showing(value: object) -> str:
    """Which tab of the directory: "" (everyone), "peers", "mentors" or "mentees"."""
    if not isinstance(value, str) or value not in SHOWING:
        raise Refused("Show everyone, peers, mentors or mentees.")
    return value


def _listed(program_id: int) -> sa.ColumnElement[bool]:
    """Who the directory lists: active people with at least one role in the program."""
    return sa.and_(
        col(Membership.program_id) == program_id,
        col(Employee.is_active).is_(True),
        sa.or_(col(Membership.is_peer), col(Membership.is_mentor), col(Membership.is_mentee)),
    )


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(
    db: Session,
    *,
    program_id: int,
    query: object = "",
    department: object = "",
    page: object = 1,
    page_size: int = PAGE_SIZE,
    show: object = "",
) -> DirectoryPage:
    """Active members of the program matching every word of ``query``.

    Each word may match the name, job title, department or skills. Results are
    ordered by name; only ``page_size`` rows are read.
    """
    words = validation.text(query, "Search", QUERY_MAX, one_line=True).split()
    dept = department_filter(department)
    role = SHOWING[showing(show)]
    # Any page past the results shows the last one.
    number = page_number(page, page_size)
    condition = _listed(program_id)
    for word in words[:8]:
        pattern = _like(word)
        condition = sa.and_(
            condition,
            sa.or_(
                *(
                    sa.func.lower(column).like(pattern, escape="\\")
                    for column in (
                        col(Employee.full_name),
                        col(Employee.job_title),
                        col(Employee.department),
                        col(Employee.skills),
                    )
                )
            ),
        )
    if dept:
        condition = sa.and_(condition, col(Employee.department) == dept)
    if role is not None:
        condition = sa.and_(condition, role)
    # One query brings the page and the total (a window count over all matches).
    matches = (
        select(Employee, Membership, sa.func.count().over())
        .join(Membership, col(Membership.employee_id) == col(Employee.id))
        .where(condition)
        .order_by(sa.func.lower(col(Employee.full_name)), col(Employee.id))
        .limit(page_size)
    )
    found = db.exec(matches.offset((number - 1) * page_size)).all()
    if not found and number > 1:
        # Past the last page (the results shrank): show the last one there is.
        total = db.exec(select(sa.func.count()).select_from(matches.limit(None).subquery())).one()
        number = max(1, -(-total // page_size))
        found = db.exec(matches.offset((number - 1) * page_size)).all()
    total = found[0][2] if found else 0
    page_count = max(1, -(-total // page_size))
    rows = [(employee, member) for employee, member, _ in found]
    ids = [id_of(employee) for employee, _ in rows]
    counts = places.active_pairings_by_side(db, program_id, ids)
    pairs, mentees = counts[places.PEER], counts[places.MENTOR]
    entries = [
        DirectoryEntry(
            id=id_of(employee),
            full_name=employee.full_name,
            job_title=employee.job_title,
            department=employee.department,
            location=employee.location,
            skills=validation.split_tags(employee.skills),
            learning_goals=validation.split_tags(employee.learning_goals),
            roles=programs.roles_of(member),
            is_peer=member.is_peer,
            paused=member.paused,
            capacity=member.capacity,
            places_left=max(0, member.capacity - pairs.get(id_of(employee), 0)),
            is_mentor=member.is_mentor,
            is_mentee=member.is_mentee,
            mentee_places_left=max(0, member.mentee_capacity - mentees.get(id_of(employee), 0)),
            themes=[line for line in member.themes.split("\n") if line],
        )
        for employee, member in rows
    ]
    return DirectoryPage(entries=entries, total=total, page=number, page_count=page_count)


def departments(db: Session, *, program_id: int) -> list[str]:
    """Departments of the people the directory lists, for the filter.

    Only people a search can show count: a department whose only members are
    inactive or have no role would be a filter that finds nobody.
    """
    rows = db.exec(
        select(col(Employee.department))
        .join(Membership, col(Membership.employee_id) == col(Employee.id))
        .where(_listed(program_id), col(Employee.department) != "")
        .distinct()
        .order_by(col(Employee.department))
        .limit(200)
    ).all()
    return list(rows)
