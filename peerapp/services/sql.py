"""Two small typed helpers for the services' SQL.

Model columns are declared with Python types (``Employee.id: int | None``), so
a type checker sees a loaded row's id as possibly None and an UPDATE's result
without a row count. These say what the services know at those points.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import sqlalchemy as sa
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
