"""Two senders at once: every message delivered exactly once, none lost."""

from __future__ import annotations

import threading

from mail_helpers import SENDER, Sink, queue_many, smtp_server
from sqlmodel import Session, func, select

from peerapp.models import OutboxMessage, OutboxStatus
from peerapp.services import outbox
from peerapp.services.mailer import SmtpServer, SmtpTransport

MESSAGES = 400
SENDERS = 2


def test_two_senders_deliver_every_message_exactly_once(shared_engine):
    sink = Sink()
    with Session(shared_engine) as db:
        ids = queue_many(db, MESSAGES)
    start = threading.Barrier(SENDERS)
    problems: list[BaseException] = []
    delivered: list[int] = []

    def sender(port: int) -> None:
        transport = SmtpTransport(SmtpServer("127.0.0.1", port, timeout=10), SENDER)
        try:
            with Session(shared_engine) as db:
                start.wait()
                # Small batches make the two senders take turns many times.
                delivered.append(outbox.deliver_all(db, transport, batch=7, rounds=1000).sent)
        except BaseException as problem:  # reported by the test thread
            problems.append(problem)

    with smtp_server(sink) as port:
        threads = [threading.Thread(target=sender, args=(port,)) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not problems
    received = sink.message_ids()
    assert len(received) == len(set(received)) == MESSAGES
    assert set(received) == set(ids)
    assert sum(delivered) == MESSAGES
    assert all(count > 0 for count in delivered), "one sender did all the work"
    with Session(shared_engine) as db:
        statuses = db.exec(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    assert dict(statuses) == {OutboxStatus.SENT.value: MESSAGES}
