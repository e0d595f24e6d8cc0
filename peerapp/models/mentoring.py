"""Programs, the people in them, and the requests and pairings between them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from peerapp.clock import utcnow
from peerapp.models.kinds import (
    PairingKind,
    PairingStatus,
    ProgramKind,
    RequestStatus,
)
from peerapp.models.table import table_of

NAME_MAX = 120
EMAIL_MAX = 254
TEXT_SHORT = 120
BIO_MAX = 1000
SKILLS_MAX = 500
MESSAGE_MAX = 500
REASON_MAX = 300
FEEDBACK_MAX = 1000
DEFAULT_OPEN_REQUEST_LIMIT = 5
DEFAULT_EXPIRY_DAYS = 14
# A pending request's recipient is reminded this many days before it expires.
DEFAULT_REMINDER_DAYS = 3
DEFAULT_CAPACITY = 3
DEFAULT_MENTEE_CAPACITY = 2
# Most places of one kind a member may offer.
CAPACITY_MAX = 20
DESCRIPTION_MAX = 1000
THEME_MAX = 120
THEMES_MAX = 12
REQUEST_THEMES_MAX = 3
# One theme a line: a theme may hold a comma ("functional or soft-skill sharing").
THEMES_TEXT_MAX = THEMES_MAX * (THEME_MAX + 1)
DEFAULT_THEMES = (
    "Discussing shared experiences",
    "Strategizing solutions to workplace challenges",
    "Keeping one another accountable through career milestones and goals",
    "Learning about other business functions",
    "Functional or soft-skill sharing",
)


class Program(SQLModel, table=True):
    """A company's mentoring program, with the pairing types it allows.

    A cohort runs from ``starts_on`` to ``ends_on`` (both days included); an
    evergreen program has neither. An archived program is read-only history.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    kind: str = Field(default=ProgramKind.EVERGREEN.value, max_length=16)
    starts_on: date | None = None
    ends_on: date | None = None
    peer_mentorship_enabled: bool = Field(default=True)
    mentoring_enabled: bool = Field(default=True)
    themes: str = Field(default="\n".join(DEFAULT_THEMES), max_length=THEMES_TEXT_MAX)
    open_request_limit: int = Field(default=DEFAULT_OPEN_REQUEST_LIMIT)
    request_expiry_days: int = Field(default=DEFAULT_EXPIRY_DAYS)
    reminder_days: int = Field(default=DEFAULT_REMINDER_DAYS)
    created_at: datetime = Field(default_factory=utcnow)
    archived_at: datetime | None = None
    # When a cohort's end was applied (its pairings completed): done once.
    closed_at: datetime | None = None

    __table_args__ = (
        sa.CheckConstraint("kind in ('evergreen', 'cohort')", name="ck_program_kind"),
        sa.CheckConstraint(
            "(kind = 'evergreen' AND starts_on IS NULL AND ends_on IS NULL) OR "
            "(kind = 'cohort' AND starts_on IS NOT NULL AND ends_on IS NOT NULL "
            "AND starts_on <= ends_on)",
            name="ck_program_dates",
        ),
        sa.CheckConstraint("open_request_limit >= 1", name="ck_program_open_request_limit"),
        sa.CheckConstraint("request_expiry_days >= 1", name="ck_program_expiry_days"),
        sa.CheckConstraint("reminder_days >= 1", name="ck_program_reminder_days"),
    )


class Employee(SQLModel, table=True):
    """A person in the company; the password hash never leaves the server."""

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=NAME_MAX)
    email: str = Field(max_length=EMAIL_MAX, sa_column_kwargs={"unique": True})
    job_title: str = Field(default="", max_length=TEXT_SHORT)
    department: str = Field(default="", max_length=TEXT_SHORT, index=True)
    location: str = Field(default="", max_length=TEXT_SHORT)
    bio: str = Field(default="", max_length=BIO_MAX)
    skills: str = Field(default="", max_length=SKILLS_MAX)
    learning_goals: str = Field(default="", max_length=SKILLS_MAX)
    is_active: bool = Field(default=True)
    is_admin: bool = Field(default=False)
    password_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    # Set from the console; conflict rules (services/conflicts.py) ask "who reports to X".
    manager_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    # The program the person last chose to work in (the navigation's switcher).
    current_program_id: int | None = Field(default=None, foreign_key="program.id")


class Membership(SQLModel, table=True):
    """An employee's roles in one program: any combination of the three."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    is_mentor: bool = Field(default=False)
    is_mentee: bool = Field(default=False)
    is_peer: bool = Field(default=False)
    # Most active peer pairings this member takes on; 0 means none for now.
    capacity: int = Field(default=DEFAULT_CAPACITY)
    # Most mentees this member mentors at once (for mentors).
    mentee_capacity: int = Field(default=DEFAULT_MENTEE_CAPACITY)
    # Themes of the program this member would like to discuss, one a line.
    themes: str = Field(default="", max_length=THEMES_TEXT_MAX)
    # Paused members keep answering what they have but receive no new requests.
    paused: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("program_id", "employee_id", name="uq_membership_program_employee"),
        sa.CheckConstraint("capacity >= 0", name="ck_membership_capacity"),
        sa.CheckConstraint("mentee_capacity >= 0", name="ck_membership_mentee_capacity"),
        # The directory's "Recently joined" order within a program.
        sa.Index("ix_membership_program_joined", "program_id", "joined_at", "employee_id"),
    )


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index of only the rows ``where`` holds, the same on SQLite and PostgreSQL."""
    condition = sa.text(where)
    return sa.Index(
        name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition
    )


