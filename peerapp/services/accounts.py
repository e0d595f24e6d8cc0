"""Accounts and passwords: creating employees, signing in, changing a password."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from pwdlib import PasswordHash
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from peerapp import models, settings
from peerapp.models import Employee
from peerapp.services import throttle, validation
from peerapp.services.errors import Refused
from peerapp.services.programs import parse_roles, set_roles
from peerapp.services.sessions import end_session, resolve_session, revoke_sessions, start_session
from peerapp.services.sql import id_of, rows_changed
from peerapp.services.unit import end_reads, unit_of_work

PASSWORD_MIN = 12
PASSWORD_MAX = 256
# zxcvbn scores 0 (guessable in a few tries) to 4; 3 means "safely unguessable".
PASSWORD_SCORE_MIN = 3

_hasher = PasswordHash.recommended()
# Verified against when an email is unknown, so that a miss costs as much time
# as a wrong password and timing does not tell whether an account exists.
_DUMMY_HASH = _hasher.hash("peerapp-timing-equaliser")

# argon2 costs tens of milliseconds of CPU and 64 MiB per hash: at most this
# many at once per process, whichever threads ask (the app calls these
# services from a pool of the same size, see peerapp/state/offload.py). Callers
# hold no database transaction while they wait or hash.
_hashing = threading.BoundedSemaphore(settings.PASSWORD_HASH_THREADS)


def hash_password(password: str) -> str:
    """The argon2 hash of ``password`` (bounded concurrency)."""
    with _hashing:
        return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches; a missing hash costs as much as a wrong password."""
    with _hashing:
        if password_hash is None:
            _hasher.verify(password, _DUMMY_HASH)
            return False
        return _hasher.verify(password, password_hash)


def check_new_password(password: object, *, personal: tuple[str, ...] = ()) -> str:
    """Refuse a new password that is too short, too long or easy to guess.

    ``personal`` holds the person's own details (name, email), which zxcvbn treats
    as guessable words.
    """
    if not isinstance(password, str):
        raise Refused("Password must be text.")
    if len(password) < PASSWORD_MIN:
        raise Refused(f"Password must be at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise Refused(f"Password can be at most {PASSWORD_MAX} characters.")
    words: list[str] = []
    for item in personal:
        if isinstance(item, str) and item.strip():
            words.append(item.strip().lower())
            words.extend(part for part in item.lower().replace("@", " ").replace(".", " ").split())
    # zxcvbn is slow on very long input and gains nothing past ~100 characters.
    verdict = zxcvbn(password[:100], user_inputs=words)
    if verdict["score"] < PASSWORD_SCORE_MIN:
        feedback = verdict.get("feedback") or {}
        hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
        detail = " ".join(hint.strip() for hint in hints if hint and hint.strip())
        raise Refused(
            "That password is too easy to guess. "
            + (detail or "Add another word or two; uncommon words are better.")
        )
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
    manager_email: str | None = None,
    program_id: int | None = None,
    roles: set[str] | frozenset[str] = frozenset(),
) -> Employee:
    """Create an employee (and their roles in ``program_id``); refuse duplicates."""
    address = validation.email(email)
    # Hash before the first query: no transaction (SQLite: the write lock) is held meanwhile.
    password_hash = (
        hash_password(check_new_password(password, personal=(full_name, address)))
        if password is not None
        else None
    )
    if db.exec(select(col(Employee.id)).where(col(Employee.email) == address)).first() is not None:
        raise Refused(f"An account with {address} already exists.")
    # Refuse bad roles before anything is added to the session: a refusal after
    # the flush below would leave the employee to be written by the next commit.
    wanted_roles = parse_roles(roles)
    manager_id = None
    if manager_email is not None:
        manager_address = validation.email(manager_email)
        manager_id = db.exec(
            select(col(Employee.id)).where(col(Employee.email) == manager_address)
        ).first()
        if manager_id is None:
            raise Refused(f"There is no account with {manager_address} to be the manager.")
    employee = Employee(
        email=address,
        full_name=validation.text(
            full_name, "Full name", models.NAME_MAX, required=True, one_line=True
        ),
        job_title=validation.text(job_title, "Job title", models.TEXT_SHORT, one_line=True),
        department=validation.text(department, "Department", models.TEXT_SHORT, one_line=True),
        location=validation.text(location, "Location", models.TEXT_SHORT, one_line=True),
        bio=validation.text(bio, "Bio", models.BIO_MAX),
        skills=validation.tag_list(skills, "Skills", models.SKILLS_MAX),
        learning_goals=validation.tag_list(learning_goals, "Learning goals", models.SKILLS_MAX),
        is_admin=bool(is_admin),
        password_hash=password_hash,
        manager_id=manager_id,
    )
    with unit_of_work(db):
        db.add(employee)
        db.flush()
        if program_id is not None:
            set_roles(db, program_id=program_id, employee_id=id_of(employee), roles=wanted_roles)
    db.refresh(employee)
    return employee


