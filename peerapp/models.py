"""Database tables of peerapp.

Every rule that the database can hold on its own is declared here as a
constraint or an index, so that two server processes cannot break it even if
both pass the checks in the service layer at the same moment.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from peerapp.clock import utcnow

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
DEFAULT_CAPACITY = 3


class ProgramKind(enum.StrEnum):
    """Evergreen programs are always open; cohort programs run for a period."""

    EVERGREEN = "evergreen"
    COHORT = "cohort"


class RequestStatus(enum.StrEnum):
    """Lifecycle of a peer request; everything except PENDING is final."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PairingStatus(enum.StrEnum):
    """A pairing is active until one side ends it."""

    ACTIVE = "active"
    ENDED = "ended"


class PairingOutcome(enum.StrEnum):
    """How the person ending a pairing describes it (kept private)."""

    COMPLETED = "completed"
    NOT_A_FIT = "not_a_fit"


class Program(SQLModel, table=True):
    """A company's mentoring program."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    kind: str = Field(default=ProgramKind.EVERGREEN.value, max_length=16)
    peer_mentorship_enabled: bool = Field(default=True)
    open_request_limit: int = Field(default=DEFAULT_OPEN_REQUEST_LIMIT)
    request_expiry_days: int = Field(default=DEFAULT_EXPIRY_DAYS)
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.CheckConstraint("kind in ('evergreen', 'cohort')", name="ck_program_kind"),
        sa.CheckConstraint("open_request_limit >= 1", name="ck_program_open_request_limit"),
        sa.CheckConstraint("request_expiry_days >= 1", name="ck_program_expiry_days"),
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
    # Paused members keep answering what they have but receive no new requests.
    paused: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("program_id", "employee_id", name="uq_membership_program_employee"),
        sa.CheckConstraint("capacity >= 0", name="ck_membership_capacity"),
    )


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of its token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    employee_id: int = Field(foreign_key="employee.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ServerSecret(SQLModel, table=True):
    """A random key the server keeps to itself, one row per purpose.

    Every worker reads the same row, so keys derived from it (such as the
    names of people's live channels) agree across processes without any
    configuration. It never leaves the server.
    """

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=40, sa_column_kwargs={"unique": True})
    value: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


class SsoTicket(SQLModel, table=True):
    """A one-time, short-lived hand-over from the SSO callback to the app's sign-in.

    The browser carries the ticket for a few seconds; only its hash is stored and
    ``used_at`` is set exactly once, when it is exchanged for a session.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    employee_id: int = Field(foreign_key="employee.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class SignInAttempt(SQLModel, table=True):
    """One checked sign-in, for throttling across server processes.

    Only hashes of the email and of the client address are kept. Failures older
    than the throttling window are pruned as new attempts arrive; the latest
    success of each email and address is kept for PEERAPP_SIGN_IN_REMEMBER_DAYS
    (see services/throttle.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    email_key: str = Field(max_length=64, index=True)
    client_key: str = Field(max_length=64, index=True)
    succeeded: bool = Field(default=False)


class PeerRequest(SQLModel, table=True):
    """One person asking another to become peers.

    ``person_low_id``/``person_high_id`` are the two ids in ascending order, so
    that "at most one pending request between two people, in either direction"
    is a plain partial unique index.
    """

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    sender_id: int = Field(foreign_key="employee.id", index=True)
    recipient_id: int = Field(foreign_key="employee.id", index=True)
    person_low_id: int
    person_high_id: int
    message: str = Field(default="", max_length=MESSAGE_MAX)
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
        sa.Index(
            "uq_request_one_pending_per_pair",
            "program_id",
            "person_low_id",
            "person_high_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


class Pairing(SQLModel, table=True):
    """Two peers working together, formed when a request is accepted."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="peerrequest.id")
    person_low_id: int = Field(foreign_key="employee.id", index=True)
    person_high_id: int = Field(foreign_key="employee.id", index=True)
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
        sa.Index(
            "uq_pairing_one_active_per_pair",
            "program_id",
            "person_low_id",
            "person_high_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
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


# SQLModel gives every table=True class its Table at creation; its stubs do not say so.
@sa.event.listens_for(RequestEvent.__table__, "after_create")  # type: ignore[attr-defined]
def _make_history_append_only(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    for statement in append_only_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
