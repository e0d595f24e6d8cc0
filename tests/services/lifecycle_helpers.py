"""Helpers for the request-lifecycle tests: acting, history, capacity, profiles.

Kept apart from service_helpers.py so that other test modules are not affected.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from peerapp.models import (
    Employee,
    Membership,
    Pairing,
    PairingStatus,
    PeerRequest,
    Program,
    RequestEvent,
    RequestStatus,
)
from peerapp.services import profiles, programs, requests

PENDING = RequestStatus.PENDING.value
ACCEPTED = RequestStatus.ACCEPTED.value
DECLINED = RequestStatus.DECLINED.value
WITHDRAWN = RequestStatus.WITHDRAWN.value
EXPIRED = RequestStatus.EXPIRED.value
CANCELLED = RequestStatus.CANCELLED.value

# A fixed moment well in the future, so frozen clocks never clash with real time.
T0 = datetime(2031, 6, 2, 9, 0, tzinfo=UTC)


def act(db: Session, action: str, request_id, actor_id: int, reason: str = ""):
    """Run one request action through the service."""
    if action == "accept":
        return requests.accept_request(db, request_id=request_id, actor_id=actor_id)
    if action == "decline":
        return requests.decline_request(db, request_id=request_id, actor_id=actor_id, reason=reason)
    if action == "withdraw":
        return requests.withdraw_request(db, request_id=request_id, actor_id=actor_id)
    if action == "cancel":
        return requests.cancel_request(
            db, request_id=request_id, actor_id=actor_id, reason=reason or "Admin says no"
        )
    raise AssertionError(f"unknown action {action}")


def request_row(db: Session, request_id: int) -> PeerRequest:
    """The request as the database holds it now."""
    db.commit()
    db.expire_all()
    row = db.get(PeerRequest, request_id)
    assert row is not None
    return row


def status_of(db: Session, request_id: int) -> str:
    return request_row(db, request_id).status


def statuses(db: Session, *request_ids: int) -> list[str]:
    return [status_of(db, request_id) for request_id in request_ids]


def pending_sent_by(db: Session, program: Program, person: Employee) -> int:
    db.expire_all()
    return db.exec(
        select(func.count())
        .select_from(PeerRequest)
        .where(
            PeerRequest.program_id == program.id,
            PeerRequest.sender_id == person.id,
            PeerRequest.status == PENDING,
        )
    ).one()


def request_count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(PeerRequest)).one()


def all_pairings(db: Session) -> list[Pairing]:
    db.commit()
    db.expire_all()
    return list(db.exec(select(Pairing).order_by(Pairing.id)).all())


def active_pairings(db: Session) -> list[Pairing]:
    return [p for p in all_pairings(db) if p.status == PairingStatus.ACTIVE.value]


def pair_of(pairing: Pairing) -> set[int]:
    return {pairing.person_low_id, pairing.person_high_id}


def events(db: Session, request_id: int) -> list[tuple]:
    """History of one request as (actor_id, from_status, to_status, reason), oldest first."""
    db.expire_all()
    rows = db.exec(
        select(RequestEvent)
        .where(RequestEvent.request_id == request_id)
        .order_by(RequestEvent.at, RequestEvent.id)
    ).all()
    return [(e.actor_id, e.from_status, e.to_status, e.reason) for e in rows]


def event_count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(RequestEvent)).one()


def assert_history_matches_requests(db: Session) -> None:
    """Every request has a gap-free chain of events ending in its current status."""
    db.commit()
    db.expire_all()
    for request in db.exec(select(PeerRequest)).all():
        chain = events(db, request.id)
        assert chain, f"request {request.id} has no history"
        assert chain[0][1:3] == (None, PENDING)
        for before, after in zip(chain, chain[1:], strict=False):
            assert after[1] == before[2], f"request {request.id}: broken chain {chain}"
        assert chain[-1][2] == request.status
        # pending -> final: exactly two events for a closed request, one for a pending one.
        assert len(chain) == (1 if request.status == PENDING else 2)


def membership(db: Session, program: Program, person: Employee) -> Membership:
    db.expire_all()
    member = programs.membership(db, program.id, person.id)
    assert member is not None
    return member


def set_capacity_behind_the_services(
    db: Session, program: Program, person: Employee, capacity: int
) -> None:
    """Change a capacity with a plain UPDATE, as a concurrent change the rules never saw."""
    db.execute(
        sa.update(Membership)
        .where(Membership.program_id == program.id, Membership.employee_id == person.id)
        .values(capacity=capacity)
    )
    db.commit()
    db.expire_all()


def profile_form(db: Session, program: Program, person: Employee) -> dict:
    """The arguments of update_profile that keep the profile exactly as it is."""
    profile = profiles.get_profile(db, program_id=program.id, employee_id=person.id)
    return {
        "full_name": profile.full_name,
        "job_title": profile.job_title,
        "department": profile.department,
        "location": profile.location,
        "bio": profile.bio,
        "skills": profile.skills,
        "learning_goals": profile.learning_goals,
        "roles": profile.roles,
    }


def save_profile(db: Session, program: Program, person: Employee, **changes):
    """Save the person's profile with only ``changes`` different."""
    values = {**profile_form(db, program, person), **changes}
    return profiles.update_profile(db, program_id=program.id, actor_id=person.id, **values)
