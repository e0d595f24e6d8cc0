"""Delivering the outbox: claim what is due, send it outside any transaction, record what happened.

Exactly once, as far as SMTP allows:

- A sender *claims* a batch in one short transaction: the rows become
  ``sending`` with a lease (``lease_until``, copied into ``next_attempt_at`` so
  that one partial index finds both waiting and abandoned messages). On
  PostgreSQL the rows are picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
  two workers never pick the same one; on SQLite every transaction holds the
  database's write lock (``peerapp/db.py``), and the claiming ``UPDATE`` repeats
  the "still due" condition, so a row is claimed by one sender only.
- Each message is sent with no transaction open (SMTP may take seconds), then
  marked ``sent`` in its own transaction, and only if the lease is still the
  one this sender took. A sender that dies mid-batch leaves its rows
  ``sending``; when the lease runs out any sender claims them again. The
  Message-ID is stored with the message, so every retry carries the same one.
- No sender starts a message with less than ``LEASE_MARGIN`` left of its lease,
  so a slow server does not let a second sender take a message the first is
  still sending.

The one window that cannot be closed: the server has accepted a message (its
``250`` after DATA) and the sender dies, or loses the database, before it
records ``sent``. After the lease the message is sent again, with the same
Message-ID, which lets a mail store or reader drop the copy. Shrinking that
window further would need the SMTP server to take part in our transaction,
which SMTP has no way to do.

Temporary failures (server unreachable, 4xx) are retried with exponential
backoff (``FIRST_RETRY`` doubling up to ``LONGEST_WAIT``, minus up to a fifth at
random so retries after an outage spread out); after ``MAX_ATTEMPTS`` attempts,
or at once for a permanent failure (5xx), the message is ``failed`` and admins
see it (``services/mail_failures.py``).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import OutboxMessage, OutboxStatus
from peerapp.models.notices import ERROR_MAX
from peerapp.services.mailer import Letter, MailFailure, Transport
from peerapp.services.sql import rows_changed
from peerapp.services.unit import end_reads, unit_of_work

logger = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=10)
# One send may take several SMTP timeouts (connect, TLS, login, each command).
LEASE_MARGIN = timedelta(minutes=3)
# 30 s doubling to an hour between attempts: ten attempts cover about three hours of outage.
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
JITTER = 0.2
DIED_WHILE_SENDING = "The sender stopped while sending it, every time it tried."

_WAITING = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)


@dataclass(frozen=True)
class Delivered:
    """What one delivery round did; ``more``: the batch was full, so more may be due."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    more: bool = False

    def __add__(self, other: Delivered) -> Delivered:
        return Delivered(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            other.more,
        )


@dataclass(frozen=True)
class _Claimed:
    letter: Letter
    attempts: int


@dataclass
class _Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: list[int] = field(default_factory=list)


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """How long to wait after the ``attempts``-th attempt failed for a temporary reason."""
    nominal: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    return nominal * (1 - JITTER * rng())


def deliver_due(
    db: Session, transport: Transport, *, batch: int = BATCH, now: datetime | None = None
) -> Delivered:
    """Claim up to ``batch`` due messages, deliver them, and record each outcome.

    Not inside a unit of work: nothing may be open while SMTP talks. ``now``
    pins the time of this round (default: the clock at each step).
    """
    end_reads(db)

    def clock() -> datetime:
        return now or utcnow()

    lease, claimed, given_up = _claim(db, batch, clock())
    tally = _Tally(failed=given_up)
    try:
        for position, item in enumerate(claimed):
            if clock() + LEASE_MARGIN > lease:
                _release(db, claimed[position:], lease, clock())
                break
            try:
                transport.send(item.letter)
            except MailFailure as failure:
                if failure.connection:
                    # The server is away: the rest of the batch would fail the same way.
                    for rest in claimed[position:]:
                        _record_failure(db, rest, lease, failure, clock(), tally)
                    break
                _record_failure(db, item, lease, failure, clock(), tally)
            else:
                tally.sent += 1
                if not _finish(db, item, lease, status=OutboxStatus.SENT.value, sent_at=clock()):
                    tally.lost.append(item.letter.outbox_id)
    finally:
        transport.close()
    if tally.lost:
        logger.warning("Sent outbox messages %s after their lease ran out", tally.lost)
    return Delivered(tally.sent, tally.retried, tally.failed, len(claimed) + given_up >= batch)


