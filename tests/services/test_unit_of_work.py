"""The unit of work: one commit for a block, nothing left behind by a refusal."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peerapp.models import Program
from peerapp.services import Refused
from peerapp.services.unit import end_reads, unit_of_work


def names(engine) -> list[str]:
    """What another connection sees: only what was committed."""
    with Session(engine) as other:
        return sorted(p.name for p in other.exec(select(Program)).all())


def test_a_block_that_ends_commits_its_writes(db, engine):
    with unit_of_work(db):
        db.add(Program(name="Kept"))
    assert names(engine) == ["Kept"]


def test_a_refusal_rolls_back_everything_in_the_block(db, engine):
    with pytest.raises(Refused), unit_of_work(db):
        db.add(Program(name="Dropped"))
        db.flush()
        raise Refused("no")
    assert names(engine) == []
    assert db.exec(select(Program)).all() == []


def test_a_refusal_that_keeps_changes_commits_them(db, engine):
    with pytest.raises(Refused, match="expired"), unit_of_work(db):
        db.add(Program(name="Noticed on the way"))
        raise Refused("expired", keep_changes=True)
    assert names(engine) == ["Noticed on the way"]


def test_any_other_error_rolls_back(db, engine):
    with pytest.raises(KeyError), unit_of_work(db):
        db.add(Program(name="Dropped"))
        db.flush()
        raise KeyError("bug")
    assert names(engine) == []


def test_nested_units_make_one_transaction(db, engine):
    with unit_of_work(db):
        with unit_of_work(db):
            db.add(Program(name="Inner"))
        # The inner unit ended but did not commit: its writes wait for the outer one.
        assert names(engine) == []
        db.add(Program(name="Outer"))
    assert names(engine) == ["Inner", "Outer"]


def test_an_inner_refusal_rolls_back_the_outer_writes_too(db, engine):
    with pytest.raises(Refused), unit_of_work(db):
        db.add(Program(name="Outer"))
        with unit_of_work(db):
            raise Refused("no")
    assert names(engine) == []


def test_a_failed_commit_leaves_the_session_usable(db, engine):
    with unit_of_work(db):
        db.add(Program(name="First", id=1000))
    with pytest.raises(Exception), unit_of_work(db):  # noqa: B017 (driver-specific error)
        db.add(Program(name="Same id", id=1000))
    with unit_of_work(db):
        db.add(Program(name="Later"))
    assert names(engine) == ["First", "Later"]


def test_end_reads_refuses_inside_a_unit(db):
    with pytest.raises(RuntimeError, match="inside a unit"), unit_of_work(db):
        end_reads(db)
