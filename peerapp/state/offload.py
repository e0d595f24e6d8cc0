"""Run slow, blocking service calls off the event loop.

Every event of every tab on a worker runs on one event loop. ``off_the_loop``
runs a call in a thread, and ``on_the_loop`` lets such a call start the live
pushes, which are tasks of the loop. It is for calls that mostly wait (a page
opened rarely, work that may block): an ordinary handler's database work is
mostly Python, and run in threads it fought the loop for the interpreter lock,
which cut a worker's throughput several times over under load
(bench/load.py), so handlers run on the loop (``state/actions.act``). A password hash
(argon2) takes tens of milliseconds of CPU by design: hashed on the loop, 30
sign-ins at once made another person's no-op event wait seconds. Calls that
may hash go to this small pool instead (``PEERAPP_PASSWORD_HASH_THREADS``,
default 2); the loop keeps serving everyone while they queue for it. argon2
releases the GIL while it hashes.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from peerapp import settings

P = ParamSpec("P")
T = TypeVar("T")

# Lowest CPU priority for the hashing threads (and the threads argon2 starts from
# them, which inherit it): on a busy machine the event loop, which answers every
# tab, gets the cores first, and a burst of sign-ins only makes sign-ins slower.
HASHING_NICENESS = 19


def _yield_to_the_event_loop() -> None:
    # On Linux a thread's id names that one thread for setpriority; elsewhere the
    # thread stays an ordinary one.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


_password_pool = ThreadPoolExecutor(
    max_workers=settings.PASSWORD_HASH_THREADS,
    thread_name_prefix="peerapp-password",
    initializer=_yield_to_the_event_loop,
)


async def with_password_pool(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on the password pool; its result or its exception."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_password_pool, functools.partial(function, *args, **kwargs))


# The loop whose event started the work now running in a thread (to_thread copies
# the context, so the thread sees the value set by the event it runs for).
_EVENT_LOOP: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "peerapp_event_loop", default=None
)


async def off_the_loop(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` in a thread, so the loop serves other tabs meanwhile.

    The caller waits, so ``function`` may read and change the calling state as
    if it ran on the loop: Reflex handles one event of a state at a time.
    """
    token = _EVENT_LOOP.set(asyncio.get_running_loop())
    try:
        work = asyncio.ensure_future(asyncio.to_thread(function, *args, **kwargs))
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            # The event was cancelled (its tab went away) but a thread cannot be
            # stopped: the caller closes the database session it passed in only
            # once the thread is done with it (else SQLAlchemy refuses the close
            # mid-statement). A second cancel waits the same way.
            while not work.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait({work})
            raise
    finally:
        _EVENT_LOOP.reset(token)


def on_the_loop(callback: Callable[[], object]) -> None:
    """Run ``callback`` on the event loop: at once on the loop's own thread, else soon."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = _EVENT_LOOP.get()
        if loop is None:
            raise RuntimeError("on_the_loop outside an event and outside off_the_loop") from None
        loop.call_soon_threadsafe(callback)
    else:
        callback()
