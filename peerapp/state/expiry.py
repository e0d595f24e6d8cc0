"""Expiry inside the app: a lifespan task that closes overdue requests every minute.

``peerapp expire-requests`` does the same from cron; both are idempotent, so
several workers (or both at once) never expire a request twice.
"""

from __future__ import annotations

import asyncio
import logging
import os

import reflex as rx

from peerapp.services import programs, requests
from peerapp.state.live import refresh_inboxes

logger = logging.getLogger(__name__)
# How often the in-app sweep runs; tests shorten it.
INTERVAL_SECONDS = float(os.environ.get("PEERAPP_EXPIRY_INTERVAL_SECONDS", "60"))


async def expire_requests_periodically(app: rx.App) -> None:
    """Expire due requests, then refresh the open inboxes of everyone concerned."""
    while True:
        try:
            with rx.session() as db:
                affected = requests.expire_due(db)
                program_id = programs.default_program(db).id
            if affected:
                await refresh_inboxes(program_id, affected, app=app)
        except Exception:  # keep the loop alive; the next round retries
            logger.exception("Expiring requests failed")
        await asyncio.sleep(INTERVAL_SECONDS)
