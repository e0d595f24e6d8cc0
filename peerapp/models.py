"""Database tables of peerapp.

Every rule that the database can hold on its own is declared here as a
constraint or an index, so that two server processes cannot break it even if
both pass the checks in the service layer at the same moment.
"""

from __future__ import annotations

import enum
from datetime import datetime

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
    CANCELLED = "cancelled"


class PairingStatus(enum.StrEnum):
    """A pairing is active until one side ends it."""

    ACTIVE = "active"
    ENDED = "ended"


class Program(SQLModel, table=True):
    """A company's mentoring program."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX)
    kind: str = Field(default=ProgramKind.EVERGREEN.value, max_length=16)
    peer_mentorship_enabled: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.CheckConstraint("kind in ('evergreen', 'cohort')", name="ck_program_kind"),
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
    joined_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("program_id", "employee_id", name="uq_membership_program_employee"),
    )


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of its token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    employee_id: int = Field(foreign_key="employee.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


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
    closed_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="employee.id")
    close_reason: str = Field(default="", max_length=REASON_MAX)

    __table_args__ = (
        sa.CheckConstraint("sender_id <> recipient_id", name="ck_request_not_self"),
        sa.CheckConstraint("person_low_id < person_high_id", name="ck_request_pair_order"),
        sa.CheckConstraint(
            "status in ('pending', 'accepted', 'declined', 'withdrawn', 'cancelled')",
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

    __table_args__ = (
        sa.CheckConstraint("person_low_id < person_high_id", name="ck_pairing_pair_order"),
        sa.CheckConstraint("status in ('active', 'ended')", name="ck_pairing_status"),
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
