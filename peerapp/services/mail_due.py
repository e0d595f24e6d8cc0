"""The mail sender's first step: write the email of each notice due at once.

A notice to email at once is committed with the change that causes it; that
row is the outbox's promise, so a change that rolls back mails nobody and one
that commits is mailed even if the process dies next. Turning it into an email
(reading names, signing the unsubscribe link, building both bodies) is the
slow part, and happens here, in the sender's round, not while the person who
acted waits. Each notice is claimed (``mailed_at``) in the same transaction
that writes its email, so two workers never write one twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Delivery, Notice
from peerapp.services import notify
from peerapp.services.unit import unit_of_work

BATCH = 200


def _waiting() -> sa.ColumnElement[bool]:
    return sa.and_(col(Notice.delivery) == Delivery.AT_ONCE.value, col(Notice.mailed_at).is_(None))


def write_due_mail(db: Session, batch: int = BATCH) -> int:
    """Write the emails of up to ``batch`` waiting notices; returns how many were written."""
    with unit_of_work(db):
        query = select(col(Notice.id)).where(_waiting()).order_by(col(Notice.id)).limit(batch)
        if db.get_bind().dialect.name == "postgresql":
            # Another worker's round takes the next notices instead of waiting for these.
            query = query.with_for_update(skip_locked=True)
        ids = list(db.exec(query).all())
        if not ids:
            return 0
        claimed = set(
            db.execute(
                sa.update(Notice)
                .where(col(Notice.id).in_(ids), _waiting())
                .values(mailed_at=utcnow())
                .returning(col(Notice.id))
            )
            .scalars()
            .all()
        )
        notices = db.exec(
            select(Notice).where(col(Notice.id).in_(claimed)).order_by(col(Notice.id))
        )
        return notify.write_mail(db, notices.all())