def authenticate(db: Session, email: object, password: object) -> Employee | None:
    """The active employee with this email and password, else None (no reason given).

    Ends the session's transaction before hashing: a hash takes tens of
    milliseconds, and on SQLite an open transaction holds the database's write
    lock (see peerapp/db.py) that every other request would wait for.
    """
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        end_reads(db)
        verify_password("x", None)
        return None
    row = db.exec(
        select(col(Employee.id), col(Employee.password_hash), col(Employee.is_active)).where(
            col(Employee.email) == email.strip().lower()
        )
    ).first()
    end_reads(db)
    if row is None:
        verify_password(password, None)
        return None
    employee_id, password_hash, is_active = row
    if not verify_password(password, password_hash) or not is_active:
        return None
    return db.get(Employee, employee_id)


def sign_in(
    db: Session,
    *,
    email: object,
    password: object,
    client: object,
    previous_token: object = None,
    days: int = 30,
) -> str:
    """Check a sign-in and open a new session; returns its token.

    Refuses with one generic message whether the email is unknown, the password
    wrong or the email/address throttled; a throttled attempt is refused without
    checking the password at all. A token the browser still held is revoked, so
    every sign-in rotates the browser's session.
    """
    if throttle.is_throttled(db, email=email, client=client):
        raise Refused(throttle.SIGN_IN_REFUSED)
    employee = authenticate(db, email, password)
    # One transaction: the attempt is remembered, and a success rotates the session.
    with unit_of_work(db):
        throttle.record(db, email=email, client=client, succeeded=employee is not None)
        if employee is not None:
            end_session(db, previous_token)
            token = start_session(db, id_of(employee), days=days)
    if employee is None:
        raise Refused(throttle.SIGN_IN_REFUSED)
    return token


def change_password(
    db: Session,
    *,
    token: object,
    current_password: object,
    new_password: object,
    repeat_password: object,
    client: object = "",
) -> None:
    """Change the signed-in person's password; every other session of theirs ends.

    The current password is checked (and wrong guesses count toward sign-in
    throttling, so a stolen session cannot be used to guess it).
    """
    employee = resolve_session(db, token)
    if employee is None:
        raise Refused("Your session has ended. Sign in again to change your password.")
    if not isinstance(current_password, str) or not current_password:
        raise Refused("Enter your current password.")
    if throttle.is_throttled(db, email=employee.email, client=client):
        raise Refused("Too many wrong passwords. Try again in a few minutes.")
    employee_id, email, full_name = id_of(employee), employee.email, employee.full_name
    stored_hash = employee.password_hash
    end_reads(db)  # no transaction (SQLite: the write lock) held while hashing
    right = (
        len(current_password) <= PASSWORD_MAX
        and stored_hash is not None
        and verify_password(current_password, stored_hash)
    )
    if not right:
        throttle.record(db, email=email, client=client, succeeded=False)
        raise Refused("Your current password is not right.")
    new = check_new_password(new_password, personal=(full_name, email))
    if new_password != repeat_password:
        raise Refused("The two new passwords differ. Type the same new password twice.")
    if new == current_password:
        raise Refused("The new password is the same as the current one. Choose a different one.")
    new_hash = hash_password(new)
    # Only if nothing changed meanwhile: a session ended or a password changed elsewhere.
    with unit_of_work(db):
        if resolve_session(db, token) is None:
            raise Refused("Your session has ended. Sign in again to change your password.")
        changed = rows_changed(
            db,
            sa.update(Employee)
            .where(col(Employee.id) == employee_id, col(Employee.password_hash) == stored_hash)
            .values(password_hash=new_hash),
        )
        if not changed:
            raise Refused("Your password was changed meanwhile. Reload the page and try again.")
        revoke_sessions(db, employee_id, keep_token=token)
