"""How a program is doing, for its admins: who takes part, and what peer requests became.

Every figure is counted in the database (a handful of aggregate queries,
whatever the size of the program). "Recent" means requests sent, and pairings
started or ended, in the last ``WINDOW_DAYS`` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Employee, Membership, Pairing, PairingStatus, PeerRequest, RequestStatus
from peerapp.services import programs
from peerapp.services.errors import Refused

WINDOW_DAYS = 30
ADMINS_ONLY = "Only program admins can see how the program is doing."


@dataclass(frozen=True)
class Overview:
    """The program's figures at one moment."""

    peers: int
    paused_peers: int
    peers_paired: int
    active_pairings: int
    pending_requests: int
    # Requests sent in the window, by what became of them so far.
    sent: int
    accepted: int
    declined: int
    expired: int
    withdrawn_or_cancelled: int
    pairings_started: int
    pairings_ended: int
    window_days: int = WINDOW_DAYS

    @property
    def answered(self) -> int:
        """Recent requests that got an answer, or ran out of time waiting for one."""
        return self.accepted + self.declined + self.expired

    @property
    def acceptance_percent(self) -> int | None:
        """Accepted share of the answered recent requests (None before any answer)."""
        if not self.answered:
            return None
        return round(100 * self.accepted / self.answered)

    @property
    def paired_percent(self) -> int | None:
        """Share of the peers in at least one active pairing (None without peers)."""
        if not self.peers:
            return None
        return round(100 * self.peers_paired / self.peers)


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.count().filter(condition)


def _active_peers(program_id: int, *columns: Any) -> sa.Select[Any]:
    """SELECT ``columns`` over the program's peers who are active employees."""
    return (
        sa.select(*columns)
        .select_from(Membership)
        .join(Employee, col(Employee.id) == col(Membership.employee_id))
        .where(
            col(Membership.program_id) == program_id,
            col(Membership.is_peer).is_(True),
            col(Employee.is_active).is_(True),
        )
    )


def _participation(db: Session, program_id: int) -> dict[str, int]:
    """Active peers, how many of them are paused, and how many are in an active pairing."""
    paused_count = _count(col(Membership.paused).is_(True))
    counted = _active_peers(
        program_id, sa.func.count().label("peers"), paused_count.label("paused_peers")
    )
    peers = db.execute(counted).one()._mapping
    active = sa.and_(
        col(Pairing.program_id) == program_id,
        col(Pairing.status) == PairingStatus.ACTIVE.value,
    )
    # union, not union all: someone in two pairings is one paired peer.
    sides = sa.union(
        select(col(Pairing.person_low_id).label("person")).where(active),
        select(col(Pairing.person_high_id).label("person")).where(active),
    ).subquery()
    still_peers = _active_peers(program_id, col(Membership.employee_id))
    paired = db.exec(
        select(sa.func.count()).select_from(sides).where(sides.c.person.in_(still_peers))
    ).one()
    return {**peers, "peers_paired": paired}


def program_overview(db: Session, *, actor_id: int, program_id: int) -> Overview:
    """The program's figures now; admins only.

    Each count is labelled in SQL with the ``Overview`` field it fills.
    """
    if not programs.is_admin(db, actor_id):
        raise Refused(ADMINS_ONLY)
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    participation = _participation(db, program_id)
    recent = col(PeerRequest.created_at) >= since
    status = col(PeerRequest.status)
    # Six columns: SQLAlchemy's select and execute (SQLModel's typed ones stop at four).
    requests = db.execute(
        sa.select(
            _count(status == RequestStatus.PENDING.value).label("pending_requests"),
            _count(recent).label("sent"),
            _count(sa.and_(recent, status == RequestStatus.ACCEPTED.value)).label("accepted"),
            _count(sa.and_(recent, status == RequestStatus.DECLINED.value)).label("declined"),
            _count(sa.and_(recent, status == RequestStatus.EXPIRED.value)).label("expired"),
            _count(
                sa.and_(
                    recent,
                    status.in_([RequestStatus.WITHDRAWN.value, RequestStatus.CANCELLED.value]),
                )
            ).label("withdrawn_or_cancelled"),
        ).where(
            col(PeerRequest.program_id) == program_id,
            sa.or_(recent, status == RequestStatus.PENDING.value),
        )
    ).one()
    pairings = db.execute(
        sa.select(
            _count(col(Pairing.status) == PairingStatus.ACTIVE.value).label("active_pairings"),
            _count(col(Pairing.started_at) >= since).label("pairings_started"),
            _count(col(Pairing.ended_at) >= since).label("pairings_ended"),
        ).where(col(Pairing.program_id) == program_id)
    ).one()
    return Overview(**participation, **requests._mapping, **pairings._mapping)
