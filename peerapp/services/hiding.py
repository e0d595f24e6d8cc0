"""Hiding a person from your own directory results, and showing them again.

Hiding is private and one-sided: the hidden person is not told, can still
find and contact the viewer, and nothing else changes (requests and pairings
stay as they are). Everyone acts only for themselves: the viewer's id always
comes from the signed-in session, the person's id is browser input.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, HiddenPerson
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.unit import Change, unit_of_work

# Most people one person may hide: the profile lists them all, so the list stays bounded.
HIDDEN_MAX = 200


@dataclass(frozen=True)
class HiddenItem:
    """A hidden person as the viewer's profile lists them."""

    id: int
    full_name: str
    job_title: str
    department: str


@dataclass(frozen=True, kw_only=True)
class HidingChange(Change):
    """Whom a hide or unhide was about; ``changed``: False when it was already so."""

    person: HiddenItem
    changed: bool = True


def _item(person: Employee) -> HiddenItem:
    return HiddenItem(id_of(person), person.full_name, person.job_title, person.department)


def _person(db: Session, person_id: int) -> Employee | None:
    return db.exec(select(Employee).where(col(Employee.id) == person_id)).first()


def hide(db: Session, *, viewer_id: int, person_id: object) -> HidingChange:
    """Leave ``person_id`` out of the viewer's directory results; hiding twice changes nothing."""
    person_id = validation.identifier(person_id, "person")
    if person_id == viewer_id:
        raise Refused("You can't hide yourself from your own results.")
    with unit_of_work(db):
        person = _person(db, person_id)
        if person is None or not person.is_active:
            raise Refused("That person is not in the directory.")
        # Read before the commit: reading after would open a new transaction (on SQLite,
        # the write lock) that lasts until the session ends.
        item = _item(person)
        already = db.exec(
            select(col(HiddenPerson.id)).where(
                col(HiddenPerson.viewer_id) == viewer_id, col(HiddenPerson.hidden_id) == person_id
            )
        ).first()
        if already is not None:
            return HidingChange(person=item, changed=False, told=frozenset({viewer_id}))
        count = db.exec(
            select(sa.func.count()).where(col(HiddenPerson.viewer_id) == viewer_id)
        ).one()
        if count >= HIDDEN_MAX:
            raise Refused(
                f"You have hidden {count} people, the most there can be. Show someone "
                "again on your profile first."
            )
        # A second click racing this one: the unique pair keeps one row, and neither fails.
        changed = db.execute(_insert_once(db, viewer_id, person_id)).first() is not None
    return HidingChange(person=item, changed=changed, told=frozenset({viewer_id}))


def _insert_once(db: Session, viewer_id: int, person_id: int) -> sa.Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: a row back means it was added."""
    values = {"viewer_id": viewer_id, "hidden_id": person_id, "created_at": utcnow()}
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    return (
        insert(HiddenPerson)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["viewer_id", "hidden_id"])
        .returning(col(HiddenPerson.id))
    )


def unhide(db: Session, *, viewer_id: int, person_id: object) -> HidingChange:
    """Show ``person_id`` in the viewer's results again; showing twice changes nothing."""
    person_id = validation.identifier(person_id, "person")
    with unit_of_work(db):
        person = _person(db, person_id)
        if person is None:
            raise Refused("That person does not exist.")
        item = _item(person)
        changed = rows_changed(
            db,
            sa.delete(HiddenPerson).where(
                col(HiddenPerson.viewer_id) == viewer_id, col(HiddenPerson.hidden_id) == person_id
            ),
        )
    return HidingChange(person=item, changed=changed > 0, told=frozenset({viewer_id}))


def hidden_people(db: Session, *, viewer_id: int) -> list[HiddenItem]:
    """Whom the viewer hid and who is still active, by name (at most ``HIDDEN_MAX``)."""
    rows = db.exec(
        select(Employee)
        .join(HiddenPerson, col(HiddenPerson.hidden_id) == col(Employee.id))
        .where(col(HiddenPerson.viewer_id) == viewer_id, col(Employee.is_active).is_(True))
        .order_by(sa.func.lower(col(Employee.full_name)), col(Employee.id))
        .limit(HIDDEN_MAX)
    ).all()
    return [_item(person) for person in rows]


def not_hidden_by(viewer_id: int) -> sa.ColumnElement[bool]:
    """SQL: the ``Employee`` row of the enclosing query is not one ``viewer_id`` hid.

    AND it into any query over ``Employee`` (the directory's search): a NOT
    EXISTS on the (viewer, person) unique index, which the database runs as
    an anti-join over the viewer's few hidden rows.
    """
    viewer_id = validation.identifier(viewer_id, "person")
    return ~sa.exists().where(
        col(HiddenPerson.viewer_id) == viewer_id,
        col(HiddenPerson.hidden_id) == col(Employee.id),
    )
