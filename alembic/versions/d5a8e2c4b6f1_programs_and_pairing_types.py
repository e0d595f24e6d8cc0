"""Programs and pairing types: cohorts, themes, archiving; mentoring requests and pairings.

The existing program stays an Evergreen program with peer and mentor-mentee
pairing on and the five default themes; every existing request and pairing is
a peer one.

Revision ID: d5a8e2c4b6f1
Revises: c3d9e1f2a7b8
Create Date: 2026-12-01 20:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "d5a8e2c4b6f1"
down_revision: str | Sequence[str] | None = "c3d9e1f2a7b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of peerapp.models at the time of this migration.
DEFAULT_THEMES = "\n".join(
    (
        "Discussing shared experiences",
        "Strategizing solutions to workplace challenges",
        "Keeping one another accountable through career milestones and goals",
        "Learning about other business functions",
        "Functional or soft-skill sharing",
    )
)
THEMES_TEXT_MAX = 12 * 121
REQUEST_THEMES_TEXT_MAX = 3 * 121
MENTOR_IS_ONE_OF_THE_TWO = (
    "(kind = 'peer' AND mentor_id IS NULL) OR "
    "(kind = 'mentoring' AND mentor_id IN (person_low_id, person_high_id))"
)
PAIR_INDEXES = {
    "peerrequest": ("uq_request_one_pending_per_pair", "pending"),
    "pairing": ("uq_pairing_one_active_per_pair", "active"),
}


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _pair_index(table: str, with_kind: bool) -> None:
    name, status = PAIR_INDEXES[table]
    columns = ["program_id", "person_low_id", "person_high_id"] + (["kind"] if with_kind else [])
    where = sa.text(f"status = '{status}'")
    op.create_index(
        name, table, columns, unique=True, sqlite_where=where, postgresql_where=where
    )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("program") as batch:
        batch.add_column(sa.Column("description", _text(1000), server_default="", nullable=False))
        batch.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("mentoring_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "themes", _text(THEMES_TEXT_MAX), server_default=DEFAULT_THEMES, nullable=False
            )
        )
        batch.add_column(
            sa.Column("archived_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.create_check_constraint(
            "ck_program_dates",
            "(kind = 'evergreen' AND starts_on IS NULL AND ends_on IS NULL) OR "
            "(kind = 'cohort' AND starts_on IS NOT NULL AND ends_on IS NOT NULL "
            "AND starts_on <= ends_on)",
        )

    with op.batch_alter_table("employee") as batch:
        batch.add_column(sa.Column("manager_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("current_program_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_employee_manager", "employee", ["manager_id"], ["id"])
        batch.create_foreign_key(
            "fk_employee_current_program", "program", ["current_program_id"], ["id"]
        )

    with op.batch_alter_table("membership") as batch:
        batch.add_column(
            sa.Column("mentee_capacity", sa.Integer(), server_default=sa.text("2"), nullable=False)
        )
        batch.add_column(
            sa.Column("themes", _text(THEMES_TEXT_MAX), server_default="", nullable=False)
        )
        batch.create_check_constraint("ck_membership_mentee_capacity", "mentee_capacity >= 0")

    # The partial "one per pair" indexes are rebuilt with the kind in them; they are
    # dropped before the batches (SQLite rebuilds the tables) and made again after.
    for table, (name, _status) in PAIR_INDEXES.items():
        op.drop_index(name, table_name=table)
    for table, prefix in (("peerrequest", "request"), ("pairing", "pairing")):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("kind", _text(16), server_default="peer", nullable=False))
            batch.add_column(sa.Column("mentor_id", sa.Integer(), nullable=True))
            if table == "peerrequest":
                batch.add_column(
                    sa.Column(
                        "themes", _text(REQUEST_THEMES_TEXT_MAX), server_default="", nullable=False
                    )
                )
            batch.create_foreign_key(f"fk_{prefix}_mentor", "employee", ["mentor_id"], ["id"])
            batch.create_check_constraint(f"ck_{prefix}_kind", "kind in ('peer', 'mentoring')")
            batch.create_check_constraint(f"ck_{prefix}_mentor", MENTOR_IS_ONE_OF_THE_TWO)
    for table in PAIR_INDEXES:
        _pair_index(table, with_kind=True)


def downgrade() -> None:
    """Downgrade schema (mentoring requests and pairings are dropped first)."""
    for table in PAIR_INDEXES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE kind <> 'peer'"))
        op.drop_index(PAIR_INDEXES[table][0], table_name=table)
    for table, prefix in (("peerrequest", "request"), ("pairing", "pairing")):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"ck_{prefix}_mentor", type_="check")
            batch.drop_constraint(f"ck_{prefix}_kind", type_="check")
            batch.drop_constraint(f"fk_{prefix}_mentor", type_="foreignkey")
            if table == "peerrequest":
                batch.drop_column("themes")
            batch.drop_column("mentor_id")
            batch.drop_column("kind")
    for table in PAIR_INDEXES:
        _pair_index(table, with_kind=False)
    with op.batch_alter_table("membership") as batch:
        batch.drop_constraint("ck_membership_mentee_capacity", type_="check")
        batch.drop_column("themes")
        batch.drop_column("mentee_capacity")
    with op.batch_alter_table("employee") as batch:
        batch.drop_constraint("fk_employee_current_program", type_="foreignkey")
        batch.drop_constraint("fk_employee_manager", type_="foreignkey")
        batch.drop_column("current_program_id")
        batch.drop_column("manager_id")
    with op.batch_alter_table("program") as batch:
        batch.drop_constraint("ck_program_dates", type_="check")
        for column in (
            "closed_at",
            "archived_at",
            "themes",
            "mentoring_enabled",
            "ends_on",
            "starts_on",
            "description",
        ):
            batch.drop_column(column)
