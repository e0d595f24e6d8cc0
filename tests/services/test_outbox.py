"""The outbox sender against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from mail_helpers import SENDER, Sink, queue, queue_many, smtp_server
from sqlmodel import Session, select

from peerapp.clock import frozen_at
from peerapp.models import OutboxMessage, OutboxStatus
from peerapp.services import mail_failures, outbox
from peerapp.services.errors import Refused
from peerapp.services.mailer import SmtpServer, SmtpTransport
from peerapp.services.outbox import Delivered
from peerapp.services.unit import unit_of_work
from tests.launch import free_port

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def transport(port: int) -> SmtpTransport:
    return SmtpTransport(SmtpServer("127.0.0.1", port, timeout=5), SENDER)


def utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (databases hand back naive or aware values)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rows(db: Session) -> list[OutboxMessage]:
    db.expire_all()
    found = list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())
    db.rollback()
    return found


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def port(sink: Sink):
    with smtp_server(sink) as listening:
        yield listening


def test_each_message_arrives_once_with_its_envelope_and_content(db, sink, port):
    with frozen_at(T0):
        first = queue(db, "bob@example.com", "Alice asks you to be her peer")
        queue(db, "carol@example.com")
        assert outbox.deliver_due(db, transport(port)) == Delivered(sent=2)
        assert outbox.deliver_due(db, transport(port)) == Delivered()

    assert len(sink.received) == 2
    got = sink.received[0]
    assert got.mail_from == "peerapp@example.com"
    assert got.rcpt_tos == ["bob@example.com"]
    message = got.message
    assert message["Subject"] == "Alice asks you to be her peer"
    assert message["Message-ID"] == first.message_id
    assert "Alice asks you to be her peer." in message.get_body(("plain",)).get_content()
    assert "<p>Alice asks you" in message.get_body(("html",)).get_content()
    stored = rows(db)
    assert [(row.status, row.attempts) for row in stored] == [(OutboxStatus.SENT.value, 1)] * 2
    assert all(row.lease_until is None and row.sent_at is not None for row in stored)


def test_smtp_down_then_up_delivers_every_message_exactly_once(db, sink):
    dead_port = free_port()
    with frozen_at(T0):
        ids = queue_many(db, 5)
        assert outbox.deliver_due(db, transport(dead_port)) == Delivered(retried=5)
    waiting = rows(db)
    assert {row.status for row in waiting} == {OutboxStatus.QUEUED.value}
    assert all(row.attempts == 1 and row.last_error for row in waiting)

    with smtp_server(sink, dead_port), frozen_at(T0 + outbox.FIRST_RETRY):
        assert outbox.deliver_due(db, transport(dead_port)).sent == 5
        assert outbox.deliver_due(db, transport(dead_port)) == Delivered()
    assert sorted(sink.message_ids()) == sorted(ids)


def test_a_busy_server_is_retried_with_backoff_not_before(db, sink, port):
    sink.busy_times = 2
    with frozen_at(T0):
        queue(db)
        assert outbox.deliver_due(db, transport(port)) == Delivered(retried=1)
    (row,) = rows(db)
    assert "451 4.3.0 try again later" in row.last_error
    earliest = T0 + outbox.FIRST_RETRY * (1 - outbox.JITTER)
    assert earliest <= utc(row.next_attempt_at) <= T0 + outbox.FIRST_RETRY

    with frozen_at(earliest - timedelta(seconds=1)):
        assert outbox.deliver_due(db, transport(port)) == Delivered()
    assert sink.rcpt_calls == 1
    second = T0 + outbox.FIRST_RETRY
    with frozen_at(second):
        assert outbox.deliver_due(db, transport(port)) == Delivered(retried=1)
    (row,) = rows(db)
    # The second wait is twice the first.
    assert utc(row.next_attempt_at) >= second + 2 * (earliest - T0)
    with frozen_at(second + 2 * outbox.FIRST_RETRY):
        assert outbox.deliver_due(db, transport(port)) == Delivered(sent=1)
    assert len(sink.received) == 1
    assert rows(db)[0].attempts == 3


def test_a_refused_recipient_fails_at_once_and_admins_see_it(db, sink, port, people):
    sink.refuse["nobody@example.com"] = "550 5.1.1 no such user here"
    with frozen_at(T0):
        queue(db, "nobody@example.com", "A reminder for nobody")
        queue(db, "bob@example.com")
        assert outbox.deliver_due(db, transport(port)) == Delivered(sent=1, failed=1)

    seen = mail_failures.failures(db, actor_id=people["admin"].id)
    assert seen.count == 1
    (failed,) = seen.latest
    assert (failed.to_address, failed.subject, failed.attempts) == (
        "nobody@example.com",
        "A reminder for nobody",
        1,
    )
    assert "550" in failed.error and "no such user" in failed.error
    with pytest.raises(Refused):
        mail_failures.failures(db, actor_id=people["bob"].id)
    # Failed is final: later rounds leave it alone.
    with frozen_at(T0 + timedelta(days=1)):
        assert outbox.deliver_due(db, transport(port)) == Delivered()


def test_temporary_failures_end_in_failed_after_the_attempt_limit(db):
    dead = transport(free_port())
    moment = T0
    with frozen_at(moment):
        queue(db)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        with frozen_at(moment):
            done = outbox.deliver_due(db, dead)
        expected = Delivered(failed=1) if attempt == outbox.MAX_ATTEMPTS else Delivered(retried=1)
        assert done == expected
        moment += outbox.LONGEST_WAIT
    (row,) = rows(db)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED.value, outbox.MAX_ATTEMPTS)


class SenderDied(BaseException):
    """Stands for the process being killed in the middle of a send."""


class DiesOnSend:
    def send(self, letter):
        raise SenderDied

    def close(self):
        pass


def test_a_sender_that_died_is_resumed_after_its_lease_not_before(db, sink, port):
    with frozen_at(T0):
        queue_many(db, 3)
        with pytest.raises(SenderDied):
            outbox.deliver_due(db, DiesOnSend())
    db.rollback()
    assert {row.status for row in rows(db)} == {OutboxStatus.SENDING.value}

    with frozen_at(T0 + outbox.LEASE - timedelta(seconds=1)):
        assert outbox.deliver_due(db, transport(port)) == Delivered()
    with frozen_at(T0 + outbox.LEASE):
        assert outbox.deliver_due(db, transport(port)) == Delivered(sent=3)
    assert len(sink.received) == 3
    assert {(row.status, row.attempts) for row in rows(db)} == {(OutboxStatus.SENT.value, 2)}


def test_a_slow_batch_hands_back_what_it_cannot_start_within_its_lease(db, sink, port, monkeypatch):
    now = [T0]
    monkeypatch.setattr(outbox, "utcnow", lambda: now[0])
    real = transport(port)

    class Slow:
        def send(self, letter):
            real.send(letter)
            now[0] += outbox.LEASE - outbox.LEASE_MARGIN + timedelta(seconds=1)

        def close(self):
            real.close()

    with frozen_at(T0):
        queue_many(db, 3)
    assert outbox.deliver_due(db, Slow()) == Delivered(sent=1)
    assert [(row.status, row.attempts) for row in rows(db)] == [
        (OutboxStatus.SENT.value, 1),
        (OutboxStatus.QUEUED.value, 0),
        (OutboxStatus.QUEUED.value, 0),
    ]
    assert outbox.deliver_all(db, real) == Delivered(sent=2)
    assert len(sink.received) == 3


def test_a_sender_whose_lease_ran_out_does_not_overwrite_the_next_one(db, sink, port):
    with frozen_at(T0):
        queue(db)
        lease, claimed, _ = outbox._claim(db, 10, T0)
    with frozen_at(T0 + outbox.LEASE):
        assert outbox.deliver_due(db, transport(port)) == Delivered(sent=1)
        assert not outbox._finish(
            db, claimed[0], lease, status=OutboxStatus.QUEUED.value, last_error="late"
        )
    (row,) = rows(db)
    assert (row.status, row.last_error) == (OutboxStatus.SENT.value, "")


def test_batches_are_bounded_and_drained_in_order(db, sink, port):
    with frozen_at(T0):
        ids = queue_many(db, 7)
        first = outbox.deliver_due(db, transport(port), batch=3)
        assert first == Delivered(sent=3, more=True)
        assert outbox.deliver_all(db, transport(port), batch=3) == Delivered(sent=4)
    assert sink.message_ids() == ids


def test_a_message_whose_sender_always_dies_is_given_up_on(db, sink, port):
    with frozen_at(T0):
        row = queue(db)
        with unit_of_work(db):
            db.add(row)
            row.status = OutboxStatus.SENDING.value
            row.attempts = outbox.MAX_ATTEMPTS
    with frozen_at(T0 + outbox.LEASE):
        assert outbox.deliver_due(db, transport(port)) == Delivered(failed=1)
    (stored,) = rows(db)
    assert (stored.status, stored.last_error) == (
        OutboxStatus.FAILED.value,
        outbox.DIED_WHILE_SENDING,
    )
    assert sink.received == []
