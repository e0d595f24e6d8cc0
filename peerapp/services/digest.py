"""The daily digest: one email a day gathering what waited for it, at each person's own hour.

A person's digest is due once their local time (``DigestSchedule``: time zone
and hour; no row means 08:00 UTC) has reached the hour today and notices wait
for it (delivery ``digest``, not yet digested). Claiming the day is a
conditional UPDATE of ``last_sent_on`` to the person's local date, in the same
transaction that writes the email and marks the notices digested: two workers
at once write one digest, and a crash writes none or all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from peerapp import routes
from peerapp.clock import utcnow
from peerapp.models import (
    DEFAULT_DIGEST_HOUR,
    Delivery,
    DigestSchedule,
    Notice,
    NoticeCategory,
    OutboxMessage,
)
from peerapp.models.table import table_of
from peerapp.services import mail_words, notice_facts, notify
from peerapp.services.mail_render import Item, Letter, Section
from peerapp.services.sql import rows_changed
from peerapp.services.unit import unit_of_work

BATCH = 200  # digests written per call at most
SCAN = 500  # people looked at per query
NOTICES_MAX = 200  # notices in one digest; more wait for the next
CATEGORY = "digest"
_WAITING = sa.and_(col(Notice.delivery) == Delivery.DIGEST.value, col(Notice.digested_at).is_(None))


def local_date_due(now: datetime, zone: str | None, hour: int | None) -> date | None:
    """The person's local date if their digest hour has come today, else None."""
    try:
        here = now.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        here = now.astimezone(ZoneInfo("UTC"))
    wanted = DEFAULT_DIGEST_HOUR if hour is None else hour
    return here.date() if here.hour >= wanted else None


def send_due_digests(db: Session, now: datetime | None = None, *, batch: int = BATCH) -> int:
    """Write the digests that are due (at most ``batch``); returns how many were written."""
    now = now or utcnow()
    waiting = select(col(Notice.employee_id)).where(_WAITING).distinct().subquery()
    after, written = 0, 0
    while written < batch:
        rows = db.exec(
            select(
                waiting.c.employee_id,
                col(DigestSchedule.time_zone),
                col(DigestSchedule.hour),
                col(DigestSchedule.last_sent_on),
            )
            .join(
                DigestSchedule,
                col(DigestSchedule.employee_id) == waiting.c.employee_id,
                isouter=True,
            )
            .where(waiting.c.employee_id > after)
            .order_by(waiting.c.employee_id)
            .limit(SCAN)
        ).all()
        for employee_id, zone, hour, last_sent_on in rows:
            today = local_date_due(now, zone, hour)
            if today is None or (last_sent_on is not None and last_sent_on >= today):
                continue
            if _send_one(db, employee_id, today, now):
                written += 1
                if written >= batch:
                    break
        if len(rows) < SCAN:
            break
        after = rows[-1][0]
    return written


def _claim_day(db: Session, employee_id: int, today: date) -> bool:
    """Take today's digest for this person; False if someone (another worker) already did."""
    table = SQLModel.metadata.tables["digestschedule"]
    make = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.execute(
        make(table)
        .values(employee_id=employee_id, time_zone="UTC", hour=DEFAULT_DIGEST_HOUR)
        .on_conflict_do_nothing(index_elements=["employee_id"])
    )
    claimed = rows_changed(
        db,
        sa.update(DigestSchedule)
        .where(
            col(DigestSchedule.employee_id) == employee_id,
            sa.or_(
                col(DigestSchedule.last_sent_on).is_(None),
                col(DigestSchedule.last_sent_on) < today,
            ),
        )
        .values(last_sent_on=today),
    )
    return claimed == 1


def _send_one(db: Session, employee_id: int, today: date, now: datetime) -> bool:
    with unit_of_work(db):
        if not _claim_day(db, employee_id, today):
            return False
        waiting = db.exec(
            select(Notice)
            .where(col(Notice.employee_id) == employee_id, _WAITING)
            .order_by(col(Notice.id))
            .limit(NOTICES_MAX)
        ).all()
        if not waiting:
            return False  # a digest earlier today (another worker) took them
        db.execute(
            sa.update(Notice)
            .where(col(Notice.id).in_([n.id for n in waiting]))
            .values(digested_at=now)
        )
        _write(db, employee_id, waiting)
    return True


_ORDER = {category.value: place for place, category in enumerate(NoticeCategory)}


def _write(db: Session, employee_id: int, waiting: Sequence[Notice]) -> None:
    """The digest email: the notices grouped by category, newest last, each with its link."""
    loaded = notice_facts.Loaded(db, waiting)
    person = loaded.people.get(employee_id)
    if person is None or not person.is_active or not person.email:
        return  # digested all the same: they stay in the app
    grouped: dict[str, list[Item]] = {}
    for notice in waiting:
        facts = loaded.facts(notice)
        words = mail_words.words(facts)
        url = notify.page_url(words.path, facts.program_id)
        grouped.setdefault(notice.category, []).append(Item(words, url))
    sections = []
    for category in sorted(grouped, key=_ORDER.__getitem__):
        page, _one_click = notify.unsubscribe_links(db, employee_id, category)
        title = mail_words.CATEGORY_TITLES[category]
        sections.append(Section(title, tuple(grouped[category]), page))
    first = sorted(grouped, key=_ORDER.__getitem__)[0]
    count = len(waiting)
    letter = Letter(
        person.full_name,
        person.email,
        f"Your peerapp digest: {count} update{'' if count == 1 else 's'}",
        tuple(sections),
        # RFC 8058 allows one address: it turns off the digest's first category.
        notify.unsubscribe_links(db, employee_id, first)[1],
        notify.page_url(routes.PROFILE, None),
    )
    row = notify.outbox_row(letter, employee_id, CATEGORY)
    if row is not None:
        db.execute(sa.insert(table_of(OutboxMessage)), [row])
