"""Live channels: shared states that push changes to every open tab of a person.

Each person has one ``InboxState`` linked to a token only the server can name
(``channel_of``: derived from the person's id with a key kept in the database);
every tab they have open links to it at sign-in. When a service changes something that
concerns them, ``push_inboxes`` reloads that shared state from the database via
``app.modify_state`` and Reflex sends the delta to all linked tabs. Browsers
never poll, and only the server decides which token a tab is linked to.

The program's flag (peer mentorship on or off) travels in the same per-person
channel. A program-wide shared state would link every open tab to one token:
each page load would then touch it and fan out to all tabs (quadratic work with
a thousand people online). Instead the rare admin change is pushed to each
member's channel, and a page load only ever touches its own person's channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time

import reflex as rx
from reflex import BaseStateToken
from sqlmodel import Session

from peerapp import reflex_compat
from peerapp.models import Program
from peerapp.services import channels, programs
from peerapp.services import inbox as inbox_service
from peerapp.services import requests as request_service
from peerapp.state import wording
from peerapp.state.rows import PeerRow, RequestRow, StandingRow

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()
# How long the actor's own reload waits for the others' tabs to be sent their news.
TAB_WAIT_SECONDS = 1.0


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
    program_name: str = ""
    peer_mentorship_enabled: bool = True
    announcement: str = ""
    announcement_seq: int = 0
    announced_at: float = 0.0
    loaded: bool = False
    # The numbers behind ``standing`` (server only), to re-word it after a send.
    _standing: inbox_service.Standing | None = None

    def _refresh(self, program_id: int, employee_id: int, db: Session | None = None) -> None:
        """Reload from the database and announce what arrived since the last load.

        ``db``: the caller's open database session, if it has one (SQLite lets
        one transaction at a time write, so a second session would wait on it).
        """
        if db is None:
            self._apply(*_load_inbox(program_id, employee_id))
        else:
            self._apply(*_read_inbox(db, program_id, employee_id))

    def _apply_program(self, program: Program) -> None:
        if self.loaded and program.peer_mentorship_enabled != self.peer_mentorship_enabled:
            _announce(self, wording.program_switched(program.peer_mentorship_enabled))
        _update(
            self,
            program_name=program.name,
            peer_mentorship_enabled=program.peer_mentorship_enabled,
        )

    def _apply(self, box: inbox_service.Inbox, program: Program) -> None:
        self._apply_program(program)
        before_incoming = {row.id for row in self.incoming}
        before_outgoing = {row.id for row in self.outgoing}
        incoming = [RequestRow.of(item) for item in box.incoming]
        outgoing = [RequestRow.of(item) for item in box.outgoing]
        peers = [PeerRow.of(item) for item in box.peers]
        # Only what changed goes into the delta: a new request must not resend
        # the whole history to every tab.
        _update(
            self,
            incoming=incoming,
            outgoing=outgoing,
            history=[RequestRow.of(item) for item in box.history],
            peers=peers,
            incoming_count=len(incoming),
            outgoing_ids=[row.other_id for row in outgoing],
            incoming_from_ids=[row.other_id for row in incoming],
            paired_ids=[row.other_id for row in peers],
            standing=StandingRow.of(box.standing),
        )
        self._standing = box.standing
        if self.loaded:
            news = wording.arrivals(
                row.other_name for row in self.incoming if row.id not in before_incoming
            )
            news += wording.inbox_news(box.history, before_incoming, before_outgoing)
            if news:
                _announce(self, wording.announcement(news))
        if not self.loaded:
            self.loaded = True

    def _add_sent(self, row: RequestRow) -> None:
        """A request just sent to or by this person: add its row without a reload.

        Skipped when the row is already here (a reload got there first) or
        already closed in the history (answered or withdrawn meanwhile).
        """
        if any(seen.id == row.id for seen in (*self.incoming, *self.outgoing, *self.history)):
            return
        if row.direction == "incoming":
            incoming = [row, *self.incoming][: inbox_service.PENDING_LIMIT]
            _update(
                self,
                incoming=incoming,
                incoming_count=len(incoming),
                incoming_from_ids=[seen.other_id for seen in incoming],
            )
            _announce(self, wording.new_request(row.other_name))
            return
        outgoing = [row, *self.outgoing][: inbox_service.PENDING_LIMIT]
        _update(self, outgoing=outgoing, outgoing_ids=[seen.other_id for seen in outgoing])
        if self._standing is not None:
            # Open requests are exactly the pending ones sent, as listed.
            self._standing = dataclasses.replace(self._standing, open_requests=len(outgoing))
            _update(self, standing=StandingRow.of(self._standing))


def channel_of(employee_id: int) -> str:
    """The shared token of a person's live channel (unguessable; never a tab's token)."""
    key = channels.cached_key()
    if key is None:
        with rx.session() as db:  # once per process
            key = channels.server_key(db)
    return channels.channel_name(key, employee_id)


def _update(state: InboxState, **values) -> None:
    """Assign only the vars whose value differs (an assignment marks a var dirty)."""
    for name, value in values.items():
        if getattr(state, name) != value:
            setattr(state, name, value)


def _announce(state: InboxState, text: str) -> None:
    """News for the toast and the polite live region of every linked tab."""
    state.announcement = text
    state.announcement_seq += 1
    state.announced_at = time.time() * 1000


def _read_inbox(
    db: Session, program_id: int, employee_id: int
) -> tuple[inbox_service.Inbox, Program]:
    box = inbox_service.load_inbox(db, program_id=program_id, employee_id=employee_id)
    return box, programs.get_program(db, program_id)


def _load_inbox(program_id: int, employee_id: int) -> tuple[inbox_service.Inbox, Program]:
    with rx.session() as db:
        return _read_inbox(db, program_id, employee_id)


def _load_program(program_id: int) -> tuple[Program, list[int]]:
    with rx.session() as db:
        program = programs.get_program(db, program_id)
        db.expunge(program)
        return program, programs.member_ids(db, program_id)


async def _refresh_inbox(app: rx.App, program_id: int, employee_id: int) -> None:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        inbox = await root.get_state(InboxState)
        # Read inside the lock (updates of one inbox never overtake each other)
        # but off the event loop, so other people's pushes and events go on.
        inbox._apply(*await asyncio.to_thread(_load_inbox, program_id, employee_id))


async def _refresh_all(app: rx.App, program_id: int, people: list[int]) -> None:
    results = await asyncio.gather(
        *(_refresh_inbox(app, program_id, employee_id) for employee_id in people),
        return_exceptions=True,
    )
    failures = [
        (employee_id, result)
        for employee_id, result in zip(people, results, strict=True)
        if isinstance(result, BaseException)
    ]
    for employee_id, failure in failures:
        logger.error("Live inbox update for %s failed", employee_id, exc_info=failure)
    if failures:
        raise failures[0][1]


async def refresh_inboxes(
    program_id: int, people: set[int], app: rx.App | None = None, actor_id: int | None = None
) -> None:
    """Reload these people's inbox channels now (awaits the state locks).

    The others concerned come first, all at once; the actor's own inbox last:
    it is usually linked into the event still being processed (so it would wait
    for that event anyway), and the actor already sees their own click's result.
    """
    app = app or reflex_compat.current_app()
    others = sorted(person for person in people if person != actor_id)
    if others:
        async with _reaching_tabs():
            await _refresh_all(app, program_id, others)
    if actor_id in people:
        await _refresh_all(app, program_id, [actor_id])


@contextlib.asynccontextmanager
async def _reaching_tabs():
    """Wait until the pushes made inside have been sent on to the linked tabs.

    Reflex hands each linked tab its delta in a task of its own. Starting the
    actor's reload (a database read that holds the interpreter) before those
    tasks have written their frames would delay the other people's news.
    """
    before = reflex_compat.pending_tab_updates()
    yield
    started = reflex_compat.started_since(before)
    if started:
        await asyncio.wait(started, timeout=TAB_WAIT_SECONDS)


async def _set_program(app: rx.App, program: Program, employee_id: int) -> None:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        (await root.get_state(InboxState))._apply_program(program)


async def _push_program(program_id: int) -> None:
    app = reflex_compat.current_app()
    program, members = await asyncio.to_thread(_load_program, program_id)
    # A few at a time: a program of thousands must not flood Redis at once.
    for start in range(0, len(members), 50):
        results = await asyncio.gather(
            *(_set_program(app, program, member) for member in members[start : start + 50]),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                logger.error("Live program update failed", exc_info=result)


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


async def _deliver(app: rx.App, employee_id: int, item: inbox_service.RequestItem) -> None:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        inbox = await root.get_state(InboxState)
        # A channel nobody has loaded has no tab to show it: the first tab
        # that links it reads everything from the database.
        if inbox.loaded:
            inbox._add_sent(RequestRow.of(item))


async def _push_outcome(program_id: int, outcome: request_service.Outcome, actor_id: int) -> None:
    app = reflex_compat.current_app()
    if not outcome.rows:
        await refresh_inboxes(program_id, set(outcome.people), app, actor_id)
        return
    others = sorted(person for person in outcome.rows if person != actor_id)
    async with _reaching_tabs():
        results = await asyncio.gather(
            *(_deliver(app, person, outcome.rows[person]) for person in others),
            return_exceptions=True,
        )
    failures = {
        person: result
        for person, result in zip(others, results, strict=True)
        if isinstance(result, BaseException)
    }
    if actor_id in outcome.rows:
        try:
            await _deliver(app, actor_id, outcome.rows[actor_id])
        except Exception as failure:
            failures[actor_id] = failure
    for person, failure in failures.items():
        # A failed delivery falls back to reading that inbox from the database.
        logger.warning("Live delivery to %s failed; reloading it", person, exc_info=failure)
    if failures:
        await refresh_inboxes(program_id, set(failures), app, actor_id)


def push_outcome(program_id: int, outcome: request_service.Outcome, actor_id: int) -> None:
    """Show a request action in every open tab of the people it concerns.

    A plain send travels as each side's new row, straight into their open
    inboxes (no database read on the way); every other change reloads the
    inboxes concerned from the database. The actor's own inbox comes last.
    """
    _spawn(_push_outcome(program_id, outcome, actor_id))


def push_inboxes(program_id: int, people: set[int], actor_id: int | None = None) -> None:
    """Refresh these people's inboxes in every tab they have open (the actor's last)."""
    if people:
        _spawn(refresh_inboxes(program_id, set(people), actor_id=actor_id))


def push_program(program_id: int) -> None:
    """Show the program's flag in every open tab of every member."""
    _spawn(_push_program(program_id))


