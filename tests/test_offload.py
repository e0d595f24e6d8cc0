"""Password hashing runs on threads that give way to the event loop."""

from __future__ import annotations

import asyncio
import os
import sys
import threading

import pytest

from peerapp.state import offload


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priority is a Linux feature")
def test_hashing_threads_run_at_the_lowest_priority_the_loop_does_not():
    def own_priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    async def both() -> tuple[int, int]:
        return own_priority(), await offload.with_password_pool(own_priority)

    loop_priority, pool_priority = asyncio.run(both())
    assert pool_priority == offload.HASHING_NICENESS
    assert loop_priority < pool_priority
