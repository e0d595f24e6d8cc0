"""Hidden people (whom each person keeps out of their directory results); an index on managers.

``hiddenperson`` holds one row per viewer and person hidden; its unique pair
also serves every read by viewer. ``ix_employee_manager_id`` makes "who
reports to X" an index lookup: the directory asks it on every search to leave
out the viewer's reporting line (services/conflicts.py).

Revision ID: e7c1a9f3d2b4
Revises: f3b8d1c6a9e2
Create Date: 2026-12-02 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "e7c1a9f3d2b4"
down_revision: str | Sequence[str] | None = "f3b8d1c6a9e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "hiddenperson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("hidden_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("viewer_id <> hidden_id", name="ck_hiddenperson_not_self"),
        sa.ForeignKeyConstraint(["hidden_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["viewer_id"], ["employee.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("viewer_id", "hidden_id", name="uq_hiddenperson_viewer_hidden"),
    )
    # A plain CREATE INDEX: a batch would rebuild employee on SQLite (and its search triggers).
    op.create_index("ix_employee_manager_id", "employee", ["manager_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_employee_manager_id", table_name="employee")
    op.drop_table("hiddenperson")
