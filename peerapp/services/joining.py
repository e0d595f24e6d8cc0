"""Which programs a person sees, joining one with their roles, and the current program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp import models
from peerapp.models import Employee, Membership, Program
from peerapp.services import programs, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

# Programs are few (tens in a large company): the list is bounded all the same.
CATALOGUE_LIMIT = 200


@dataclass(frozen=True)
class ProgramCard:
    """One program as the /programs page lists it for one person."""

    id: int
    name: str
    description: str
    kind: str
    starts_on: date | None
    ends_on: date | None
    archived: bool
    closed_reason: str | None  # why nothing new starts in it now; None while open
    peer_enabled: bool
    mentoring_enabled: bool
    themes: list[str]
    members: int
    roles: list[str]  # the person's roles in it; empty when not a member
    is_member: bool
    is_current: bool


@dataclass(frozen=True)
class Catalogue:
    """The person's programs, those they can join, and (for admins) the others."""

    mine: list[ProgramCard]
    joinable: list[ProgramCard]
    others: list[ProgramCard]


def catalogue(db: Session, *, employee_id: int, current_program_id: int) -> Catalogue:
    """Programs for the /programs page: admins also see every other program."""
    employee = db.get(Employee, employee_id)
    if employee is None or not employee.is_active:
        raise Refused("That account does not exist.")
    counts = (
        select(col(Membership.program_id), sa.func.count().label("members"))
        .join(Employee, col(Employee.id) == col(Membership.employee_id))
        .where(col(Employee.is_active))
        .group_by(col(Membership.program_id))
        .subquery()
    )
    rows = db.exec(
        select(Program, Membership, counts.c.members)
        .outerjoin(
            Membership,
            sa.and_(
                col(Membership.program_id) == col(Program.id),
                col(Membership.employee_id) == employee_id,
            ),
        )
        .outerjoin(counts, counts.c.program_id == col(Program.id))
        .order_by(col(Program.archived_at).is_not(None), sa.func.lower(col(Program.name)))
        .limit(CATALOGUE_LIMIT)
    ).all()
    mine: list[ProgramCard] = []
    joinable: list[ProgramCard] = []
    others: list[ProgramCard] = []
    for program, member, members in rows:
        card = _card(program, member, members or 0, current_program_id)
        if member is not None:
            mine.append(card)
        elif card.closed_reason is None:
            joinable.append(card)
        elif employee.is_admin:
            others.append(card)
    return Catalogue(mine=mine, joinable=joinable, others=others)


def _card(
    program: Program, member: Membership | None, members: int, current_program_id: int
) -> ProgramCard:
    return ProgramCard(
        id=id_of(program),
        name=program.name,
        description=program.description,
        kind=program.kind,
        starts_on=program.starts_on,
        ends_on=program.ends_on,
        archived=program.archived_at is not None,
        closed_reason=programs.closed_because(program),
        peer_enabled=program.peer_mentorship_enabled,
        mentoring_enabled=program.mentoring_enabled,
        themes=programs.themes_of(program),
        members=members,
        roles=programs.roles_of(member),
        is_member=member is not None,
        is_current=id_of(program) == current_program_id,
    )


def offered_roles(program: Program) -> list[str]:
    """The roles one can register with in this program: peer only while peer pairing is on."""
    roles = []
    if program.mentoring_enabled:
        roles += ["mentor", "mentee"]
    if program.peer_mentorship_enabled:
        roles.append("peer")
    return roles


def join_program(
    db: Session,
    *,
    program_id: object,
    employee_id: int,
    roles: object,
    capacity: object = models.DEFAULT_CAPACITY,
    mentee_capacity: object = models.DEFAULT_MENTEE_CAPACITY,
    themes: object = (),
) -> Change:
    """Register in a program with roles, places and themes; it becomes the current program."""
    program_id = validation.identifier(program_id, "program")
    wanted = programs.parse_roles(roles)
    peer_places = validation.whole_number(capacity, "Peer places", 0, models.CAPACITY_MAX)
    mentee_places = validation.whole_number(
        mentee_capacity, "Mentee places", 0, models.CAPACITY_MAX
    )
    with unit_of_work(db):
        program = programs.get_program(db, program_id)
        programs.require_open(program)
        if not wanted:
            raise Refused("Choose at least one role: mentor, mentee or peer.")
        unavailable = sorted(wanted - set(offered_roles(program)))
        if unavailable:
            raise Refused(f"{program.name} does not offer the {unavailable[0]} role right now.")
        chosen = validation.choices(
            themes, "Themes", programs.themes_of(program), models.THEMES_MAX
        )
        if programs.membership(db, program_id, employee_id) is not None:
            raise Refused(f"You are in {program.name} already: change your roles on your profile.")
        member = programs.set_roles(
            db, program_id=program_id, employee_id=employee_id, roles=wanted
        )
        member.capacity = peer_places
        member.mentee_capacity = mentee_places
        member.themes = "\n".join(chosen)
        db.add(member)
        _remember(db, employee_id, program_id)
    return Change(told=frozenset({employee_id}))


def choose_program(db: Session, *, employee_id: int, program_id: object) -> Program:
    """Make a program the person's current one: one they belong to (admins: any)."""
    program_id = validation.identifier(program_id, "program")
    with unit_of_work(db):
        program = db.get(Program, program_id)
        allowed = program is not None and (
            programs.membership(db, program_id, employee_id) is not None
            or programs.is_admin(db, employee_id)
        )
        if program is None or not allowed:
            raise Refused("That program does not exist, or you are not in it.")
        _remember(db, employee_id, program_id)
    db.refresh(program)
    return program


def _remember(db: Session, employee_id: int, program_id: int) -> None:
    db.execute(
        sa.update(Employee)
        .where(col(Employee.id) == employee_id)
        .values(current_program_id=program_id)
    )


def switcher(db: Session, *, employee_id: int) -> list[tuple[int, str]]:
    """(id, name) of the programs the navigation's switcher lists for the person.

    Their programs; admins also every program that is not archived.
    """
    mine = select(col(Membership.program_id)).where(col(Membership.employee_id) == employee_id)
    condition: sa.ColumnElement[bool] = col(Program.id).in_(mine)
    if programs.is_admin(db, employee_id):
        condition = sa.or_(condition, col(Program.archived_at).is_(None))
    rows = db.exec(
        select(col(Program.id), col(Program.name))
        .where(condition)
        .order_by(sa.func.lower(col(Program.name)), col(Program.id))
        .limit(CATALOGUE_LIMIT)
    ).all()
    return [(program_id, name) for program_id, name in rows if program_id is not None]
