"""Notices to email at once are written into the outbox by the mail sender, not by the request.

``notice.mailed_at`` records when the sender wrote a notice's email; the
partial index ``ix_notice_mail_waiting`` finds those still waiting. The notice,
committed with the change that causes it, is the transactional outbox's entry;
rendering the email moves off the request path.

Revision ID: 9c4e2b7d1a06
Revises: 5ff07d840149
Create Date: 2026-12-05 06:50:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "9c4e2b7d1a06"
down_revision: str | Sequence[str] | None = "5ff07d840149"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("delivery = 'at_once' AND mailed_at IS NULL")


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mailed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(
            "ix_notice_mail_waiting",
            ["id"],
            unique=False,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        )
    # Emails the outbox already holds were written by the request itself.
    op.execute("UPDATE notice SET mailed_at = created_at WHERE delivery = 'at_once'")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_mail_waiting", sqlite_where=WAITING, postgresql_where=WAITING)
        batch_op.drop_column("mailed_at")
