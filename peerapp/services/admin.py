"""Programs (creating, archiving, settings) and membership status, changed by admins only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import Employee, PairingKind, Program, ProgramKind
from peerapp.services import announce, closing, programs, sessions, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

CANCELLED_BY_SETTINGS = "Peer mentorship was turned off in this program by an admin."
TURNED_OFF = {
    PairingKind.PEER.value: CANCELLED_BY_SETTINGS,
    PairingKind.MENTORING.value: (
        "Mentor–mentee pairing was turned off in this program by an admin."
    ),
}
OPEN_REQUEST_LIMIT_RANGE = (1, 50)
EXPIRY_DAYS_RANGE = (1, 90)
# The first reminder comes before the last day, so before a deadline of at most 90 days.
REMINDER_DAYS_RANGE = (1, EXPIRY_DAYS_RANGE[1] - 1)


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
    mentoring_enabled: object | None = None,
    open_request_limit: object | None = None,
    request_expiry_days: object | None = None,
    themes: object | None = None,
    reminder_days: object | None = None,
) -> SettingsChange:
    """Change a program's settings (``None`` keeps a setting as it is).

    Turning a pairing type off cancels every pending request of that type in
    the program (the reason is shown to both people); pairings stay as they
    are, and the other type is untouched. New limits apply to new requests;
    requests already sent keep their deadline. Values from the form are read
    only once the actor is known to be an admin.
    """
    require_admin(db, actor_id)
    switches = {PairingKind.PEER.value: validation.flag(peer_mentorship_enabled, "Peer mentorship")}
    if mentoring_enabled is not None:
        switches[PairingKind.MENTORING.value] = validation.flag(
            mentoring_enabled, "Mentor–mentee pairing"
        )
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
    theme_text = None if themes is None else program_themes(themes)
    remind = (
        None
        if reminder_days is None
        else _in_range(reminder_days, "Days before expiry to remind", REMINDER_DAYS_RANGE)
    )
    affected: set[int] = set()
    with unit_of_work(db):
        program = programs.get_program(db, program_id)
        if program.archived_at is not None:
            raise Refused(f"{program.name} is archived: its settings can no longer change.")
        if limit is not None:
            program.open_request_limit = limit
        if days is not None:
            program.request_expiry_days = days
        if theme_text is not None:
            program.themes = theme_text
        if remind is not None:
            program.reminder_days = remind
            # Only when set: a shorter deadline alone leaves just the last-day reminder.
            _refuse_late_reminders(program)
        for kind, enabled in switches.items():
            if programs.pairing_enabled(program, kind) == enabled:
                continue
            if kind == PairingKind.PEER.value:
                program.peer_mentorship_enabled = enabled
            else:
                program.mentoring_enabled = enabled
            if not enabled:
                cancelled = closing.cancel_pending(
                    db,
                    program_id=id_of(program),
                    actor_id=actor_id,
                    kind=kind,
                    reason=TURNED_OFF[kind],
                    tell=False,
                )
                # One notice a person saying what the switch did, not one per request.
                announce.pairing_type_off(db, id_of(program), cancelled, actor_id, TURNED_OFF[kind])
                affected |= cancelled
        db.add(program)
    db.refresh(program)
    return SettingsChange(program=program, told=frozenset(affected))


def _refuse_late_reminders(program: Program) -> None:
    """The first reminder must come before the last day (a one-day deadline has no reminders)."""
    most = max(1, program.request_expiry_days - 1)
    if program.reminder_days > most:
        raise Refused(
            f"Reminders go out before a request expires: with {program.request_expiry_days} "
            f"days to answer, remind at most {most} days before, or allow more days to answer."
        )


def program_themes(value: object) -> str:
    """The themes an admin typed, one a line: cleaned, de-duplicated, stored one a line."""
    raw = validation.text(value, "Themes", models.THEMES_TEXT_MAX * 2)
    seen: dict[str, str] = {}
    for line in raw.splitlines():
        theme = validation.text(line, "A theme", models.THEME_MAX, one_line=True)
        if theme and theme.lower() not in seen:
            seen[theme.lower()] = theme
    if not seen:
        raise Refused("A program needs at least one theme.")
    if len(seen) > models.THEMES_MAX:
        raise Refused(f"A program can have at most {models.THEMES_MAX} themes.")
    return "\n".join(seen.values())


def add_program(
    db: Session,
    *,
    actor_id: int,
    name: object,
    description: object = "",
    kind: object = ProgramKind.EVERGREEN.value,
    starts_on: object = None,
    ends_on: object = None,
) -> Program:
    """An admin creates a program (see programs.create_program for the defaults)."""
    if not programs.is_admin(db, actor_id):
        raise Refused("Only admins can create programs.")
    return programs.create_program(
        db, name, kind, description=description, starts_on=starts_on, ends_on=ends_on
    )


def archive_program(db: Session, *, actor_id: int, program_id: object) -> SettingsChange:
    """An admin archives a program: its history stays, its pending requests are cancelled.

    Pairings are left as they were (read-only history); nothing new can start.
    """
    if not programs.is_admin(db, actor_id):
        raise Refused("Only admins can archive programs.")
    program_id = validation.identifier(program_id, "program")
    with unit_of_work(db):
        program = programs.get_program(db, program_id)
        if program.archived_at is not None:
            raise Refused(f"{program.name} is archived already.")
        program.archived_at = utcnow()
        db.add(program)
        affected = closing.cancel_pending(
            db,
            program_id=program_id,
            actor_id=actor_id,
            reason=f"{program.name} was archived by an admin.",
        )
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
        was_active = employee.is_active
        # Set first: those whose requests this cancels are told; the deactivated are not emailed.
        employee.is_active = active
        if was_active and not active:
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
        db.add(employee)
    return Change(told=frozenset(affected))
