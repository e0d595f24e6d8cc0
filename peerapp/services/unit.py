"""How a service changes the database, and what it says it changed.

``unit_of_work(db)`` is the only place a service commits (``end_reads`` ends a
transaction that only read). The block's writes
are committed together when it ends and rolled back when it raises, so a
refusal never leaves half a change behind, and row locks (on SQLite the
database's write lock) are let go the moment a rule says no. Units nest: a
service that calls another inside its own unit makes one transaction of both,
and only the outermost unit commits.

Every service that changes something returns a ``Change`` (or a subclass that
adds what it changed): ``told`` is everyone whose screens must show it, so the
state layer has one way to learn whom to push to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlmodel import Session

from peerapp.services.errors import Refused

_DEPTH = "peerapp_unit_depth"


@dataclass(frozen=True, kw_only=True)
class Change:
    """What a state-changing service did; ``told``: who must see it."""

    told: frozenset[int] = frozenset()


@contextmanager
def unit_of_work(db: Session, *, keep_loaded: bool = False) -> Iterator[Session]:
    """Commit the block's writes when it ends; roll them back if it raises.

    ``keep_loaded``: leave what the session holds as it was written instead of
    expiring it, when the caller reads it right after (saves a round trip each).
    """
    depth = db.info.get(_DEPTH, 0)
    db.info[_DEPTH] = depth + 1
    try:
        yield db
    except Refused as refusal:
        if depth == 0:
            _commit(db, keep_loaded) if refusal.keep_changes else db.rollback()
        raise
    except BaseException:
        if depth == 0:
            db.rollback()
        raise
    else:
        if depth == 0:
            try:
                _commit(db, keep_loaded)
            except BaseException:
                db.rollback()  # a failed commit (a unique index) leaves nothing open
                raise
    finally:
        db.info[_DEPTH] = depth


def inside_unit(db: Session) -> bool:
    """Whether a unit of work is open on ``db`` (its writes are not committed yet)."""
    return bool(db.info.get(_DEPTH, 0))


def end_reads(db: Session) -> None:
    """End a transaction that only read, before slow work (a password hash).

    On SQLite every transaction holds the database's write lock (peerapp/db.py),
    which nobody else should wait for meanwhile. Not for use inside a unit.
    """
    if db.info.get(_DEPTH, 0):
        raise RuntimeError("end_reads inside a unit of work would drop its writes")
    db.rollback()


def _commit(db: Session, keep_loaded: bool) -> None:
    keep = db.expire_on_commit
    db.expire_on_commit = keep and not keep_loaded
    try:
        db.commit()
    finally:
        db.expire_on_commit = keep
