"""A real SMTP server in the test process (aiosmtpd) and outbox rows to feed it."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from sqlmodel import Session

from peerapp.models import OutboxMessage
from peerapp.services.unit import unit_of_work
from tests.launch import free_port

SENDER = "peerapp <peerapp@example.com>"
_numbers = itertools.count(1)


@dataclass
class Received:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message parsed back."""
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Sink:
    """An aiosmtpd handler that keeps what it accepts and answers as told.

    ``refuse`` maps a recipient to the reply its RCPT gets (``"550 no such
    user"``), ``refuse_data`` to the reply its DATA gets; ``busy_times`` makes
    the next N RCPT commands answer 451.
    """

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    refuse_data: dict[str, str] = field(default_factory=dict)
    busy_times: int = 0
    rcpt_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self.lock:
            self.rcpt_calls += 1
            if self.busy_times > 0:
                self.busy_times -= 1
                return "451 4.3.0 try again later"
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        refused = [self.refuse_data[to] for to in envelope.rcpt_tos if to in self.refuse_data]
        if refused:
            return refused[0]
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        """The Message-ID of everything received, in order of arrival."""
        with self.lock:
            return [item.message["Message-ID"] for item in self.received]


@contextlib.contextmanager
def smtp_server(sink: Sink, port: int | None = None, **options: object) -> Iterator[int]:
    """Run an SMTP server with ``sink`` on ``port`` (a free one by default); yields the port.

    ``options`` go to aiosmtpd's ``Controller`` (an authenticator, for one).
    """
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def email_text(to: str, subject: str, message_id: str) -> str:
    """A whole message as a producer would store it: plain text and an HTML alternative."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(f"Hello,\n\n{subject}.\n")
    message.add_alternative(f"<p>Hello,</p><p>{subject}.</p>", subtype="html")
    return message.as_string()


def queue(db: Session, to: str = "bob@example.com", subject: str = "") -> OutboxMessage:
    """One queued outbox row, due now."""
    number = next(_numbers)
    subject = subject or f"A request for you ({number})"
    message_id = f"<test-{number}@peerapp.example>"
    row = OutboxMessage(
        category="requests_for_me",
        to_address=to,
        subject=subject,
        content=email_text(to, subject, message_id),
        message_id=message_id,
    )
    with unit_of_work(db, keep_loaded=True):
        db.add(row)
    return row


def queue_many(db: Session, count: int) -> list[str]:
    """``count`` queued rows in one transaction; their Message-IDs."""
    rows, ids = [], []
    with unit_of_work(db):
        for index in range(count):
            number = next(_numbers)
            message_id = f"<bulk-{number}@peerapp.example>"
            to = f"person{index}@example.com"
            ids.append(message_id)
            rows.append(
                OutboxMessage(
                    category="requests_for_me",
                    to_address=to,
                    subject=f"Request {number}",
                    content=email_text(to, f"Request {number}", message_id),
                    message_id=message_id,
                )
            )
        db.add_all(rows)
    return ids
