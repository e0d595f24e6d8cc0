"""The app's lifespan task that delivers the email outbox every few seconds.

Not a state: ``peerapp.py`` registers it with ``app.register_lifespan_task``.
Every worker runs it; claims with leases (``services/outbox.py``) keep them
from sending a message twice. SMTP and file writes block, so each round runs
in a thread and the event loop keeps serving clicks meanwhile.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from peerapp.services import mail_round, mailer
from peerapp.settings import MAIL_INTERVAL_SECONDS
from peerapp.state.live import refresh_inboxes

logger = logging.getLogger(__name__)


def _one_round(transport: mailer.Transport) -> frozenset[int]:
    with rx.session() as db:
        done = mail_round.run_round(db, transport)
    delivered = done.delivered
    if delivered.sent or delivered.retried or delivered.failed:
        logger.info(
            "Mail: %d sent, %d to retry, %d failed",
            delivered.sent,
            delivered.retried,
            delivered.failed,
        )
    return done.told


async def send_mail_periodically(app: rx.App) -> None:
    """Run mail rounds forever (a failed round is logged; the next one retries)."""
    try:
        transport = mailer.configured_transport()
    except RuntimeError:
        logger.exception("Email is not sent: the mail settings are wrong")
        return
    while True:
        try:
            told = await asyncio.to_thread(_one_round, transport)
            if told:
                await refresh_inboxes(told, app=app)
        except Exception:  # keep the loop alive; the next round retries
            logger.exception("Delivering email failed")
        await asyncio.sleep(MAIL_INTERVAL_SECONDS)