def one_per_pair_while(name: str, status: str) -> sa.Index:
    """At most one row per program, pair and kind while in ``status`` (a partial index)."""
    columns = ("program_id", "person_low_id", "person_high_id", "kind")
    return partial_index(name, *columns, where=f"status = '{status}'", unique=True)


_MENTOR_IS_ONE_OF_THE_TWO = (
    "(kind = 'peer' AND mentor_id IS NULL) OR "
    "(kind = 'mentoring' AND mentor_id IN (person_low_id, person_high_id))"
)


class PeerRequest(SQLModel, table=True):
    """One person asking another to pair: as peers, or for one to mentor the other.

    ``person_low_id``/``person_high_id`` are the two ids in ascending order, so
    that "at most one pending request of a kind between two people, in either
    direction" is a plain partial unique index. For mentoring, ``mentor_id``
    says who would mentor: the recipient (a mentee asks) or the sender (a
    mentor offers).
    """

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    sender_id: int = Field(foreign_key="employee.id", index=True)
    recipient_id: int = Field(foreign_key="employee.id", index=True)
    person_low_id: int
    person_high_id: int
    kind: str = Field(default=PairingKind.PEER.value, max_length=16)
    mentor_id: int | None = Field(default=None, foreign_key="employee.id")
    message: str = Field(default="", max_length=MESSAGE_MAX)
    themes: str = Field(default="", max_length=REQUEST_THEMES_MAX * (THEME_MAX + 1))
    status: str = Field(default=RequestStatus.PENDING.value, max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = Field(default=None, index=True)
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="employee.id")
    close_reason: str = Field(default="", max_length=REASON_MAX)

    __table_args__ = (
        sa.CheckConstraint("sender_id <> recipient_id", name="ck_request_not_self"),
        sa.CheckConstraint("person_low_id < person_high_id", name="ck_request_pair_order"),
        sa.CheckConstraint(
            "status in ('pending', 'accepted', 'declined', 'withdrawn', 'expired', 'cancelled')",
            name="ck_request_status",
        ),
        sa.CheckConstraint("kind in ('peer', 'mentoring')", name="ck_request_kind"),
        sa.CheckConstraint(_MENTOR_IS_ONE_OF_THE_TWO, name="ck_request_mentor"),
        one_per_pair_while("uq_request_one_pending_per_pair", "pending"),
    )


class Pairing(SQLModel, table=True):
    """Two people working together, formed when a request is accepted.

    Peers guide each other; in a mentoring pairing ``mentor_id`` mentors the other.
    """

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="peerrequest.id")
    person_low_id: int = Field(foreign_key="employee.id", index=True)
    person_high_id: int = Field(foreign_key="employee.id", index=True)
    kind: str = Field(default=PairingKind.PEER.value, max_length=16)
    mentor_id: int | None = Field(default=None, foreign_key="employee.id")
    status: str = Field(default=PairingStatus.ACTIVE.value, max_length=16)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    ended_by_id: int | None = Field(default=None, foreign_key="employee.id")
    # Private to the person who ended the pairing (and admins); never shown to the partner.
    end_outcome: str = Field(default="", max_length=16)
    end_feedback: str = Field(default="", max_length=FEEDBACK_MAX)

    __table_args__ = (
        sa.CheckConstraint("person_low_id < person_high_id", name="ck_pairing_pair_order"),
        sa.CheckConstraint("status in ('active', 'ended')", name="ck_pairing_status"),
        sa.CheckConstraint(
            "end_outcome in ('', 'completed', 'not_a_fit')", name="ck_pairing_end_outcome"
        ),
        sa.CheckConstraint("kind in ('peer', 'mentoring')", name="ck_pairing_kind"),
        sa.CheckConstraint(_MENTOR_IS_ONE_OF_THE_TWO, name="ck_pairing_mentor"),
        one_per_pair_while("uq_pairing_one_active_per_pair", "active"),
    )


class RequestEvent(SQLModel, table=True):
    """One transition of a peer request. Append-only: rows are never changed."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="peerrequest.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="employee.id")
    at: datetime = Field(default_factory=utcnow)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    reason: str = Field(default="", max_length=REASON_MAX)


# The database itself refuses to rewrite history, whoever connects.
_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER requestevent_no_update BEFORE UPDATE ON requestevent "
        "BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
        "CREATE TRIGGER requestevent_no_delete BEFORE DELETE ON requestevent "
        "BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION requestevent_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'request history is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER requestevent_no_change BEFORE UPDATE OR DELETE ON requestevent "
        "FOR EACH ROW EXECUTE FUNCTION requestevent_append_only()",
    ],
}


def append_only_ddl(dialect: str) -> list[str]:
    """Statements that make the history table append-only on this dialect."""
    return _APPEND_ONLY.get(dialect, [])


@sa.event.listens_for(table_of(RequestEvent), "after_create")
def _make_history_append_only(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    for statement in append_only_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
