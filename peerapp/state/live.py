"""Live channels: shared states that push changes to every open tab of a person.

Each person has one ``InboxState`` linked to the token ``inbox<id>``; every tab
they have open links to it at sign-in. When a service changes something that
concerns them, ``push_inboxes`` reloads that shared state from the database via
``app.modify_state`` and Reflex sends the delta to all linked tabs. The program
flag works the same way with one ``ProgramState`` per program. Browsers never
poll, and only the server decides which token a tab is linked to.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.istate.manager.token import BaseStateToken
from reflex_base.registry import RegistrationContext

from peerapp.services import inbox as inbox_service
from peerapp.services import programs
from peerapp.state.rows import PeerRow, RequestRow, StandingRow

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()


class InboxState(rx.SharedState):
    """One person's requests and peers, shared by all their open tabs."""

    incoming: list[RequestRow] = []
    outgoing: list[RequestRow] = []
    history: list[RequestRow] = []
    peers: list[PeerRow] = []
    incoming_count: int = 0
    outgoing_ids: list[int] = []
    incoming_from_ids: list[int] = []
    paired_ids: list[int] = []
    standing: StandingRow = StandingRow()
    announcement: str = ""
    loaded: bool = False

    @staticmethod
    def token_for(employee_id: int) -> str:
        """The shared token of a person's inbox (no underscores allowed)."""
        return f"inbox{employee_id}"

    def _refresh(self, program_id: int, employee_id: int) -> None:
        """Reload from the database and announce what arrived since the last load."""
        with rx.session() as db:
            box = inbox_service.load_inbox(db, program_id=program_id, employee_id=employee_id)
        before_incoming = {row.id for row in self.incoming}
        before_outgoing = {row.id for row in self.outgoing}
        self.incoming = [RequestRow.of(item) for item in box.incoming]
        self.outgoing = [RequestRow.of(item) for item in box.outgoing]
        self.history = [RequestRow.of(item) for item in box.history]
        self.peers = [PeerRow.of(item) for item in box.peers]
        self.incoming_count = len(box.incoming)
        self.outgoing_ids = [row.other_id for row in self.outgoing]
        self.incoming_from_ids = [row.other_id for row in self.incoming]
        self.paired_ids = [row.other_id for row in self.peers]
        self.standing = StandingRow.of(box.standing)
        if self.loaded:
            news = [
                f"New peer request from {row.other_name}"
                for row in self.incoming
                if row.id not in before_incoming
            ]
            news += [
                f"Your request to {row.other_name}: {row.status_label}"
                for row in self.history
                if row.id in before_outgoing
            ]
            news += [
                f"Request from {row.other_name}: {row.status_label}"
                for row in self.history
                if row.id in before_incoming and "by you" not in row.status_label
            ]
            if news:
                self.announcement = ". ".join(news) + "."
        self.loaded = True


class ProgramState(rx.SharedState):
    """Program-wide settings every signed-in tab reflects live."""

    program_name: str = ""
    peer_mentorship_enabled: bool = True

    @staticmethod
    def token_for(program_id: int) -> str:
        """The shared token of a program's channel."""
        return f"program{program_id}"

    def _refresh(self, program_id: int) -> None:
        with rx.session() as db:
            program = programs.get_program(db, program_id)
        self.program_name = program.name
        self.peer_mentorship_enabled = program.peer_mentorship_enabled


async def refresh_inboxes(program_id: int, people: set[int], app: rx.App | None = None) -> None:
    """Reload these people's inbox channels now (awaits the state locks)."""
    app = app or RegistrationContext.get().app
    for employee_id in sorted(people):
        token = BaseStateToken(ident=InboxState.token_for(employee_id), cls=InboxState)
        async with app.modify_state(token) as root:
            inbox = await root.get_state(InboxState)
            inbox._refresh(program_id, employee_id)


async def _push_program(program_id: int) -> None:
    app = RegistrationContext.get().app
    token = BaseStateToken(ident=ProgramState.token_for(program_id), cls=ProgramState)
    async with app.modify_state(token) as root:
        program = await root.get_state(ProgramState)
        program._refresh(program_id)


def _spawn(coroutine) -> None:
    # Run after the current event releases its state locks: the actor's own
    # inbox may be linked into the event being processed.
    task = asyncio.create_task(coroutine)
    _background.add(task)

    def done(finished: asyncio.Task) -> None:
        _background.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            logger.error("Live update failed", exc_info=finished.exception())

    task.add_done_callback(done)


def push_inboxes(program_id: int, people: set[int]) -> None:
    """Refresh these people's inboxes in every tab they have open."""
    if people:
        _spawn(refresh_inboxes(program_id, set(people)))


def push_program(program_id: int) -> None:
    """Refresh the program settings in every signed-in tab."""
    _spawn(_push_program(program_id))
