"""Server secrets: a random key per purpose, shared by every worker through the database.

The first is the key that names people's live channels, so that nobody can
guess (or claim) another person's channel token.

Revision ID: c3d9e1f2a7b8
Revises: b7c1e2d3f4a5
Create Date: 2026-12-01 17:10:00.000000

"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "c3d9e1f2a7b8"
down_revision: str | Sequence[str] | None = "b7c1e2d3f4a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    table = op.create_table(
        "serversecret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("purpose"),
    )
    # Made here, once, so that no event of a running app has to create it.
    op.bulk_insert(
        table,
        [
            {
                "purpose": "live-channels",
                "value": secrets.token_hex(32),
                "created_at": datetime.now(UTC),
            }
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("serversecret")
