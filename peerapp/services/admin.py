"""Program settings and membership status, changed by admins only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from peerapp.models import Employee, Program
from peerapp.services import closing, programs, sessions, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

CANCELLED_BY_SETTINGS = "Peer mentorship was turned off in this program by an admin."
OPEN_REQUEST_LIMIT_RANGE = (1, 50)
EXPIRY_DAYS_RANGE = (1, 90)


@dataclass(frozen=True, kw_only=True)
class SettingsChange(Change):
    """The program after the change; ``told``: people whose pending requests were cancelled."""

    program: Program


def require_admin(db: Session, actor_id: int) -> None:
    """Refuse unless ``actor_id`` is an active admin."""
    if not programs.is_admin(db, actor_id):
        raise Refused("Only program admins can change program settings.")


def _in_range(value: object, label: str, bounds: tuple[int, int]) -> int:
    return validation.whole_number(value, label, *bounds)


def update_program_settings(
    db: Session,
    *,
    actor_id: int,
    program_id: int,
    peer_mentorship_enabled: object,
    open_request_limit: object | None = None,
    request_expiry_days: object | None = None,
) -> SettingsChange:
    """Change the program's peer settings (``None`` keeps a number as it is).

    Turning peer mentorship off cancels every pending peer request of the program
    (the reason is shown to both people); accepted pairings stay as they are.
    New limits apply to new requests; requests already sent keep their deadline.
    The numbers may be ints or the text typed in the form; they are read only
    once the actor is known to be an admin.
    """
    require_admin(db, actor_id)
    enabled = validation.flag(peer_mentorship_enabled, "Peer mentorship")
    limit = (
        None
        if open_request_limit is None
        else _in_range(open_request_limit, "Open-request limit", OPEN_REQUEST_LIMIT_RANGE)
    )
    days = (
        None
        if request_expiry_days is None
        else _in_range(request_expiry_days, "Days before a request expires", EXPIRY_DAYS_RANGE)
    )
    affected: set[int] = set()
    with unit_of_work(db):
        program = programs.get_program(db, program_id)
        if limit is not None:
            program.open_request_limit = limit
        if days is not None:
            program.request_expiry_days = days
        if program.peer_mentorship_enabled != enabled:
            program.peer_mentorship_enabled = enabled
            if not enabled:
                affected = closing.cancel_pending(
                    db, program_id=id_of(program), actor_id=actor_id, reason=CANCELLED_BY_SETTINGS
                )
        db.add(program)
    db.refresh(program)
    return SettingsChange(program=program, told=frozenset(affected))


def set_employee_active(
    db: Session, *, actor_id: int, employee_id: object, active: object
) -> Change:
    """Deactivate (or reactivate) an employee.

    Deactivation cancels their pending requests and revokes every session they
    have, so reactivating them later does not bring old sign-ins back.
    """
    require_admin(db, actor_id)
    employee_id = validation.identifier(employee_id, "person")
    active = validation.flag(active, "Active")
    employee = db.get(Employee, employee_id)
    if employee is None:
        raise Refused("That person does not exist.")
    if employee_id == actor_id and not active:
        raise Refused("You cannot deactivate your own account.")
    affected: set[int] = set()
    with unit_of_work(db):
        if employee.is_active and not active:
            for membership in programs.memberships_of(db, employee_id):
                affected |= closing.cancel_pending(
                    db,
                    program_id=membership.program_id,
                    actor_id=actor_id,
                    person_id=employee_id,
                    reason=f"{employee.full_name} is no longer active in the program.",
                )
        if not active:
            sessions.revoke_sessions(db, employee_id)
        employee.is_active = active
        db.add(employee)
    return Change(told=frozenset(affected))
