"""Programs, and the roles each employee holds in one."""

from __future__ import annotations

from sqlmodel import Session, col, select

from peerapp import models
from peerapp.models import Employee, Membership, Program, ProgramKind
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.unit import unit_of_work

ROLES: tuple[str, ...] = ("mentor", "mentee", "peer")
DEFAULT_PROGRAM_NAME = "Evergreen mentoring"


def create_program(db: Session, name: str, kind: str = ProgramKind.EVERGREEN.value) -> Program:
    """A new program; peer mentorship starts on in evergreen programs, off in cohorts."""
    if kind not in {k.value for k in ProgramKind}:
        raise Refused("A program is either evergreen or cohort.")
    program = Program(
        name=validation.text(name, "Program name", models.NAME_MAX, required=True, one_line=True),
        kind=kind,
        peer_mentorship_enabled=kind == ProgramKind.EVERGREEN.value,
    )
    with unit_of_work(db):
        db.add(program)
    db.refresh(program)
    return program


def default_program(db: Session) -> Program:
    """The program the UI works on: the oldest one, created on first use."""
    program = db.exec(select(Program).order_by(col(Program.id)).limit(1)).first()
    return program if program is not None else create_program(db, DEFAULT_PROGRAM_NAME)


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
