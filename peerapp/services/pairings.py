"""Active pairings: the peers you have, and ending a pairing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from peerapp import models
from peerapp.clock import utcnow
from peerapp.models import Employee, Pairing, PairingOutcome, PairingStatus
from peerapp.services import announce, places, validation
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work

PEERS_LIMIT = 100


@dataclass(frozen=True)
class Peer:
    """An active pairing seen from one side, with what the partner shares."""

    pairing_id: int
    other_id: int
    other_name: str
    other_email: str
    other_title: str
    other_department: str
    other_location: str
    other_skills: list[str]
    other_learning_goals: list[str]
    since: datetime
    # The viewer's side: peer, mentor (they mentor the other) or mentee.
    viewer_side: str = places.PEER


@dataclass(frozen=True, kw_only=True)
class Ended(Change):
    """A pairing that ended; ``told``: both partners."""

    pairing: Pairing


# The other person of a pairing: an alias built once (making one costs more than the query).
_PARTNER = aliased(Employee)


def peers_of(db: Session, *, program_id: int, employee_id: int) -> list[Peer]:
    """Active pairings of a member, newest first (bounded)."""
    partner = _PARTNER
    low, high = col(Pairing.person_low_id), col(Pairing.person_high_id)
    partner_id = sa.case((low == employee_id, high), else_=low)
    rows = db.exec(
        select(Pairing, partner)
        .join(partner, col(partner.id) == partner_id)
        .where(
            col(Pairing.program_id) == program_id,
            col(Pairing.status) == PairingStatus.ACTIVE.value,
            sa.or_(low == employee_id, high == employee_id),
        )
        .order_by(col(Pairing.started_at).desc(), col(Pairing.id).desc())
        .limit(PEERS_LIMIT)
    ).all()
    return [
        Peer(
            pairing_id=id_of(pairing),
            other_id=id_of(person),
            other_name=person.full_name,
            # Paired peers need a way to reach each other; the directory shows no emails.
            other_email=person.email,
            other_title=person.job_title,
            other_department=person.department,
            other_location=person.location,
            other_skills=validation.split_tags(person.skills),
            other_learning_goals=validation.split_tags(person.learning_goals),
            since=pairing.started_at,
            viewer_side=places.side_in(pairing, employee_id),
        )
        for pairing, person in rows
    ]


def end_pairing(
    db: Session, *, pairing_id: object, actor_id: int, outcome: object, feedback: object = ""
) -> Ended:
    """Either partner ends an active pairing; the outcome and feedback stay private."""
    pairing_id = validation.identifier(pairing_id, "pairing")
    if not isinstance(outcome, str) or outcome not in {o.value for o in PairingOutcome}:
        raise Refused("Choose how it went: completed, or not a fit.")
    text = validation.text(feedback, "Feedback", models.FEEDBACK_MAX)
    with unit_of_work(db):
        _end(db, pairing_id, actor_id, outcome, text)
    ended = db.get(Pairing, pairing_id)
    assert ended is not None  # it was just updated in this session
    db.refresh(ended)
    return Ended(pairing=ended, told=frozenset({ended.person_low_id, ended.person_high_id}))


def _end(db: Session, pairing_id: int, actor_id: int, outcome: str, text: str) -> None:
    ended = db.execute(
        sa.update(Pairing)
        .where(
            col(Pairing.id) == pairing_id,
            col(Pairing.status) == PairingStatus.ACTIVE.value,
            sa.or_(col(Pairing.person_low_id) == actor_id, col(Pairing.person_high_id) == actor_id),
        )
        .values(
            status=PairingStatus.ENDED.value,
            ended_at=utcnow(),
            ended_by_id=actor_id,
            end_outcome=outcome,
            end_feedback=text,
        )
        .returning(*announce.ENDED_COLUMNS)
    ).all()
    if len(ended) != 1:
        pairing = db.get(Pairing, pairing_id)
        if pairing is None or actor_id not in (pairing.person_low_id, pairing.person_high_id):
            raise Refused("That pairing does not exist.")
        raise Refused("This pairing has already ended.")
    row = ended[0]
    announce.pairings_ended(db, [(row[0], row[1], row[2], row[3])], actor_id)
