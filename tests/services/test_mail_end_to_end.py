"""From a click to a mailbox: real requests, the sender's rounds, a real SMTP server (aiosmtpd).

The request writes only its notice; the sender's round writes the email and
delivers it. What arrives is checked as a mail client reads it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from mail_helpers import SENDER, Sink, smtp_server
from sqlmodel import Session, func, select

from peerapp.clock import frozen_at
from peerapp.models import Notice, OutboxMessage
from peerapp.services import mail_due, mail_round, outbox, preferences, requests
from peerapp.services.mailer import SmtpServer, SmtpTransport
from tests.launch import free_port

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def transport(port: int) -> SmtpTransport:
    return SmtpTransport(SmtpServer("127.0.0.1", port, timeout=5), SENDER)


def outbox_size(db: Session) -> int:
    db.expire_all()
    size = db.exec(select(func.count()).select_from(OutboxMessage)).one()
    db.rollback()
    return size


@pytest.fixture
def sink() -> Sink:
    return Sink()


def test_a_request_arrives_by_email_after_the_senders_round(db, program, people, sink):
    alice, bob = people["alice"], people["bob"]
    bob_email, program_id = bob.email, program.id
    with frozen_at(T0):
        requests.send_request(
            db,
            program_id=program_id,
            sender_id=alice.id,
            recipient_id=bob.id,
            message="Shall we <b>pair</b>?",
        )
    # The request wrote its notice only; the email is the sender's work.
    assert outbox_size(db) == 0
    with smtp_server(sink) as port, frozen_at(T0):
        done = mail_round.run_round(db, transport(port))
    assert done.delivered.sent == 1
    [got] = sink.received
    assert got.rcpt_tos == [bob_email]
    message = got.message
    assert "Alice Archer" in message["Subject"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bob Baker" in plain and "Bob Baker" in html
    assert "/inbox" in plain
    assert "<b>pair</b>" not in html  # what Alice typed is text in the HTML
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/api/unsubscribe?token=" in message["List-Unsubscribe"]
    # Nothing is written or sent twice on the next round.
    with smtp_server(sink) as port, frozen_at(T0):
        assert mail_round.run_round(db, transport(port)).delivered.sent == 0
    assert len(sink.received) == 1


def test_smtp_down_while_requests_are_sent_then_up_each_arrives_once(db, program, people, sink):
    alice = people["alice"]
    others = [people[name] for name in ("bob", "carol", "dan", "eve")]
    addresses = sorted(person.email for person in others)
    alice_id, other_ids, program_id = alice.id, [p.id for p in others], program.id
    dead = free_port()
    with frozen_at(T0):
        for other_id in other_ids:
            requests.send_request(
                db, program_id=program_id, sender_id=alice_id, recipient_id=other_id
            )
        down = mail_round.run_round(db, transport(dead))
    assert down.delivered.retried == 4 and sink.received == []
    with smtp_server(sink, dead), frozen_at(T0 + outbox.FIRST_RETRY * 2):
        up = mail_round.run_round(db, transport(dead))
        again = mail_round.run_round(db, transport(dead))
    assert up.delivered.sent == 4 and again.delivered.sent == 0
    assert sorted(to for got in sink.received for to in got.rcpt_tos) == addresses
    assert len(set(sink.message_ids())) == 4


def test_only_notices_due_at_once_are_mailed(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    ids = alice.id, bob.id, carol.id
    preferences.set_delivery(db, ids[1], "requests_for_me", "app_only")
    preferences.set_delivery(db, ids[2], "requests_for_me", "digest")
    for recipient in ids[1:]:
        requests.send_request(db, program_id=program.id, sender_id=ids[0], recipient_id=recipient)
    assert mail_due.write_due_mail(db) == 0
    assert outbox_size(db) == 0
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Notice)).one() == 2


def test_two_senders_write_each_email_once(shared_engine, sink):
    """Two workers' rounds at once: every waiting notice becomes exactly one email."""
    from service_helpers import make_person

    from peerapp.services import programs

    with Session(shared_engine) as db:
        program = programs.create_program(db, "Race")
        program_id = program.id
        people = [make_person(db, program, f"Person {n:02d}").id for n in range(60)]
        # Thirty people each ask one other: thirty emails wait (limits are per sender).
        for sender_id, recipient_id in zip(people[::2], people[1::2], strict=True):
            requests.send_request(
                db, program_id=program_id, sender_id=sender_id, recipient_id=recipient_id
            )
    start = threading.Barrier(2)
    written: list[int] = []

    def round_() -> None:
        with Session(shared_engine) as db:
            start.wait()
            total = 0
            while (count := mail_due.write_due_mail(db, batch=7)) > 0:
                total += count
            written.append(total)

    workers = [threading.Thread(target=round_) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(written) == 30
    with Session(shared_engine) as db:
        assert outbox_size(db) == 30
        emails = db.exec(select(OutboxMessage.to_address)).all()
        assert len(set(emails)) == 30
