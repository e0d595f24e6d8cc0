"""Telling people: a notice for each, and an email in the outbox for those who want it at once.

Runs inside the caller's unit of work and never commits: the notices and the
outbox rows are written in the same transaction as the change that causes
them (the transactional outbox), so a change that rolls back tells nobody.
A request's notice of one kind exists once per person (a partial unique
index); telling it again is ``INSERT ... ON CONFLICT DO NOTHING``, a no-op
that never aborts the caller's transaction. Telling many people costs a fixed
number of queries, not a few per person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.errors import MessageError
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from peerapp import routes, settings
from peerapp.clock import utcnow
from peerapp.models import CATEGORY_OF, DEFAULT_DELIVERY, NoticePreference, OutboxStatus
from peerapp.models.notices import SUBJECT_MAX
from peerapp.services import mail_render, mail_words, notice_facts, unsubscribe
from peerapp.services.mail_render import Item, Letter, Section

log = logging.getLogger(__name__)
CHUNK = 100  # rows per INSERT: well under SQLite's limit of bound parameters


@dataclass(frozen=True)
class Tell:
    """One notice to write: for whom, what happened, and the ids it is about."""

    employee_id: int
    kind: str
    program_id: int | None = None
    request_id: int | None = None
    pairing_id: int | None = None
    actor_id: int | None = None
    detail: str = ""

    @property
    def key(self) -> tuple[int, str, int | None, int | None, int | None]:
        """What makes two notices the same notice."""
        return (self.employee_id, self.kind, self.request_id, self.pairing_id, self.program_id)


def tell(
    db: Session,
    *,
    employee_id: int,
    kind: str,
    program_id: int | None = None,
    request_id: int | None = None,
    pairing_id: int | None = None,
    actor_id: int | None = None,
    detail: str = "",
) -> int:
    """Tell one person one thing; returns 1, or 0 if they had been told already."""
    return tell_many(
        db, [Tell(employee_id, kind, program_id, request_id, pairing_id, actor_id, detail)]
    )


def tell_many(db: Session, tells: Iterable[Tell]) -> int:
    """Tell many people (a bulk cancel, the reminder job); returns how many notices were new."""
    unique: dict[tuple[int, str, int | None, int | None, int | None], Tell] = {}
    for t in tells:
        unique.setdefault(t.key, t)  # the same notice twice in one batch is written once
    batch = list(unique.values())
    if not batch:
        return 0
    # An email due at once is written later by the mail sender (services/mail_due.py):
    # the notice committed here is its promise.
    return len(_insert_notices(db, batch))


def _table(name: str) -> sa.Table:
    return SQLModel.metadata.tables[name]


_INSERTS: dict[str, Any] = {}


def _insert_statement(dialect: str) -> Any:
    """INSERT a notice with the person's delivery looked up inside it; skip a repeat.

    Built once per dialect with bound parameters, so every call reuses the
    compiled statement, and many notices go in one ``executemany`` (which
    SQLAlchemy sends as multi-row INSERTs, RETURNING included).
    """
    statement = _INSERTS.get(dialect)
    if statement is not None:
        return statement
    table = _table("notice")
    chosen = (
        select(col(NoticePreference.delivery))
        .where(
            col(NoticePreference.employee_id) == sa.bindparam("employee_id"),
            col(NoticePreference.category) == sa.bindparam("category"),
        )
        .scalar_subquery()
    )
    columns = ("employee_id", "kind", "category", "program_id", "request_id", "pairing_id")
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        make(table)
        .values(
            {
                **{name: sa.bindparam(name) for name in (*columns, "actor_id", "detail")},
                "created_at": sa.bindparam("created_at"),
                "delivery": sa.func.coalesce(chosen, sa.bindparam("default")),
            }
        )
        .on_conflict_do_nothing(
            index_elements=["request_id", "employee_id", "kind"],
            index_where=table.c.request_id.is_not(None),
        )
        .returning(*(table.c[name] for name in columns if name != "category"), table.c.delivery)
    )
    _INSERTS[dialect] = statement
    return statement


def _insert_notices(db: Session, batch: Sequence[Tell]) -> list[tuple[Tell, str]]:
    """Insert the notices with each person's delivery; returns the new ones and their delivery.

    A notice a request already had for that person is skipped (ON CONFLICT DO
    NOTHING on the partial unique index), and so is its email.
    """
    statement = _insert_statement(db.get_bind().dialect.name)
    now = utcnow()
    by_key = {t.key: t for t in batch}
    written: list[tuple[Tell, str]] = []
    for start in range(0, len(batch), CHUNK):
        params = [
            {
                "employee_id": t.employee_id,
                "kind": t.kind,
                "category": CATEGORY_OF[t.kind],
                "default": DEFAULT_DELIVERY[CATEGORY_OF[t.kind]],
                "program_id": t.program_id,
                "request_id": t.request_id,
                "pairing_id": t.pairing_id,
                "actor_id": t.actor_id,
                "detail": t.detail,
                "created_at": now,
            }
            for t in batch[start : start + CHUNK]
        ]
        rows = db.execute(statement, params[0] if len(params) == 1 else params).all()
        for person, kind, program, request, pairing, delivery in rows:
            written.append((by_key[person, kind, request, pairing, program], delivery))
    return written


def page_url(path: str, program_id: int | None) -> str:
    """The full address of a page, in the notice's program when it has one."""
    query = f"?{routes.PROGRAM_QUERY}={program_id}" if program_id is not None else ""
    return f"{settings.link_base()}{path}{query}"


