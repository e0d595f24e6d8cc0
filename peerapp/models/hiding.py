"""People someone chose not to see in their own directory results."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from peerapp.clock import utcnow


class HiddenPerson(SQLModel, table=True):
    """``viewer_id`` hid ``hidden_id`` from their directory results (private to the viewer).

    The unique pair is also the index every read uses: its leading column
    answers "whom did this viewer hide" (the profile's list), the whole pair
    "did this viewer hide this person" (the directory's NOT EXISTS).
    """

    id: int | None = Field(default=None, primary_key=True)
    viewer_id: int = Field(foreign_key="employee.id")
    hidden_id: int = Field(foreign_key="employee.id")
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("viewer_id", "hidden_id", name="uq_hiddenperson_viewer_hidden"),
        sa.CheckConstraint("viewer_id <> hidden_id", name="ck_hiddenperson_not_self"),
    )
