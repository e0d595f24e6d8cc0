"""The end of a cohort: its active pairings complete and its pending requests close, once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import Pairing, PairingOutcome, PairingStatus, Program, ProgramKind
from peerapp.services import announce, closing, programs
from peerapp.services.sql import id_of
from peerapp.services.unit import Change, unit_of_work


def close_ended_cohorts(db: Session) -> Change:
    """Complete every cohort whose end date has passed; idempotent. ``told``: everyone concerned.

    Each cohort is closed in its own unit of work and marked (``closed_at``), so
    a second sweep, in this process or another, finds nothing left to do.
    """
    due = db.exec(
        select(col(Program.id)).where(
            col(Program.kind) == ProgramKind.COHORT.value,
            col(Program.ends_on) < programs.today(),
            col(Program.closed_at).is_(None),
        )
    ).all()
    told: set[int] = set()
    for program_id in due:
        if program_id is not None:
            told |= _close(db, program_id)
    return Change(told=frozenset(told))


def _close(db: Session, program_id: int) -> set[int]:
    with unit_of_work(db):
        program = db.exec(
            select(Program).where(col(Program.id) == program_id).with_for_update()
        ).one()
        if program.closed_at is not None:  # another sweep got here first
            return set()
        now = utcnow()
        ended = f"{program.name} ended on {program.ends_on:%-d %B %Y}."
        told = closing.cancel_pending(db, program_id=id_of(program), actor_id=None, reason=ended)
        rows = db.execute(
            sa.update(Pairing)
            .where(
                col(Pairing.program_id) == program_id,
                col(Pairing.status) == PairingStatus.ACTIVE.value,
            )
            .values(
                status=PairingStatus.ENDED.value,
                ended_at=now,
                end_outcome=PairingOutcome.COMPLETED.value,
            )
            .returning(*announce.ENDED_COLUMNS)
        ).all()
        announce.pairings_ended(db, [(r[0], r[1], r[2], r[3]) for r in rows], None, ended)
        program.closed_at = now
        db.add(program)
    return told | {person for row in rows for person in row[2:]}
