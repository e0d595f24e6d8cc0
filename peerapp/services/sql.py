"""Small helpers for the services' SQL.

Model columns are declared with Python types (``Employee.id: int | None``), so
a type checker sees a loaded row's id as possibly None and an UPDATE's result
without a row count. These say what the services know at those points.

A list of ids goes to PostgreSQL as one array (``any_id``): a statement's text is
then the same for any number of ids, so the driver prepares it once and the
server plans it once, where ``IN (…)`` made a new statement of every list.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Delete, Update
from sqlmodel import Session


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """The primary key of a row read from the database (or flushed to it)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed")
    return row.id


def rows_changed(db: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE; how many rows it changed."""
    return cast(sa.CursorResult[Any], db.execute(statement)).rowcount


def any_id(db: Session, column: Any, ids: list[int]) -> sa.ColumnElement[bool]:
    """``column`` is one of ``ids`` (see the module docstring)."""
    if db.get_bind().dialect.name != "postgresql":
        return cast(sa.ColumnElement[bool], column.in_(ids))
    return cast(sa.ColumnElement[bool], column == sa.any_(_ids(ids)))


def no_id(db: Session, column: Any, ids: list[int]) -> sa.ColumnElement[bool]:
    """``column`` is none of ``ids`` (see the module docstring)."""
    if db.get_bind().dialect.name != "postgresql":
        return cast(sa.ColumnElement[bool], column.not_in(ids))
    return cast(sa.ColumnElement[bool], column != sa.all_(_ids(ids)))


def _ids(ids: list[int]) -> Any:
    return sa.bindparam(None, list(ids), type_=postgresql.ARRAY(sa.Integer))
