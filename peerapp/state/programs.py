"""The /programs page: the person's programs, those they can join, and (admins) the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx
from sqlmodel import Session

from peerapp.services import admin, joining, programs
from peerapp.services.joining import ProgramCard
from peerapp.state import program_wording
from peerapp.state.actions import act
from peerapp.state.identity import Viewer
from peerapp.state.live import push_inboxes, push_program
from peerapp.state.switcher import ProgramSwitcherState, now_working_in


@dataclass
class ProgramRow:
    """One program as its card shows it, worded for the person looking."""

    id: int
    name: str
    description: str
    kind: str
    dates: str
    status: str
    roles: str
    members: str
    pairing: str
    is_current: bool
    can_work_in: bool
    can_join: bool
    can_archive: bool

    @classmethod
    def of(cls, card: ProgramCard, is_admin: bool) -> ProgramRow:
        """Word a card; the buttons it offers (the services check every one again)."""
        closed = card.closed_reason is not None
        return cls(
            id=card.id,
            name=card.name,
            description=card.description,
            kind=program_wording.program_kind(card.kind),
            dates=program_wording.program_dates(card.starts_on, card.ends_on),
            status=program_wording.program_status(card.archived, closed),
            roles=program_wording.roles_held(card.roles),
            members=program_wording.members(card.members),
            pairing=""
            if closed
            else program_wording.pairing_types(card.peer_enabled, card.mentoring_enabled),
            is_current=card.is_current,
            can_work_in=(card.is_member or is_admin) and not card.is_current,
            can_join=not card.is_member and not closed,
            can_archive=is_admin and not card.archived,
        )


class ProgramsState(rx.State):
    """The catalogue, "Work in" and (admins) archiving."""

    mine: list[ProgramRow] = []
    joinable: list[ProgramRow] = []
    others: list[ProgramRow] = []
    is_admin: bool = False
    loaded: bool = False
    choosing: list[int] = []
    # The program the archive dialog asks about (0: closed), as the database names it.
    archive_id: int = 0
    archive_name: str = ""
    archiving: bool = False

    def _read(self, db: Session, viewer: Viewer) -> None:
        found = joining.catalogue(
            db, employee_id=viewer.employee_id, current_program_id=viewer.program_id
        )
        self.mine = [ProgramRow.of(card, viewer.is_admin) for card in found.mine]
        self.joinable = [ProgramRow.of(card, viewer.is_admin) for card in found.joinable]
        self.others = [ProgramRow.of(card, viewer.is_admin) for card in found.others]
        self.is_admin = viewer.is_admin
        self.loaded = True

    async def _after_change(self, db: Session, viewer: Viewer) -> None:
        """A program was created or archived: the cards and the switcher show it."""
        self._read(db, viewer)
        switcher = await self.get_state(ProgramSwitcherState)
        switcher._fill(db, viewer.employee_id)

    def _stopped(self, _message: str) -> None:
        self.loaded = True

    @rx.event
    async def load(self):
        """on_load: the catalogue as the signed-in person sees it."""
        async for update in act(self, self._read, refused=self._stopped):
            yield update

    @rx.event
    async def work_in(self, program_id: int):
        """Make a program the current one (one of the person's; admins: any)."""

        async def work(db: Session, viewer: Viewer) -> Any:
            program = joining.choose_program(
                db, employee_id=viewer.employee_id, program_id=program_id
            )
            return await now_working_in(self, db, viewer, program)

        async for update in act(self, work, busy="choosing", busy_id=program_id):
            yield update

    @rx.event
    async def open_archive(self, program_id: int):
        """Ask before archiving (admins); the dialog names the program as stored."""

        def work(db: Session, viewer: Viewer) -> None:
            admin.require_admin(db, viewer.employee_id)
            program = programs.get_program(db, program_id)
            self.archive_id = program.id or 0
            self.archive_name = program.name

        async for update in act(self, work):
            yield update

    @rx.event
    def close_archive(self):
        """Keep the program."""
        self.archive_id = 0

    @rx.event
    async def confirm_archive(self):
        """Archive the program the dialog names; its pending requests are cancelled."""
        program_id = self.archive_id

        async def work(db: Session, viewer: Viewer) -> Any:
            if not program_id:
                return None
            change = admin.archive_program(db, actor_id=viewer.employee_id, program_id=program_id)
            self.archive_id = 0
            push_program(program_id)
            push_inboxes(change.told, actor_id=viewer.employee_id)
            await self._after_change(db, viewer)
            return rx.toast.success(
                program_wording.program_archived(change.program.name, len(change.told))
            )

        async for update in act(self, work, busy="archiving" if program_id else ""):
            yield update
