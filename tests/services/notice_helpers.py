"""What people were told: notices, and the outbox's messages parsed as a mail client would."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

import sqlalchemy as sa
from sqlmodel import Session, select

from peerapp.models import Notice, OutboxMessage
from peerapp.services import mail_due


def notices(db: Session) -> list[tuple[int, str, str]]:
    """Every notice as (employee id, kind, delivery), in the order written."""
    db.expire_all()
    rows = db.exec(select(Notice).order_by(Notice.id)).all()
    return [(n.employee_id, n.kind, n.delivery) for n in rows]


def notice_rows(db: Session) -> list[Notice]:
    """Every notice row, in the order written."""
    db.expire_all()
    return list(db.exec(select(Notice).order_by(Notice.id)).all())


def mails(db: Session) -> list[EmailMessage]:
    """Every outbox message once the sender's round has written the waiting ones, parsed."""
    mail_due.write_due_mail(db)
    db.expire_all()
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [parse(row.content) for row in rows]


def parse(content: str) -> EmailMessage:
    """An outbox message as a mail client reads it."""
    message = email.message_from_string(content, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, ...]:
    """The plain-text and HTML bodies of a message (line ends as in Python text)."""
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    return tuple(part.get_content().replace("\r\n", "\n") for part in (plain, rich))


def count(db: Session, model: type) -> int:
    """Rows of a table (the outbox as the sender's next round leaves it, before delivery)."""
    if model is OutboxMessage:
        mail_due.write_due_mail(db)
    return db.exec(select(sa.func.count()).select_from(model)).one()