def deliver_all(
    db: Session, transport: Transport, *, batch: int = BATCH, rounds: int = 100
) -> Delivered:
    """Deliver batch after batch while full batches come back (at most ``rounds``)."""
    total = Delivered()
    for _ in range(rounds):
        total = total + deliver_due(db, transport, batch=batch)
        if not total.more:
            break
    return total


def _claim(db: Session, batch: int, now: datetime) -> tuple[datetime, list[_Claimed], int]:
    """Take due messages for this sender: (its lease, what to send, how many it gave up on)."""
    lease = now + LEASE
    due = sa.and_(
        col(OutboxMessage.status).in_(_WAITING), col(OutboxMessage.next_attempt_at) <= now
    )
    with unit_of_work(db):
        ids = list(
            db.exec(
                select(OutboxMessage.id)
                .where(due)
                .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
        )
        if not ids:
            return lease, [], 0
        db.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(ids), due)
            .values(
                status=OutboxStatus.SENDING.value,
                lease_until=lease,
                next_attempt_at=lease,
                attempts=col(OutboxMessage.attempts) + 1,
            )
        )
        ours = sa.and_(
            col(OutboxMessage.id).in_(ids),
            col(OutboxMessage.status) == OutboxStatus.SENDING.value,
            col(OutboxMessage.lease_until) == lease,
        )
        # Only a sender that died mid-send every time gets here past the limit.
        given_up = rows_changed(
            db,
            sa.update(OutboxMessage)
            .where(ours, col(OutboxMessage.attempts) > MAX_ATTEMPTS)
            .values(
                status=OutboxStatus.FAILED.value, lease_until=None, last_error=DIED_WHILE_SENDING
            ),
        )
        rows = db.execute(
            sa.select(
                col(OutboxMessage.id),
                col(OutboxMessage.message_id),
                col(OutboxMessage.to_address),
                col(OutboxMessage.content),
                col(OutboxMessage.attempts),
            )
            .where(ours)
            .order_by(col(OutboxMessage.id))
        ).all()
    claimed = [
        _Claimed(Letter(row.id, row.message_id, row.to_address, row.content), row.attempts)
        for row in rows
    ]
    return lease, claimed, given_up


def _ours(item: _Claimed, lease: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(OutboxMessage.id) == item.letter.outbox_id,
        col(OutboxMessage.status) == OutboxStatus.SENDING.value,
        col(OutboxMessage.lease_until) == lease,
    )


def _finish(db: Session, item: _Claimed, lease: datetime, **values: object) -> bool:
    """Record an outcome if the message is still ours; whether it was."""
    with unit_of_work(db):
        changed = rows_changed(
            db,
            sa.update(OutboxMessage).where(_ours(item, lease)).values(lease_until=None, **values),
        )
    return changed == 1


def _record_failure(
    db: Session,
    item: _Claimed,
    lease: datetime,
    failure: MailFailure,
    now: datetime,
    tally: _Tally,
) -> None:
    error = failure.reason[:ERROR_MAX]
    if failure.temporary and item.attempts < MAX_ATTEMPTS:
        wait = backoff(item.attempts)
        if _finish(
            db,
            item,
            lease,
            status=OutboxStatus.QUEUED.value,
            next_attempt_at=now + wait,
            last_error=error,
        ):
            tally.retried += 1
    elif _finish(db, item, lease, status=OutboxStatus.FAILED.value, last_error=error):
        tally.failed += 1
        logger.warning("Gave up on outbox message %s: %s", item.letter.outbox_id, error)


def _release(db: Session, items: Sequence[_Claimed], lease: datetime, now: datetime) -> None:
    """Hand back messages this sender will not start in time (the claim's attempt undone)."""
    with unit_of_work(db):
        db.execute(
            sa.update(OutboxMessage)
            .where(
                col(OutboxMessage.id).in_([item.letter.outbox_id for item in items]),
                col(OutboxMessage.status) == OutboxStatus.SENDING.value,
                col(OutboxMessage.lease_until) == lease,
            )
            .values(
                status=OutboxStatus.QUEUED.value,
                lease_until=None,
                next_attempt_at=now,
                attempts=col(OutboxMessage.attempts) - 1,
            )
        )
