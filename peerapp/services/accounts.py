"""Accounts, passwords and signed-in sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, select

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import Employee, UserSession
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.programs import parse_roles, set_roles

PASSWORD_MIN = 10
PASSWORD_MAX = 256

_hasher = PasswordHash.recommended()
# Verified against when an email is unknown, so that a miss costs as much time
# as a wrong password and timing does not tell whether an account exists.
_DUMMY_HASH = _hasher.hash("peerapp-timing-equaliser")


def _check_password(password: object) -> str:
    if not isinstance(password, str):
        raise Refused("Password must be text.")
    if len(password) < PASSWORD_MIN:
        raise Refused(f"Password must be at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise Refused(f"Password can be at most {PASSWORD_MAX} characters.")
    return password


def create_employee(
    db: Session,
    *,
    email: str,
    full_name: str,
    password: str | None,
    job_title: str = "",
    department: str = "",
    location: str = "",
    bio: str = "",
    skills: str = "",
    learning_goals: str = "",
    is_admin: bool = False,
    program_id: int | None = None,
    roles: set[str] | frozenset[str] = frozenset(),
) -> Employee:
    """Create an employee (and their roles in ``program_id``); refuse duplicates."""
    address = validation.email(email)
    if db.exec(select(Employee.id).where(Employee.email == address)).first() is not None:
        raise Refused(f"An account with {address} already exists.")
    # Refuse bad roles before anything is added to the session: a refusal after
    # the flush below would leave the employee to be written by the next commit.
    wanted_roles = parse_roles(roles)
    employee = Employee(
        email=address,
        full_name=validation.text(full_name, "Full name", models.NAME_MAX, required=True),
        job_title=validation.text(job_title, "Job title", models.TEXT_SHORT),
        department=validation.text(department, "Department", models.TEXT_SHORT),
        location=validation.text(location, "Location", models.TEXT_SHORT),
        bio=validation.text(bio, "Bio", models.BIO_MAX),
        skills=validation.tag_list(skills, "Skills", models.SKILLS_MAX),
        learning_goals=validation.tag_list(learning_goals, "Learning goals", models.SKILLS_MAX),
        is_admin=bool(is_admin),
        password_hash=_hasher.hash(_check_password(password)) if password is not None else None,
    )
    db.add(employee)
    db.flush()
    if program_id is not None:
        set_roles(db, program_id=program_id, employee_id=employee.id, roles=wanted_roles)
    db.commit()
    db.refresh(employee)
    return employee


def authenticate(db: Session, email: object, password: object) -> Employee | None:
    """The active employee with this email and password, else None (no reason given)."""
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        _hasher.verify("x", _DUMMY_HASH)
        return None
    employee = db.exec(select(Employee).where(Employee.email == email.strip().lower())).first()
    if employee is None or employee.password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return None
    if not _hasher.verify(password, employee.password_hash) or not employee.is_active:
        return None
    return employee


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, employee_id: int, days: int = 30) -> str:
    """Open a session; returns the secret token for the browser (stored hashed)."""
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=_digest(token),
            employee_id=employee_id,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    db.commit()
    return token


def resolve_session(db: Session, token: object) -> Employee | None:
    """The active employee a live session token belongs to, else None."""
    if not isinstance(token, str) or not token or len(token) > 128:
        return None
    row = db.exec(
        select(Employee)
        .join(UserSession, UserSession.employee_id == Employee.id)
        .where(
            UserSession.token_hash == _digest(token),
            UserSession.revoked_at.is_(None),  # type: ignore[union-attr]
            UserSession.expires_at > utcnow(),
            Employee.is_active.is_(True),  # type: ignore[attr-defined]
        )
    ).first()
    return row


def end_session(db: Session, token: object) -> None:
    """Revoke a session token; unknown tokens are ignored."""
    if not isinstance(token, str) or not token:
        return
    session_row = db.exec(
        select(UserSession).where(UserSession.token_hash == _digest(token))
    ).first()
    if session_row is not None and session_row.revoked_at is None:
        session_row.revoked_at = utcnow()
        db.add(session_row)
        db.commit()
