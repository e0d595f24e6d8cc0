"""What people are told: notices in the app, mail waiting to go out, and how each person wants it.

A ``Notice`` is one thing that happened that one person should know about. It
is written in the same transaction as the change that causes it, and so is the
``OutboxMessage`` that carries it by email: a change that rolls back leaves
neither, a change that commits leaves both (the transactional outbox). A sender
delivers the outbox afterwards, outside any request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from peerapp.clock import utcnow
from peerapp.models.mentoring import EMAIL_MAX, REASON_MAX, partial_index

SUBJECT_MAX = 200
ERROR_MAX = 500
TIME_ZONE_MAX = 64
DEFAULT_DIGEST_HOUR = 8


class NoticeCategory(enum.StrEnum):
    """What a notice is about; each person chooses a delivery per category."""

    REQUESTS_FOR_ME = "requests_for_me"
    ANSWERS = "answers"
    REMINDERS = "reminders"
    PAIRINGS = "pairings"
    PROGRAM_NEWS = "program_news"


class Delivery(enum.StrEnum):
    """How a person wants one category: email at once, in the daily digest, or in the app only."""

    AT_ONCE = "at_once"
    DIGEST = "digest"
    APP_ONLY = "app_only"


DEFAULT_DELIVERY: dict[str, str] = {
    NoticeCategory.REQUESTS_FOR_ME.value: Delivery.AT_ONCE.value,
    NoticeCategory.ANSWERS.value: Delivery.AT_ONCE.value,
    NoticeCategory.REMINDERS.value: Delivery.AT_ONCE.value,
    NoticeCategory.PAIRINGS.value: Delivery.DIGEST.value,
    NoticeCategory.PROGRAM_NEWS.value: Delivery.DIGEST.value,
}


class NoticeKind(enum.StrEnum):
    """What happened, and the ``category`` a person chooses its delivery by."""

    category: NoticeCategory

    def __new__(cls, value: str, category: NoticeCategory) -> NoticeKind:
        kind = str.__new__(cls, value)
        kind._value_ = value
        kind.category = category
        return kind

    REQUEST_RECEIVED = "request_received", NoticeCategory.REQUESTS_FOR_ME
    REQUEST_ACCEPTED = "request_accepted", NoticeCategory.ANSWERS
    REQUEST_DECLINED = "request_declined", NoticeCategory.ANSWERS
    REQUEST_EXPIRED = "request_expired", NoticeCategory.ANSWERS
    REQUEST_CANCELLED = "request_cancelled", NoticeCategory.ANSWERS
    REMINDER = "reminder", NoticeCategory.REMINDERS
    LAST_REMINDER = "last_reminder", NoticeCategory.REMINDERS
    PAIRING_STARTED = "pairing_started", NoticeCategory.PAIRINGS
    PAIRING_ENDED = "pairing_ended", NoticeCategory.PAIRINGS
    PAIRING_TYPE_OFF = "pairing_type_off", NoticeCategory.PROGRAM_NEWS


CATEGORY_OF: dict[str, str] = {kind.value: kind.category.value for kind in NoticeKind}


class OutboxStatus(enum.StrEnum):
    """Where one email is: waiting (or waiting to retry), being sent, sent, or given up on."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _one_of(column: str, values: type[enum.StrEnum]) -> str:
    listed = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} in ({listed})"


