"""Live pushes: reload the channels (state/inbox.py) of the people a change concerns.

When a service changes something that concerns people, ``push_inboxes`` (or
``push_outcome`` for a request) reloads their ``InboxState`` from the database
via ``app.modify_state``, and Reflex sends the delta to all their linked tabs.

The program's flag (peer mentorship on or off) travels in the same per-person
channel. A program-wide shared state would link every open tab to one token:
each page load would then touch it and fan out to all tabs (quadratic work with
a thousand people online). Instead the rare admin change is pushed to each
member's channel, and a page load only ever touches its own person's channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection

import reflex as rx
from reflex import BaseStateToken

from peerapp import reflex_compat
from peerapp.models import Program
from peerapp.services import inbox as inbox_service
from peerapp.services import requests as request_service
from peerapp.state.inbox import InboxState, channel_of, load_inbox, load_program, unread_of
from peerapp.state.offload import on_the_loop
from peerapp.state.rows import RequestRow

logger = logging.getLogger(__name__)
_background: set[asyncio.Task] = set()
# How long the actor's own reload waits for the others' tabs to be sent their news.
TAB_WAIT_SECONDS = 1.0


async def _refresh_inbox(app: rx.App, employee_id: int) -> None:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    async with app.modify_state(token) as root:
        inbox = await root.get_state(InboxState)
        # Read inside the lock (updates of one inbox never overtake each other)
        # but off the event loop, so other people's pushes and events go on.
        inbox._apply(*await asyncio.to_thread(load_inbox, employee_id))


async def _refresh_all(app: rx.App, people: list[int]) -> None:
    results = await asyncio.gather(
        *(_refresh_inbox(app, employee_id) for employee_id in people),
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
    people: Collection[int], app: rx.App | None = None, actor_id: int | None = None
) -> None:
    """Reload these people's inbox channels now (awaits the state locks).

    Each channel shows its person's current program (the one their navigation
    has chosen), whichever program the change was in.

    The others concerned come first, all at once; the actor's own inbox last:
    it is usually linked into the event still being processed (so it would wait
    for that event anyway), and the actor already sees their own click's result.
    """
    app = app or reflex_compat.current_app()
    others = sorted(person for person in people if person != actor_id)
    if others:
        async with _reaching_tabs():
            await _refresh_all(app, others)
    if actor_id in people:
        await _refresh_all(app, [actor_id])


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
        inbox = await root.get_state(InboxState)
        if inbox.program_id == program.id:  # their channel shows another program
            inbox._apply_program(program)


async def _push_program(program_id: int) -> None:
    app = reflex_compat.current_app()
    program, members = await asyncio.to_thread(load_program, program_id)
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
    # inbox may be linked into the event being processed. Work running in a
    # thread (state/offload.py) may ask for a push too: the task starts on the loop.
    on_the_loop(lambda: _start(coroutine))


def _start(coroutine) -> None:
    task = asyncio.create_task(coroutine)
    _background.add(task)

    def done(finished: asyncio.Task) -> None:
        _background.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            logger.error("Live update failed", exc_info=finished.exception())

    task.add_done_callback(done)


async def _deliver(
    app: rx.App, program_id: int, employee_id: int, item: inbox_service.RequestItem
) -> None:
    token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
    # The recipient's bell follows the notice the send wrote: one short indexed
    # count (the sender is told nothing new). On the loop: a hop to a thread and
    # back cost the push more than the count itself (bench/live_latency.py).
    incoming = item.direction == "incoming"
    unread = unread_of(employee_id) if incoming else None
    async with app.modify_state(token) as root:
        inbox = await root.get_state(InboxState)
        if unread is not None:
            inbox._set_unread(unread)
        # A channel nobody has loaded has no tab to show it: the first tab
        # that links it reads everything from the database.
        # A channel showing another program leaves the row for when it comes back.
        if inbox.loaded and inbox.program_id == program_id:
            inbox._add_sent(RequestRow.of(item))


async def _push_outcome(outcome: request_service.Outcome, actor_id: int) -> None:
    app = reflex_compat.current_app()
    if not outcome.rows:
        await refresh_inboxes(outcome.told, app, actor_id)
        return
    program_id = outcome.request.program_id
    others = sorted(person for person in outcome.rows if person != actor_id)
    async with _reaching_tabs():
        results = await asyncio.gather(
            *(_deliver(app, program_id, person, outcome.rows[person]) for person in others),
            return_exceptions=True,
        )
    failures = {
        person: result
        for person, result in zip(others, results, strict=True)
        if isinstance(result, BaseException)
    }
    if actor_id in outcome.rows:
        try:
            await _deliver(app, program_id, actor_id, outcome.rows[actor_id])
        except Exception as failure:
            failures[actor_id] = failure
    for person, failure in failures.items():
        # A failed delivery falls back to reading that inbox from the database.
        logger.warning("Live delivery to %s failed; reloading it", person, exc_info=failure)
    if failures:
        await refresh_inboxes(set(failures), app, actor_id)


def push_outcome(outcome: request_service.Outcome, actor_id: int) -> None:
    """Show a request action in every open tab of the people it concerns.

    A plain send travels as each side's new row, straight into their open
    inboxes (no database read on the way); every other change reloads the
    inboxes concerned from the database. The actor's own inbox comes last.
    """
    _spawn(_push_outcome(outcome, actor_id))


def push_inboxes(people: Collection[int], actor_id: int | None = None) -> None:
    """Refresh these people's inboxes in every tab they have open (the actor's last)."""
    if people:
        _spawn(refresh_inboxes(set(people), actor_id=actor_id))


async def _refresh_unread(people: list[int]) -> None:
    app = reflex_compat.current_app()
    for employee_id in people:
        unread = await asyncio.to_thread(unread_of, employee_id)
        token = BaseStateToken(ident=channel_of(employee_id), cls=InboxState)
        async with app.modify_state(token) as root:
            (await root.get_state(InboxState))._set_unread(unread)


def push_unread(people: Collection[int]) -> None:
    """Re-count these people's unread notices in every tab they have open (the bell only)."""
    if people:
        _spawn(_refresh_unread(sorted(people)))


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
