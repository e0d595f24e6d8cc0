"""Program settings, changed by admins only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from peerapp.models import Program
from peerapp.services import programs, requests, validation
from peerapp.services.errors import Refused

CANCELLED_BY_SETTINGS = "Peer mentorship was turned off in this program by an admin."


@dataclass(frozen=True)
class SettingsChange:
    """The program after the change and the people whose pending requests were cancelled."""

    program: Program
    affected_people: set[int] = field(default_factory=set)


def require_admin(db: Session, actor_id: int) -> None:
    """Refuse unless ``actor_id`` is an active admin."""
    if not programs.is_admin(db, actor_id):
        raise Refused("Only program admins can change program settings.")


def update_program_settings(
    db: Session, *, actor_id: int, program_id: int, peer_mentorship_enabled: object
) -> SettingsChange:
    """Switch peer mentorship on or off.

    Turning it off cancels every pending peer request of the program (the reason
    is shown to both people); accepted pairings stay as they are.
    """
    require_admin(db, actor_id)
    enabled = validation.flag(peer_mentorship_enabled, "Peer mentorship")
    program = programs.get_program(db, program_id)
    affected: set[int] = set()
    if program.peer_mentorship_enabled != enabled:
        program.peer_mentorship_enabled = enabled
        db.add(program)
        if not enabled:
            affected = requests.cancel_pending(
                db, program_id=program.id, actor_id=actor_id, reason=CANCELLED_BY_SETTINGS
            )
        db.commit()
        db.refresh(program)
    return SettingsChange(program, affected)
