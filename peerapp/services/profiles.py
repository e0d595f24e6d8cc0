"""A person's own profile and roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from peerapp import models
from peerapp.models import DEFAULT_CAPACITY, Employee
from peerapp.services import closing, places, programs, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

CAPACITY_MAX = 20


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


@dataclass(frozen=True, kw_only=True)
class ProfileChange(Change):
    """The saved profile; ``told``: people whose pending requests were cancelled."""

    profile: Profile


def get_profile(db: Session, *, program_id: int, employee_id: int) -> Profile:
    """The employee's profile and roles in the program."""
    employee = db.get(Employee, employee_id)
    if employee is None:
        raise Refused("That account does not exist.")
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
) -> ProfileChange:
    """Save the actor's own profile, roles, capacity and pause (``None`` keeps those two).

    ``capacity`` may be an int or the text typed in the form (ASCII digits).

    Dropping the peer role cancels the actor's pending requests; so does a
    capacity that leaves no place free, since those requests could never be
    accepted.
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
    # The form sends what was typed; the same rule takes a number from a test or a script.
    new_capacity = (
        None if capacity is None else validation.whole_number(capacity, "Capacity", 0, CAPACITY_MAX)
    )
    new_paused = None if paused is None else validation.flag(paused, "Pause")
    with unit_of_work(db):
        affected = _save(db, program_id, employee, values, new_roles, new_capacity, new_paused)
    profile = get_profile(db, program_id=program_id, employee_id=actor_id)
    return ProfileChange(profile=profile, told=frozenset(affected))


def _save(
    db: Session,
    program_id: int,
    employee: Employee,
    values: dict[str, str],
    new_roles: set[str],
    capacity: int | None,
    paused: bool | None,
) -> set[int]:
    """Write validated values; cancel the person's pending requests if they can't be met."""
    actor_id = id_of(employee)
    program = programs.get_program(db, program_id)
    for name, value in values.items():
        setattr(employee, name, value)
    db.add(employee)
    member = places.lock_members(db, id_of(program), [actor_id]).get(actor_id)
    was_peer = member is not None and member.is_peer
    member = programs.set_roles(
        db, program_id=id_of(program), employee_id=actor_id, roles=new_roles
    )
    if capacity is not None:
        member.capacity = capacity
    if paused is not None:
        member.paused = paused
    db.add(member)
    db.flush()
    reason = ""
    if was_peer and "peer" not in new_roles:
        reason = f"{employee.full_name} is no longer taking part in peer mentorship."
    elif places.places_left(db, member) == 0:
        reason = f"{employee.full_name} has no places left for another peer."
    if not reason:
        return set()
    return closing.cancel_pending(
        db, program_id=program_id, actor_id=actor_id, person_id=actor_id, reason=reason
    )
