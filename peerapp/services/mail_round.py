"""One round of the mail sender: the jobs that write mail, then delivery of the outbox.

The app's lifespan task (``peerapp/mail_task.py``) and ``peerapp send-mail``
both run rounds, so whatever must happen periodically before mail goes out
(reminders before a request expires, daily digests) is listed once, in
``JOBS_BEFORE_DELIVERY``, and runs in order each round. Every job must be safe
to run in several workers at once (the database decides who does the work),
takes a session, and may return a ``Change`` saying whose screens to refresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from peerapp.services import digest, mail_due, outbox
from peerapp.services.mailer import Transport
from peerapp.services.outbox import Delivered

logger = logging.getLogger(__name__)

Job = Callable[[Session], object]


class AtMostEvery:
    """``job``, run at most once every ``seconds`` in this process (the first call runs)."""

    def __init__(self, job: Job, seconds: float) -> None:
        self.job, self.seconds = job, seconds
        self._last = float("-inf")
        self.__qualname__ = getattr(job, "__qualname__", repr(job))

    def __call__(self, db: Session) -> object:
        now = time.monotonic()
        if now - self._last < self.seconds:
            return None
        self._last = now
        return self.job(db)


# Jobs that write outbox rows, run in this order before each delivery: the emails
# of notices due at once, then the daily digests. Digest hours are whole hours and
# each look walks everyone whose digest still waits, so once a minute is enough.
# (Reminders run with request expiry: they concern the same requests.)
JOBS_BEFORE_DELIVERY: tuple[Job, ...] = (
    mail_due.write_due_mail,
    AtMostEvery(digest.send_due_digests, 60),
)


@dataclass(frozen=True)
class Round:
    """What a round delivered, and who the jobs said must see a change."""

    delivered: Delivered
    told: frozenset[int]


def run_round(
    db: Session, transport: Transport, jobs: Sequence[Job] = JOBS_BEFORE_DELIVERY
) -> Round:
    """Run each job, then deliver everything due; a failing job does not stop the mail."""
    told: set[int] = set()
    for job in jobs:
        try:
            result = job(db)
        except Exception:  # the next round runs it again; delivery ends what it left open
            logger.exception("Mail job %s failed", getattr(job, "__qualname__", job))
            continue
        told |= getattr(result, "told", frozenset())
    return Round(outbox.deliver_all(db, transport), frozenset(told))
