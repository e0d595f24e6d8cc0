"""The one shape of an action handler: who asks, busy, call the service, words for a no.

Every handler that acts for the signed-in person goes through ``act``:

1. who is asking, from the session (never from an argument); a signed-out tab
   goes to the sign-in page and nothing it sent is kept or passed on;
2. the busy flag (a bool var, or an id in a list var) is set and shown;
3. ``work(db, viewer)`` calls the service and copies its result into vars;
   what it returns (a toast, a redirect) goes to the browser;
4. a ``Refused`` becomes an error toast (and ``refused(message)`` for inline text);
5. the busy flag is taken off again, whatever happened.

A handler delegates with ``async for update in act(...): yield update``: a
handler that is an async generator is plain Reflex, and the handler keeps its
own signature, so a forged argument name is refused by Reflex at its boundary.
Browser input is read in the services (``services/validation.py``), inside
``work``: after the sign-in check.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from peerapp import routes
from peerapp.db import read_session
from peerapp.services import Refused, validation
from peerapp.services.unit import end_reads
from peerapp.state.identity import Viewer
from peerapp.state.session import current_viewer

Work = Callable[[Session, Viewer], Any]
# ``busy_id`` not given: ``busy`` is a bool. (None is a value a browser can send.)
_FLAG = object()


async def act(
    state: rx.State,
    work: Work,
    *,
    busy: str = "",
    busy_id: object = _FLAG,
    refused: Callable[[str], object] | None = None,
    reads: bool = False,
) -> AsyncIterator[Any]:
    """Run ``work`` for the signed-in person; the steps are in the module docstring.

    ``reads``: the work only reads (a search), so on SQLite it runs as a WAL
    reader that never waits for a writer nor holds one up, and on PostgreSQL with
    no transaction (``db.read_session``).

    ``busy`` names the var that shows the action is working: a bool, or (with
    ``busy_id``) a list of ids, of which only valid ids are tracked (the
    service says what is wrong with the others). An action already working
    on the same thing is not started twice.
    """
    mark = _Busy(state, busy, busy_id)
    try:
        # One database session for the sign-in check and the work: one connection
        # checkout (and, on PostgreSQL, one ping and rollback) fewer per event.
        with read_session(rx.session) if reads else rx.session() as db:
            viewer = await current_viewer(state, db)
            if viewer is None:
                result = rx.redirect(routes.LOGIN)
            elif mark.already():
                return
            else:
                if mark.shown:
                    # End the check's transaction before the busy delta goes out:
                    # on SQLite every transaction holds the write lock.
                    end_reads(db)
                    mark.take()
                    yield
                # On the loop, not in a thread: the work is mostly Python (building
                # and reading statements), and a thread fighting the loop for the
                # interpreter lock cut a worker's throughput several times over
                # under load (bench/load.py), more than the waits it overlapped.
                result = work(db, viewer)
                if inspect.isawaitable(result):
                    result = await result
    except Refused as refusal:
        if refused is not None:
            refused(refusal.message)
        result = rx.toast.error(refusal.message)
    finally:
        mark.release()
    # After the database session is closed: what the browser is sent next may
    # start the live pushes, which read the database.
    if result is not None:
        yield result


class _Busy:
    """The var that says an action is working: a bool flag, or one id in a list."""

    def __init__(self, state: rx.State, name: str, key: object):
        self.state, self.name, self.key = state, name, key
        self.in_list = key is not _FLAG
        # Only valid ids are tracked: True == 1 would match request 1.
        self.shown = bool(name) and (not self.in_list or validation.is_identifier(key))
        self.taken = False

    def already(self) -> bool:
        if not self.shown:
            return False
        current = getattr(self.state, self.name)
        return self.key in current if self.in_list else bool(current)

    def take(self) -> None:
        self.taken = True
        if self.in_list:
            setattr(self.state, self.name, [*getattr(self.state, self.name), self.key])
        else:
            setattr(self.state, self.name, True)

    def release(self) -> None:
        if not self.taken:
            return
        self.taken = False
        if self.in_list:
            kept = [i for i in getattr(self.state, self.name) if i != self.key]
            setattr(self.state, self.name, kept)
        else:
            setattr(self.state, self.name, False)
