"""Who may come in: signed-in sessions, sign-in tickets and attempts, server keys."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from peerapp.clock import utcnow


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