async def _tabs_of(app: rx.App, employee_id: int) -> set[str]:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        return reflex_compat.linked_tabs(await root.get_state(InboxState))


async def _recheck_tab(app: rx.App, tab: str) -> None:
    from peerapp.state.session import SessionState

    async with app.modify_state(BaseStateToken(ident=tab, cls=SessionState)) as root:
        await (await root.get_state(SessionState))._recheck()


async def _sign_out_ended_tabs(employee_id: int, except_tab: str | None) -> None:
    app = reflex_compat.current_app()
    tabs = sorted(tab for tab in await _tabs_of(app, employee_id) if tab != except_tab)
    results = await asyncio.gather(
        *(_recheck_tab(app, tab) for tab in tabs), return_exceptions=True
    )
    for tab, result in zip(tabs, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("Signing out tab %s failed", tab, exc_info=result)


def sign_out_ended_tabs(employee_id: int, except_tab: str | None = None) -> None:
    """After sessions of a person ended: every tab of theirs re-checks its own session.

    A tab whose session ended is unlinked from the live channel and its pages
    are emptied at once, even if it never sends another event (through the
    shared state store, whichever worker holds its socket). Tabs with a session
    that is still valid are left as they are.
    """
    _spawn(_sign_out_ended_tabs(employee_id, except_tab))
