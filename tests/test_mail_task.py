"""The app's mail task: rounds run in a thread, never on the event loop, and survive errors."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from peerapp import mail_task


def test_rounds_run_in_a_thread_and_a_failed_round_does_not_stop_the_next(monkeypatch):
    threads: list[int] = []

    def one_round(_transport) -> frozenset[int]:
        threads.append(threading.get_ident())
        if len(threads) == 1:
            raise RuntimeError("the database went away for a moment")
        return frozenset()

    monkeypatch.setattr(mail_task, "_one_round", one_round)
    monkeypatch.setattr(mail_task, "MAIL_INTERVAL_SECONDS", 0.01)
    monkeypatch.setenv("PEERAPP_SMTP_URL", "smtp://127.0.0.1:1")

    async def run() -> int:
        loop_thread = threading.get_ident()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(mail_task.send_mail_periodically(None), timeout=0.3)
        return loop_thread

    loop_thread = asyncio.run(run())
    assert len(threads) >= 2
    assert loop_thread not in threads


def test_a_throttled_job_runs_at_most_once_per_interval(monkeypatch):
    from peerapp.services import mail_round

    ran: list[object] = []
    moments = iter([100.0, 130.0, 161.0])
    monkeypatch.setattr(mail_round.time, "monotonic", lambda: next(moments))
    job = mail_round.AtMostEvery(lambda db: ran.append(db) or "done", 60)
    assert [job("a"), job("b"), job("c")] == ["done", None, "done"]
    assert ran == ["a", "c"]
