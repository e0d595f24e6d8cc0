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
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from peerapp import settings

P = ParamSpec("P")
T = TypeVar("T")

_password_pool = ThreadPoolExecutor(
    max_workers=settings.PASSWORD_HASH_THREADS, thread_name_prefix="peerapp-password"
)


async def with_password_pool(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``function(*args, **kwargs)`` on the password pool; its result or its exception."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_password_pool, functools.partial(function, *args, **kwargs))
