"""The Table behind a model class.

SQLModel gives every ``table=True`` class its ``__table__`` when the class is
created, but its type stubs do not declare it: this reads it with its type.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> sa.Table:
    """The ``Table`` of a ``table=True`` model (TypeError for any other class)."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table