class Notice(SQLModel, table=True):
    """One thing one person should know about, as facts (the words are made when shown).

    ``delivery`` is how the person wanted this category when it happened;
    ``digested_at`` is set once a daily digest has carried it, ``mailed_at``
    once the mail sender has written its own email (delivery at once): the
    notice itself, committed with the change, is the promise of that email. A request's
    notice of one kind exists at most once per person (the unique index), so
    a reminder job running in two workers at once tells nobody twice.
    """

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id")
    kind: str = Field(max_length=24)
    category: str = Field(max_length=24)
    delivery: str = Field(max_length=16)
    program_id: int | None = Field(default=None, foreign_key="program.id")
    request_id: int | None = Field(default=None, foreign_key="peerrequest.id")
    pairing_id: int | None = Field(default=None, foreign_key="pairing.id")
    actor_id: int | None = Field(default=None, foreign_key="employee.id")
    # What a person wrote or a rule said: a decline's reason, why it was cancelled.
    detail: str = Field(default="", max_length=REASON_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    digested_at: datetime | None = None
    # When the mail sender wrote this notice's email (delivery at once).
    mailed_at: datetime | None = None

    __table_args__ = (
        sa.CheckConstraint(_one_of("kind", NoticeKind), name="ck_notice_kind"),
        sa.CheckConstraint(_one_of("category", NoticeCategory), name="ck_notice_category"),
        sa.CheckConstraint(_one_of("delivery", Delivery), name="ck_notice_delivery"),
        # A person's latest notices, newest first.
        sa.Index("ix_notice_employee_id_id", "employee_id", "id"),
        # Counting what a person has not read touches only unread rows.
        partial_index("ix_notice_unread", "employee_id", where="read_at IS NULL"),
        # The digest job reads only what still waits for a digest.
        partial_index(
            "ix_notice_digest_waiting",
            "employee_id",
            "id",
            where="delivery = 'digest' AND digested_at IS NULL",
        ),
        # The mail sender's next emails: notices to send at once, not yet written.
        partial_index(
            "ix_notice_mail_waiting", "id", where="delivery = 'at_once' AND mailed_at IS NULL"
        ),
        partial_index(
            "uq_notice_request_person_kind",
            "request_id",
            "employee_id",
            "kind",
            where="request_id IS NOT NULL",
            unique=True,
        ),
    )


class OutboxMessage(SQLModel, table=True):
    """One email, written with the change that causes it and delivered later.

    The message is stored whole (headers and both bodies), so the sender only
    delivers it. ``message_id`` is the Message-ID header: the same on every
    retry, so a receiver can drop a copy a crashed sender may have sent.
    ``lease_until`` is how long a sender that claimed it may take before
    another sender may claim it again.
    """

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    category: str = Field(max_length=24)
    to_address: str = Field(max_length=EMAIL_MAX)
    subject: str = Field(max_length=SUBJECT_MAX)
    # The whole message as RFC 5322 text (headers, plain text and HTML parts).
    content: str = Field(sa_type=sa.Text)
    message_id: str = Field(max_length=255, sa_column_kwargs={"unique": True})
    status: str = Field(default=OutboxStatus.QUEUED.value, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_error: str = Field(default="", max_length=ERROR_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    __table_args__ = (
        sa.CheckConstraint(_one_of("status", OutboxStatus), name="ck_outboxmessage_status"),
        sa.CheckConstraint("attempts >= 0", name="ck_outboxmessage_attempts"),
        # What a sender may take next: waiting messages in the order they are due.
        partial_index(
            "ix_outboxmessage_due", "next_attempt_at", "id", where="status IN ('queued', 'sending')"
        ),
        # Admins look at what failed.
        partial_index("ix_outboxmessage_failed", "id", where="status = 'failed'"),
    )


class NoticePreference(SQLModel, table=True):
    """A person's choice for one category; a category without a row uses ``DEFAULT_DELIVERY``."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id")
    category: str = Field(max_length=24)
    delivery: str = Field(max_length=16)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("employee_id", "category", name="uq_noticepreference_person_category"),
        sa.CheckConstraint(
            _one_of("category", NoticeCategory), name="ck_noticepreference_category"
        ),
        sa.CheckConstraint(_one_of("delivery", Delivery), name="ck_noticepreference_delivery"),
    )


class DigestSchedule(SQLModel, table=True):
    """When a person's daily digest goes out, in their own time zone; none means 08:00 UTC.

    ``last_sent_on`` is the person's local date of the last digest, so a day
    gets one digest however many workers or restarts look at it.
    """

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", sa_column_kwargs={"unique": True})
    time_zone: str = Field(default="UTC", max_length=TIME_ZONE_MAX)
    hour: int = Field(default=DEFAULT_DIGEST_HOUR)
    last_sent_on: date | None = None

    __table_args__ = (
        sa.CheckConstraint("hour >= 0 AND hour <= 23", name="ck_digestschedule_hour"),
    )
