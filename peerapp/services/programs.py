"""Programs, and the roles each employee holds in one."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import Employee, Membership, PairingKind, Program, ProgramKind
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.unit import unit_of_work

ROLES: tuple[str, ...] = ("mentor", "mentee", "peer")
DEFAULT_PROGRAM_NAME = "Evergreen mentoring"


def create_program(
    db: Session,
    name: object,
    kind: object = ProgramKind.EVERGREEN.value,
    *,
    description: object = "",
    starts_on: object = None,
    ends_on: object = None,
) -> Program:
    """A new program (for trusted callers: the console, the demo, admins via admin.add_program).

    Peer mentorship starts on in an Evergreen program and off in a Cohort;
    mentor-mentee pairing starts on in both. A cohort needs its two dates.
    """
    if kind not in {k.value for k in ProgramKind}:
        raise Refused("A program is either Evergreen or Cohort.")
    cohort = kind == ProgramKind.COHORT.value
    first = last = None
    if cohort:
        if starts_on in (None, "") or ends_on in (None, ""):
            raise Refused("A cohort program needs a start date and an end date.")
        first = validation.day(starts_on, "Start date")
        last = validation.day(ends_on, "End date")
        if last < first:
            raise Refused("A cohort program cannot end before it starts.")
    program = Program(
        name=validation.text(name, "Program name", models.NAME_MAX, required=True, one_line=True),
        description=validation.text(description, "Description", models.DESCRIPTION_MAX),
        kind=str(kind),
        starts_on=first,
        ends_on=last,
        peer_mentorship_enabled=not cohort,
        mentoring_enabled=True,
    )
    with unit_of_work(db):
        db.add(program)
    db.refresh(program)
    return program


def themes_of(program: Program) -> list[str]:
    """The program's themes, in the admin's order."""
    return [line for line in program.themes.split("\n") if line.strip()]


def today() -> date:
    """The day it is now (UTC), for cohort dates."""
    return utcnow().date()


def closed_because(program: Program) -> str | None:
    """Why the program takes no new requests or members now, or None while it is open."""
    if program.archived_at is not None:
        return f"{program.name} is archived: its history stays, but nothing new starts in it."
    if program.ends_on is not None and today() > program.ends_on:
        return f"{program.name} ended on {program.ends_on:%-d %B %Y}."
    return None


def require_open(program: Program) -> None:
    """Refuse, saying why, unless the program takes new requests and members now."""
    reason = closed_because(program)
    if reason is not None:
        raise Refused(reason)


def refuse_requests_unless_running(program: Program) -> None:
    """Requests are possible in an open program, and in a cohort only between its dates."""
    require_open(program)
    if program.starts_on is not None and today() < program.starts_on:
        raise Refused(
            f"{program.name} starts on {program.starts_on:%-d %B %Y}: requests open then."
        )


PAIRING_OFF = {
    PairingKind.PEER.value: "Peer mentorship is turned off in this program.",
    PairingKind.MENTORING.value: "Mentor–mentee pairing is turned off in this program.",
}


def pairing_enabled(program: Program, kind: str) -> bool:
    """Whether the program allows this pairing kind now."""
    if kind == PairingKind.PEER.value:
        return program.peer_mentorship_enabled
    return program.mentoring_enabled


def default_program(db: Session) -> Program:
    """The program the UI works on: the oldest one, created on first use."""
    program = db.exec(select(Program).order_by(col(Program.id)).limit(1)).first()
    return program if program is not None else create_program(db, DEFAULT_PROGRAM_NAME)


def program_named(db: Session, name: str) -> Program:
    """The program with this name (any case), or a refusal."""
    found = db.exec(
        select(Program)
        .where(sa.func.lower(col(Program.name)) == name.strip().lower())
        .order_by(col(Program.id))
    ).first()
    if found is None:
        raise Refused(f"There is no program called {name!r}.")
    return found


def get_program(db: Session, program_id: int) -> Program:
    """The program with this id, or a refusal."""
    program = db.get(Program, validation.identifier(program_id, "program"))
    if program is None:
        raise Refused("That program does not exist.")
    return program


def membership(db: Session, program_id: int, employee_id: int) -> Membership | None:
    """The employee's membership in the program, if any."""
    return db.exec(
        select(Membership).where(
            col(Membership.program_id) == program_id, col(Membership.employee_id) == employee_id
        )
    ).first()


def member_ids(db: Session, program_id: int) -> list[int]:
    """Ids of the program's active members, in id order."""
    return list(
        db.exec(
            select(col(Membership.employee_id))
            .join(Employee, col(Employee.id) == col(Membership.employee_id))
            .where(col(Membership.program_id) == program_id, col(Employee.is_active))
            .order_by(col(Membership.employee_id))
        ).all()
    )


def memberships_of(db: Session, employee_id: int) -> list[Membership]:
    """Every program membership of an employee."""
    return list(db.exec(select(Membership).where(col(Membership.employee_id) == employee_id)).all())


def roles_of(member: Membership | None) -> list[str]:
    """Role names held, in the fixed order mentor, mentee, peer."""
    if member is None:
        return []
    held = {"mentor": member.is_mentor, "mentee": member.is_mentee, "peer": member.is_peer}
    return [role for role in ROLES if held[role]]


def parse_roles(value: object) -> set[str]:
    """Role names from a list or a comma-separated string; unknown names are refused."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple | set | frozenset):
        raise Refused("Roles must be a list of mentor, mentee and peer.")
    roles: set[str] = set()
    for item in value:
        if not isinstance(item, str) or item.strip().lower() not in ROLES:
            raise Refused("Roles can only be mentor, mentee and peer.")
        roles.add(item.strip().lower())
    return roles


def set_roles(db: Session, *, program_id: int, employee_id: int, roles: set[str]) -> Membership:
    """Give the employee exactly these roles in the program (part of the caller's unit of work)."""
    roles = parse_roles(sorted(roles))
    member = membership(db, program_id, employee_id)
    if member is None:
        member = Membership(program_id=program_id, employee_id=employee_id)
    member.is_mentor = "mentor" in roles
    member.is_mentee = "mentee" in roles
    member.is_peer = "peer" in roles
    db.add(member)
    db.flush()
    return member


def is_admin(db: Session, employee_id: int) -> bool:
    """Whether this active employee administers programs."""
    employee = db.get(models.Employee, employee_id)
    return bool(employee and employee.is_active and employee.is_admin)
