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
import time

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
    announcement_seq: int = 0
    announced_at: float = 0.0
    loaded: bool = False

    @staticmethod
    def token_for(employee_id: int) -> str:
        """The shared token of a person's inbox (no underscores allowed)."""
        return f"inbox{employee_id}"

    def _refresh(self, program_id: int, employee_id: int) -> None:
        """Reload from the database and announce what arrived since the last load."""
        self._apply(_load_inbox(program_id, employee_id))

    def _apply(self, box: inbox_service.Inbox) -> None:
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
                _announce(self, ". ".join(news) + ".")
        self.loaded = True


def _announce(state: InboxState | ProgramState, text: str) -> None:
    """News for the toast and the polite live region of every linked tab."""
    state.announcement = text
    state.announcement_seq += 1
    state.announced_at = time.time() * 1000


def _load_inbox(program_id: int, employee_id: int) -> inbox_service.Inbox:
    with rx.session() as db:
        return inbox_service.load_inbox(db, program_id=program_id, employee_id=employee_id)


class ProgramState(rx.SharedState):
    """Program-wide settings every signed-in tab reflects live."""

    program_name: str = ""
    peer_mentorship_enabled: bool = True
    announcement: str = ""
    announcement_seq: int = 0
    announced_at: float = 0.0
    loaded: bool = False

    @staticmethod
    def token_for(program_id: int) -> str:
        """The shared token of a program's channel."""
        return f"program{program_id}"

    def _refresh(self, program_id: int) -> None:
        with rx.session() as db:
            program = programs.get_program(db, program_id)
        if self.loaded and program.peer_mentorship_enabled != self.peer_mentorship_enabled:
            _announce(
                self,
                "Peer mentorship is open again."
                if program.peer_mentorship_enabled
                else "Peer mentorship was switched off by a program admin.",
            )
        self.program_name = program.name
        self.peer_mentorship_enabled = program.peer_mentorship_enabled
        self.loaded = True


async def _refresh_inbox(app: rx.App, program_id: int, employee_id: int) -> None:
    token = BaseStateToken(ident=InboxState.token_for(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        inbox = await root.get_state(InboxState)
        # Read inside the lock (updates of one inbox never overtake each other)
        # but off the event loop, so other people's pushes and events go on.
        inbox._apply(await asyncio.to_thread(_load_inbox, program_id, employee_id))


async def refresh_inboxes(program_id: int, people: set[int], app: rx.App | None = None) -> None:
    """Reload these people's inbox channels now, all at once (awaits the state locks).

    The actor's own inbox is usually linked into the event still being
    processed, so its refresh waits for that event; the others' do not.
    """
    app = app or RegistrationContext.get().app
    ordered = sorted(people)
    results = await asyncio.gather(
        *(_refresh_inbox(app, program_id, employee_id) for employee_id in ordered),
        return_exceptions=True,
    )
    failures = [
        (employee_id, result)
        for employee_id, result in zip(ordered, results, strict=True)
        if isinstance(result, BaseException)
    ]
    for employee_id, failure in failures:
        logger.error("Live inbox update for %s failed", employee_id, exc_info=failure)
    if failures:
        raise failures[0][1]


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
