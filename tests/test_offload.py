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


def test_work_off_the_loop_lets_other_tabs_go_on_and_can_start_loop_tasks():
    """A blocking database wait in one event must not hold up another tab's event."""
    release = threading.Event()
    started_on: list[int] = []

    def slow_work() -> str:
        # Stands in for a statement waiting on PostgreSQL; meanwhile it starts a
        # live push, which must run as a task of the loop.
        offload.on_the_loop(lambda: started_on.append(threading.get_ident()))
        assert release.wait(5), "the loop never got to the other tab"
        return "searched"

    async def other_tab() -> None:
        await asyncio.sleep(0)
        release.set()

    async def both() -> tuple[str, int]:
        searched, _ = await asyncio.gather(offload.off_the_loop(slow_work), other_tab())
        return searched, threading.get_ident()

    searched, loop_thread = asyncio.run(both())
    assert searched == "searched"
    assert started_on == [loop_thread]


def test_on_the_loop_outside_any_event_says_so():
    with pytest.raises(RuntimeError, match="outside"):
        offload.on_the_loop(lambda: None)


def test_a_cancelled_event_waits_for_its_thread_before_it_ends():
    """Closing a tab cancels its event; the session the thread uses must outlive the thread."""
    finished = threading.Event()

    def slow() -> None:
        threading.Event().wait(0.2)
        finished.set()

    async def scenario() -> None:
        task = asyncio.ensure_future(offload.off_the_loop(slow))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert finished.is_set(), "the cancelled event ended while its thread still ran"

    asyncio.run(scenario())
