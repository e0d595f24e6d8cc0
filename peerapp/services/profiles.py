"""A person's own profile and roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from peerapp import models
from peerapp.models import DEFAULT_CAPACITY, Employee
from peerapp.services import closing, places, programs, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

CAPACITY_MAX = models.CAPACITY_MAX


@dataclass(frozen=True)
class Profile:
    """What the profile page shows and edits."""

    full_name: str
    email: str
    job_title: str
    department: str
    location: str
    bio: str
    skills: str
    learning_goals: str
    roles: list[str]
    capacity: int
    paused: bool
    active_pairings: int
    mentee_capacity: int = models.DEFAULT_MENTEE_CAPACITY
    mentees: int = 0
    themes: list[str] = field(default_factory=list)
    program_themes: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ProfileChange(Change):
    """The saved profile; ``told``: people whose pending requests were cancelled."""

    profile: Profile


@dataclass(frozen=True)
class MemberSettings:
    """Validated settings of one membership; None keeps what is stored."""

    capacity: int | None = None
    mentee_capacity: int | None = None
    paused: bool | None = None
    themes: str | None = None


def get_profile(db: Session, *, program_id: int, employee_id: int) -> Profile:
    """The employee's profile and roles in the program."""
    employee = db.get(Employee, employee_id)
    if employee is None:
        raise Refused("That account does not exist.")
    program = programs.get_program(db, program_id)
    member = programs.membership(db, program_id, employee_id)
    return Profile(
        full_name=employee.full_name,
        email=employee.email,
        job_title=employee.job_title,
        department=employee.department,
        location=employee.location,
        bio=employee.bio,
        skills=employee.skills,
        learning_goals=employee.learning_goals,
        roles=programs.roles_of(member),
        capacity=member.capacity if member else DEFAULT_CAPACITY,
        paused=bool(member and member.paused),
        active_pairings=places.active_pairings(db, program_id, employee_id),
        mentee_capacity=member.mentee_capacity if member else models.DEFAULT_MENTEE_CAPACITY,
        mentees=places.active_pairings(db, program_id, employee_id, places.MENTOR),
        themes=[line for line in (member.themes if member else "").split("\n") if line],
        program_themes=programs.themes_of(program),
    )


def update_profile(
    db: Session,
    *,
    program_id: int,
    actor_id: int,
    full_name: object,
    job_title: object,
    department: object,
    location: object,
    bio: object,
    skills: object,
    learning_goals: object,
    roles: object,
    capacity: object | None = None,
    paused: object | None = None,
    mentee_capacity: object | None = None,
    themes: object | None = None,
) -> ProfileChange:
    """Save the actor's own profile and their roles, places, pause and themes in the program.

    ``None`` keeps capacity, mentee_capacity, paused or themes as they are; the
    numbers may be ints or the text typed in the form (ASCII digits).

    Dropping a role cancels the actor's pending requests that need it; so does
    a capacity that leaves no place free on a side, since those requests could
    never be accepted.
    """
    employee = db.get(Employee, actor_id)
    if employee is None or not employee.is_active:
        raise Refused("That account does not exist.")
    # Validate everything before touching the row, so a refusal changes nothing.
    new_roles = programs.parse_roles(roles)
    values = {
        "full_name": validation.text(
            full_name, "Full name", models.NAME_MAX, required=True, one_line=True
        ),
        "job_title": validation.text(job_title, "Job title", models.TEXT_SHORT, one_line=True),
        "department": validation.text(department, "Department", models.TEXT_SHORT, one_line=True),
        "location": validation.text(location, "Location", models.TEXT_SHORT, one_line=True),
        "bio": validation.text(bio, "Bio", models.BIO_MAX),
        "skills": validation.tag_list(skills, "Skills", models.SKILLS_MAX),
        "learning_goals": validation.tag_list(learning_goals, "Learning goals", models.SKILLS_MAX),
    }
    program = programs.get_program(db, program_id)
    settings = MemberSettings(
        capacity=_places(capacity, "Capacity"),
        mentee_capacity=_places(mentee_capacity, "Mentee places"),
        paused=None if paused is None else validation.flag(paused, "Pause"),
        themes=None
        if themes is None
        else "\n".join(
            validation.choices(themes, "Themes", programs.themes_of(program), models.THEMES_MAX)
        ),
    )
    with unit_of_work(db):
        affected = _save(db, program_id, employee, values, new_roles, settings)
    profile = get_profile(db, program_id=program_id, employee_id=actor_id)
    return ProfileChange(profile=profile, told=frozenset(affected))


def _places(value: object, label: str) -> int | None:
    # The form sends what was typed; the same rule takes a number from a test or a script.
    return None if value is None else validation.whole_number(value, label, 0, CAPACITY_MAX)


DROPPED = {
    places.PEER: "{name} is no longer taking part in peer mentorship.",
    places.MENTOR: "{name} is no longer a mentor in this program.",
    places.MENTEE: "{name} is no longer looking for a mentor in this program.",
}
FULL = {
    places.PEER: "{name} has no places left for another peer.",
    places.MENTOR: "{name} has no places left for another mentee.",
}


def _save(
    db: Session,
    program_id: int,
    employee: Employee,
    values: dict[str, str],
    new_roles: set[str],
    settings: MemberSettings,
) -> set[int]:
    """Write validated values; cancel the person's pending requests that can't be met now."""
    actor_id = id_of(employee)
    for name, value in values.items():
        setattr(employee, name, value)
    db.add(employee)
    member = places.lock_members(db, program_id, [actor_id]).get(actor_id)
    had = set(programs.roles_of(member))
    member = programs.set_roles(db, program_id=program_id, employee_id=actor_id, roles=new_roles)
    for name in ("capacity", "mentee_capacity", "paused", "themes"):
        value = getattr(settings, name)
        if value is not None:
            setattr(member, name, value)
    db.add(member)
    db.flush()
    affected: set[int] = set()
    for side in places.SIDES:
        if side in had and side not in new_roles:
            reason = DROPPED[side]
        elif side in FULL and places.places_left(db, member, side) == 0:
            reason = FULL[side]
        else:
            continue
        affected |= closing.cancel_pending(
            db,
            program_id=program_id,
            actor_id=actor_id,
            person_id=actor_id,
            side=side,
            reason=reason.format(name=employee.full_name),
        )
    return affected
