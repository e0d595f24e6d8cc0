"""Signed-in sessions: opening, resolving and ending them.

A browser holds a random token; the server stores only its SHA-256
(``SessionDigest``), so a copy of the database or of the server's state cannot
be replayed as a sign-in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, Membership, Program, UserSession
from peerapp.services import programs
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.unit import unit_of_work


class SessionDigest(str):
    """The SHA-256 of a session token, standing in for the token on the server.

    The server keeps this between events instead of the token itself (a copy of
    the server's state cannot be replayed as a sign-in). Every function here that
    takes a ``token`` also takes one of these. It is never built from browser
    input except through ``session_digest``.
    """

    __slots__ = ()


_DIGEST = re.compile(r"[0-9a-f]{64}")


def session_digest(token: object) -> SessionDigest | None:
    """The digest standing for a token a browser sent, or None when it cannot be one."""
    if not isinstance(token, str) or not _valid_token(token):
        return None
    if isinstance(token, SessionDigest):
        return token
    return SessionDigest(_digest(token))


def _digest(token: str) -> str:
    if isinstance(token, SessionDigest):
        return str(token)
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, employee_id: int, days: int = 30) -> str:
    """Open a session; returns the secret token for the browser (stored hashed)."""
    token = secrets.token_urlsafe(32)
    with unit_of_work(db):
        db.add(
            UserSession(
                token_hash=_digest(token),
                employee_id=employee_id,
                expires_at=utcnow() + timedelta(days=days),
            )
        )
    return token


def _live(key: SessionDigest) -> sa.ColumnElement[bool]:
    """A live session with this digest, of an active employee (UserSession joined)."""
    return sa.and_(
        col(UserSession.employee_id) == col(Employee.id),
        col(UserSession.token_hash) == str(key),
        col(UserSession.revoked_at).is_(None),
        col(UserSession.expires_at) > utcnow(),
        col(Employee.is_active).is_(True),
    )


def _valid_token(token: object) -> bool:
    if isinstance(token, SessionDigest):
        return _DIGEST.fullmatch(token) is not None
    return isinstance(token, str) and bool(token) and len(token) <= 128


def resolve_session(db: Session, token: object) -> Employee | None:
    """The active employee a live session token belongs to, else None."""
    key = session_digest(token)
    if key is None:
        return None
    return db.exec(select(Employee).join(UserSession, _live(key))).first()


class Holder(NamedTuple):
    """Who holds a live session: what every event needs of them, not their whole row."""

    id: int
    full_name: str
    is_admin: bool


def resolve_session_in_program(db: Session, token: object) -> tuple[Holder, int] | None:
    """The session's active employee and their current program's id, in one query.

    The current program is the one they last chose (see joining.choose_program),
    else the first they belong to, else the first there is. Every event a
    signed-in tab sends checks its session; reading the program in the same
    round trip halves that cost.
    """
    key = session_digest(token)
    if key is None:
        return None
    program_id = current_program_of(col(Employee.id), col(Employee.current_program_id))
    who = (col(Employee.id), col(Employee.full_name), col(Employee.is_admin))
    row = db.execute(sa.select(*who, program_id).join(UserSession, _live(key))).first()
    if row is None:
        return None
    person, name, is_admin, found = row
    program = found if found is not None else id_of(programs.default_program(db))
    return Holder(person, name, is_admin), program


def session_owner(db: Session, token: object) -> int | None:
    """Whose session this token was (ended or not), else None."""
    key = session_digest(token)
    if key is None:
        return None
    return db.exec(
        select(col(UserSession.employee_id)).where(col(UserSession.token_hash) == str(key))
    ).first()


def end_session(db: Session, token: object) -> None:
    """Revoke a session token; unknown tokens are ignored."""
    if not isinstance(token, str) or not token:
        return
    with unit_of_work(db):
        rows_changed(
            db,
            sa.update(UserSession)
            .where(
                col(UserSession.token_hash) == _digest(token),
                col(UserSession.revoked_at).is_(None),
            )
            .values(revoked_at=utcnow()),
        )


def revoke_sessions(db: Session, employee_id: int, *, keep_token: object = None) -> int:
    """Revoke every live session of a person except ``keep_token``'s (caller's unit of work).

    Returns how many sessions were revoked.
    """
    condition = sa.and_(
        col(UserSession.employee_id) == employee_id,
        col(UserSession.revoked_at).is_(None),
    )
    if isinstance(keep_token, str) and keep_token:
        condition = sa.and_(condition, col(UserSession.token_hash) != _digest(keep_token))
    return rows_changed(db, sa.update(UserSession).where(condition).values(revoked_at=utcnow()))


def sign_out_everywhere(db: Session, token: object) -> int:
    """Revoke every session of the person this token signs in, this one included."""
    with unit_of_work(db):
        employee = resolve_session(db, token)
        if employee is None:
            raise Refused("You are signed out already.")
        return revoke_sessions(db, id_of(employee))


def current_program_of(employee_id: Any, chosen: Any) -> sa.ColumnElement[int]:
    """SQL for a person's current program: the one they chose, else their first, else the first.

    The chosen one counts only while they may still work in it: they belong to
    it, or they are an admin (``Employee`` is in the enclosing query).
    """
    still_allowed = sa.or_(
        col(Employee.is_admin),
        sa.exists().where(
            col(Membership.employee_id) == employee_id, col(Membership.program_id) == chosen
        ),
    )
    first_membership = (
        select(col(Membership.program_id))
        .where(col(Membership.employee_id) == employee_id)
        .order_by(col(Membership.program_id))
        .limit(1)
        .scalar_subquery()
    )
    first_program = select(col(Program.id)).order_by(col(Program.id)).limit(1).scalar_subquery()
    allowed_choice = sa.case((still_allowed, chosen), else_=sa.null())
    current: sa.ColumnElement[int] = sa.func.coalesce(
        allowed_choice, first_membership, first_program
    )
    return current


def current_program_id(db: Session, employee_id: int) -> int:
    """The id of a person's current program (see current_program_of)."""
    found = db.exec(
        select(current_program_of(col(Employee.id), col(Employee.current_program_id))).where(
            col(Employee.id) == employee_id
        )
    ).first()
    return found if found is not None else id_of(programs.default_program(db))
