"""The app's lifespan task: closes overdue requests and ended cohorts, and reminds.

Not a state: ``peerapp.py`` registers it with ``app.register_lifespan_task``.
``peerapp expire-requests`` does the same from cron; both are idempotent, so
several workers (or both at once) never expire a request twice.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from peerapp.services import closing, cohorts, reminders
from peerapp.settings import EXPIRY_INTERVAL_SECONDS
from peerapp.state.live import refresh_inboxes

logger = logging.getLogger(__name__)


async def expire_requests_periodically(app: rx.App) -> None:
    """Expire due requests, close ended cohorts, remind, then refresh everyone concerned.

    Daily digests are written by the mail sender's round (services/mail_round.py).
    """
    while True:
        try:
            # The statements wait for the database: in a thread, never on the loop.
            affected = await asyncio.to_thread(_close_due)
            if affected:
                await refresh_inboxes(affected, app=app)
        except Exception:  # keep the loop alive; the next round retries
            logger.exception("Expiring requests failed")
        await asyncio.sleep(EXPIRY_INTERVAL_SECONDS)


def _close_due() -> frozenset[int]:
    with rx.session() as db:
        affected = closing.expire_due(db).told | cohorts.close_ended_cohorts(db).told
        return affected | reminders.remind_due(db).told