def unsubscribe_links(db: Session, employee_id: int, category: str) -> tuple[str, str]:
    """The body's unsubscribe page and the List-Unsubscribe one-click address, one token."""
    token = quote(unsubscribe.token_for(db, employee_id, category), safe="")
    base = settings.link_base()
    return (
        f"{base}{unsubscribe.PATH}?token={token}",
        f"{base}{routes.UNSUBSCRIBE_API}?token={token}",
    )


_OUTBOX_INSERT = sa.insert(_table("outboxmessage"))


def write_mail(db: Session, tells: Sequence[notice_facts.NoticeLike]) -> int:
    """One email each into the outbox, for those who are active and have an address."""
    loaded = notice_facts.Loaded(db, tells)
    rows: list[dict[str, Any]] = []
    for t in tells:
        person = loaded.people.get(t.employee_id)
        if person is None or not person.is_active or not person.email:
            continue
        facts = loaded.facts(t)
        words = mail_words.words(facts)
        category = CATEGORY_OF[t.kind]
        page, one_click = unsubscribe_links(db, t.employee_id, category)
        section = Section(
            mail_words.CATEGORY_TITLES[category],
            (Item(words, page_url(words.path, facts.program_id)),),
            page,
        )
        letter = Letter(
            person.full_name,
            person.email,
            words.subject,
            (section,),
            one_click,
            page_url(routes.PROFILE, None),
        )
        row = outbox_row(letter, t.employee_id, category)
        if row is not None:
            rows.append(row)
    if rows:
        db.execute(_OUTBOX_INSERT, rows[0] if len(rows) == 1 else rows)
    return len(rows)


def outbox_row(letter: Letter, employee_id: int, category: str) -> dict[str, Any] | None:
    """The outbox row of one letter; None (logged) if the address cannot carry a message."""
    try:
        message = mail_render.compose(letter, mail_from=settings.mail_from())
        content = message.as_string()
    except (ValueError, TypeError, MessageError):
        # An address the mail library refuses must not undo the change that told them.
        log.warning("No email for employee %s: their address cannot be used", employee_id)
        return None
    now = utcnow()
    return {
        "employee_id": employee_id,
        "category": category,
        "to_address": letter.to_address,
        "subject": str(message["Subject"])[:SUBJECT_MAX],
        "content": content,
        "message_id": str(message["Message-ID"]),
        "status": OutboxStatus.QUEUED.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }
