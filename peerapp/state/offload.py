"""Run slow, blocking service calls off the event loop.

Every event of every tab on a worker runs on one event loop. A password hash
(argon2) takes tens of milliseconds of CPU by design: hashed on the loop, 30
sign-ins at once made another person's no-op event wait seconds. Calls that
may hash go to this small pool instead (``PEERAPP_PASSWORD_HASH_THREADS``,
default 2); the loop keeps serving everyone while they queue for it. argon2
releases the GIL while it hashes.
"""

from __future__ import annotations

import asyncio
import contextlib
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
