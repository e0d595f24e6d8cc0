"""Who a browser is: the signed-in person of an event, and the sign-in check itself."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from peerapp.services import accounts, sessions
from peerapp.settings import SESSION_DAYS


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as resolved from the database for this event."""

    employee_id: int
    program_id: int
    full_name: str
    is_admin: bool


def resolve_viewer(db: Session, token: object) -> Viewer | None:
    """The person a session token belongs to, in the default program."""
    found = sessions.resolve_session_in_program(db, token)
    if found is None:
        return None
    employee, program_id = found
    return Viewer(employee.id, program_id, employee.full_name, employee.is_admin)


def session_is_live(key: sessions.SessionDigest) -> bool:
    """Whether the session is still valid (in a database session of its own)."""
    with rx.session() as db:
        return sessions.resolve_session(db, key) is not None


def check_sign_in(
    email: object, password: object, client: str, previous_token: object
) -> tuple[str, Viewer | None, int | None]:
    """Sign in (blocking: it hashes; run it on the password pool).

    Returns the new session token, who it signs in, and who held the token the
    browser had before (their other tabs must learn it ended).
    """
    with rx.session() as db:
        previous_owner = sessions.session_owner(db, previous_token)
        token = accounts.sign_in(
            db,
            email=email,
            password=password,
            client=client,
            previous_token=previous_token,
            days=SESSION_DAYS,
        )
        return token, resolve_viewer(db, token), previous_owner
