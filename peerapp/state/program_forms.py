"""The two forms of the /programs page: an admin's new program, and joining one.

Both are uncontrolled forms: what a person typed stays in the browser, and is
sent once, on submit, to the service that reads it (after the sign-in check).
A refusal keeps the dialog open with everything as typed and says why in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx
from sqlmodel import Session

from peerapp import models
from peerapp.models import ProgramKind
from peerapp.services import admin, joining, programs
from peerapp.state import program_wording
from peerapp.state.actions import act
from peerapp.state.identity import Viewer
from peerapp.state.programs import ProgramsState
from peerapp.state.switcher import now_working_in

KINDS = tuple(kind.value for kind in ProgramKind)


def _form(form_data: object) -> dict:
    """The submitted fields, or none when a browser sent something else."""
    return form_data if isinstance(form_data, dict) else {}


class NewProgramState(rx.State):
    """An admin's New program dialog."""

    open: bool = False
    kind: str = ProgramKind.EVERGREEN.value
    error: str = ""
    creating: bool = False

    @rx.event
    async def open_form(self):
        """Open an empty form (admins; the service checks again on Create)."""

        def work(db: Session, viewer: Viewer) -> None:
            admin.require_admin(db, viewer.employee_id)
            self.open, self.kind, self.error = True, ProgramKind.EVERGREEN.value, ""

        async for update in act(self, work):
            yield update

    @rx.event
    def close_form(self):
        """Close without creating anything."""
        self.open, self.error = False, ""

    @rx.event
    def set_kind(self, value: str):
        """Evergreen or Cohort (a cohort asks for its dates); nothing else is kept."""
        if value in KINDS:
            self.kind = value

    @rx.event
    async def create(self, form_data: dict):
        """Create the program (the service refuses anyone who is not an admin)."""
        data = _form(form_data)

        async def work(db: Session, viewer: Viewer) -> Any:
            program = admin.add_program(
                db,
                actor_id=viewer.employee_id,
                name=data.get("name"),
                description=data.get("description", ""),
                kind=self.kind,
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            )
            self.open, self.error = False, ""
            await (await self.get_state(ProgramsState))._after_change(db, viewer)
            return rx.toast.success(
                program_wording.program_created(
                    program.name, program.peer_mentorship_enabled, program.mentoring_enabled
                )
            )

        async for update in act(self, work, busy="creating", refused=self._refused):
            yield update

    def _refused(self, message: str) -> None:
        self.error = message


@dataclass
class RoleOption:
    """A role the program offers, with what it means."""

    value: str = ""
    label: str = ""
    hint: str = ""


class JoinProgramState(rx.State):
    """The Join dialog: roles, places and themes for one open program."""

    # The program asked about (0: the dialog is closed), as the database has it.
    program_id: int = 0
    program_name: str = ""
    roles: list[RoleOption] = []
    themes: list[str] = []
    offers_peer: bool = False
    offers_mentoring: bool = False
    error: str = ""
    joining: bool = False

    @rx.event
    async def open_join(self, program_id: int):
        """Ask how to take part in an open program; the roles are those it offers now."""

        def work(db: Session, viewer: Viewer) -> None:
            program = programs.get_program(db, program_id)
            programs.require_open(program)
            offered = joining.offered_roles(program)
            self.program_id = program.id or 0
            self.program_name = program.name
            self.roles = [
                RoleOption(role, program_wording.role_label(role), program_wording.role_hint(role))
                for role in offered
            ]
            self.themes = programs.themes_of(program)
            self.offers_peer = "peer" in offered
            self.offers_mentoring = "mentor" in offered
            self.error = ""

        async for update in act(self, work):
            yield update

    @rx.event
    def close_join(self):
        """Close without joining."""
        self.program_id, self.error = 0, ""

    @rx.event
    async def join(self, form_data: dict):
        """Join with the ticked roles, places and themes; the program becomes current."""
        data = _form(form_data)
        program_id = self.program_id

        async def work(db: Session, viewer: Viewer) -> Any:
            if not program_id:
                return None
            joining.join_program(
                db,
                program_id=program_id,
                employee_id=viewer.employee_id,
                roles=[role for role in programs.ROLES if data.get(role) == "on"],
                capacity=data.get("peer_places", models.DEFAULT_CAPACITY),
                mentee_capacity=data.get("mentee_places", models.DEFAULT_MENTEE_CAPACITY),
                # The themes as this dialog listed them (the service checks them again).
                themes=[
                    theme
                    for index, theme in enumerate(self.themes)
                    if data.get(f"theme-{index}") == "on"
                ],
            )
            program = programs.get_program(db, program_id)
            return await now_working_in(
                self, db, viewer, program, program_wording.joined(program.name)
            )

        busy = "joining" if program_id else ""
        async for update in act(self, work, busy=busy, refused=self._refused):
            yield update

    def _refused(self, message: str) -> None:
        self.error = message
