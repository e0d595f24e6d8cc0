"""Small factories and checks shared by the service tests (imported by the test modules)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, select

from peerapp.models import Employee, PeerRequest, Program, RequestStatus
from peerapp.services import accounts, requests


def email_for(name: str) -> str:
    """A unique, valid address derived from a display name."""
    local = "".join(ch if ch.isalnum() else "." for ch in name.lower()).strip(".")
    return f"{local or 'person'}@example.com"


def make_person(
    db: Session,
    program: Program | None,
    name: str,
    roles: Iterable[str] = ("peer",),
    admin: bool = False,
    *,
    password: str | None = None,
    email: str | None = None,
    **fields: str,
) -> Employee:
    """An employee with ``roles`` in ``program`` (no password unless given: hashing is slow)."""
    return accounts.create_employee(
        db,
        email=email or email_for(name),
        full_name=name,
        password=password,
        is_admin=admin,
        program_id=program.id if program is not None else None,
        roles=frozenset(roles),
        **fields,
    )


def send(db: Session, program: Program, sender: Employee, recipient: Employee, message: str = ""):
    """Send a peer request through the service and return the stored request."""
    return requests.send_request(
        db, program_id=program.id, sender_id=sender.id, recipient_id=recipient.id, message=message
    ).request


def reload(db: Session, model: type, row_id: int):
    """A row as the database holds it now (after committing anything left pending).

    Committing first makes the check strict: changes a refused call made to
    objects in the session without committing would be written here and show up.
    """
    db.commit()
    db.expire_all()
    return db.get(model, row_id)


def pending_between(db: Session, a: Employee, b: Employee) -> list[PeerRequest]:
    """Pending requests between two people, either direction, fresh from the database."""
    db.expire_all()
    return list(
        db.exec(
            select(PeerRequest).where(
                PeerRequest.status == RequestStatus.PENDING.value,
                sa.or_(
                    sa.and_(PeerRequest.sender_id == a.id, PeerRequest.recipient_id == b.id),
                    sa.and_(PeerRequest.sender_id == b.id, PeerRequest.recipient_id == a.id),
                ),
            )
        ).all()
    )
