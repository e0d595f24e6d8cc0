"""Conflicts of interest: nobody pairs with someone in their reporting line.

A person's reporting line is their manager, their manager's manager and their
direct reports. Pairing is mutual, so the rule holds from both sides: two
people are in one line when either is the other's manager or manager's
manager. Seen from one person that also takes in their reports' reports (to
whom they are the manager's manager). It holds for every pairing kind: peers,
and mentoring in either direction.

The same rule is written twice: ``in_reporting_line`` decides for two people
(requests refuse), ``not_in_reporting_line`` is its SQL form over a whole
query of people (the directory leaves them out). The tests hold the two
together. Managers are set from the console (``set_manager``), which refuses a
cycle so that walking up a line always ends.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from peerapp.models import Employee
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import unit_of_work

# How far up a line reaches (the manager, then the manager's manager).
LEVELS_UP = 2
# No real organisation is this deep; a longer walk means the data is broken.
CHAIN_MAX = 1000
# The aliases are built once: making one (and its columns) costs more than the query it serves.
_PERSON, _BOSS = aliased(Employee), aliased(Employee)


def _lines(db: Session, people: list[int]) -> dict[int, list[int]]:
    """For each of ``people``: their manager and manager's manager, all in one query."""
    person, boss = _PERSON, _BOSS
    rows = db.execute(
        sa.select(col(person.id), col(person.manager_id), col(boss.manager_id))
        .select_from(person)
        .outerjoin(boss, col(boss.id) == col(person.manager_id))
        .where(col(person.id).in_(people))
    ).all()
    return {
        found: [manager for manager in managers if manager is not None][:LEVELS_UP]
        for found, *managers in rows
    }


def in_reporting_line(db: Session, first_id: int, second_id: int) -> bool:
    """Whether either person is the other's manager or manager's manager."""
    if first_id == second_id:
        return False
    lines = _lines(db, [first_id, second_id])
    return second_id in lines.get(first_id, []) or first_id in lines.get(second_id, [])


def refuse_reporting_line(db: Session, actor_id: int, other: Employee) -> None:
    """Refuse a pairing between ``actor_id`` and ``other`` if they are in one reporting line."""
    if in_reporting_line(db, actor_id, id_of(other)):
        raise Refused(f"You can't pair with {other.full_name}: they are in your reporting line.")


_ME, _REPORT = aliased(Employee), aliased(Employee)


def not_in_reporting_line(viewer_id: int) -> sa.ColumnElement[bool]:
    """SQL: the ``Employee`` row of the enclosing query is not in ``viewer_id``'s line.

    AND it into any query over ``Employee`` (the directory's search). It leaves
    out at most the viewer's manager and manager's manager (two primary-key
    lookups), their direct reports (the row's own ``manager_id``) and their
    reports' reports (one lookup on the ``manager_id`` index): each subquery
    runs once per query, not per row, so it stays cheap at a million people.
    Never NULL, so it can also be negated. The viewer themselves is not left out.
    """
    viewer_id = validation.identifier(viewer_id, "person")
    me, boss, report = _ME, _BOSS, _REPORT
    managers = sa.union_all(
        select(col(me.manager_id)).where(col(me.id) == viewer_id, col(me.manager_id).is_not(None)),
        select(col(boss.manager_id))
        .join(me, col(me.manager_id) == col(boss.id))
        .where(col(me.id) == viewer_id, col(boss.manager_id).is_not(None)),
    )
    reports = select(col(report.id)).where(col(report.manager_id) == viewer_id)
    return sa.and_(
        col(Employee.id).not_in(managers),
        sa.or_(
            col(Employee.manager_id).is_(None),
            sa.and_(
                col(Employee.manager_id) != viewer_id,
                col(Employee.manager_id).not_in(reports),
            ),
        ),
    )


def _account(db: Session, email: object, missing: str) -> Employee:
    """The employee with this email, or a refusal that says ``missing`` about the address."""
    address = validation.email(email)
    person = db.exec(select(Employee).where(col(Employee.email) == address)).first()
    if person is None:
        raise Refused(f"There is no account with {address}{missing}.")
    return person


def _chain_above(db: Session, person_id: int) -> list[int]:
    """Everyone above ``person_id``, nearest first (stops at a repeat: broken data)."""
    chain: list[int] = []
    current: int | None = person_id
    while current is not None and len(chain) < CHAIN_MAX:
        current = db.exec(
            select(col(Employee.manager_id)).where(col(Employee.id) == current)
        ).first()
        if current is None or current in chain:
            break
        chain.append(current)
    return chain


def set_manager(db: Session, *, email: object, manager_email: object | None) -> Employee:
    """Make ``manager_email`` the manager of ``email`` (``None``: nobody), refusing cycles.

    A person cannot manage themselves, nor be managed by someone they are above
    (however far): every line must end at someone without a manager.
    """
    with unit_of_work(db):
        person = _account(db, email, "")
        manager_id: int | None = None
        if manager_email is not None:
            manager = _account(db, manager_email, " to be the manager")
            if id_of(manager) == id_of(person):
                raise Refused(f"{person.full_name} cannot be their own manager.")
            if id_of(person) in _chain_above(db, id_of(manager)):
                raise Refused(
                    f"{manager.full_name} reports to {person.full_name} (directly or further "
                    "down the line), so cannot be their manager."
                )
            manager_id = id_of(manager)
        person.manager_id = manager_id
        db.add(person)
    db.refresh(person)
    return person
