"""The facts behind notices (who, which request or pairing, which program), read in bounded queries.

A notice stores ids; its words need names, the request's kind and themes, and
the program's name. ``load`` reads them for any number of notices with one
query per table (none for rows this session already holds, such as the request
a service has just written), so telling many people is not one query each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from peerapp.models import Employee, NoticeKind, Pairing, PeerRequest, Program
from peerapp.services import places
from peerapp.services.mail_words import Facts

Row = TypeVar("Row", Employee, PeerRequest, Pairing, Program)
CHUNK = 500


class NoticeLike(Protocol):
    """What a notice says about itself (a ``Notice`` row or a notice about to be written)."""

    @property
    def employee_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def program_id(self) -> int | None: ...
    @property
    def request_id(self) -> int | None: ...
    @property
    def pairing_id(self) -> int | None: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def detail(self) -> str: ...


def rows_by_id(db: Session, model: type[Row], ids: Iterable[int | None]) -> dict[int, Row]:
    """Rows of ``model`` by id: those the session holds unexpired, the rest in one query a chunk."""
    found: dict[int, Row] = {}
    missing: list[int] = []
    for row_id in {row_id for row_id in ids if row_id is not None}:
        held = db.identity_map.get(identity_key(model, row_id))
        if held is not None and not sa.inspect(held).expired_attributes:
            found[row_id] = held
        else:
            missing.append(row_id)
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        for row in db.exec(select(model).where(col(model.id).in_(chunk))).all():
            if row.id is not None:
                found[row.id] = row
    return found


class Loaded:
    """Everything the facts of a batch of notices need, read once."""

    def __init__(self, db: Session, notices: Sequence[NoticeLike]) -> None:
        self.requests = rows_by_id(db, PeerRequest, (n.request_id for n in notices))
        self.pairings = rows_by_id(db, Pairing, (n.pairing_id for n in notices))
        people: set[int | None] = set()
        program_ids: set[int | None] = set()
        for notice in notices:
            people |= {notice.employee_id, notice.actor_id}
            program_ids.add(notice.program_id)
        for request in self.requests.values():
            people |= {request.sender_id, request.recipient_id}
            program_ids.add(request.program_id)
        for pairing in self.pairings.values():
            people |= {pairing.person_low_id, pairing.person_high_id}
            program_ids.add(pairing.program_id)
        self.people = rows_by_id(db, Employee, people)
        self.programs = rows_by_id(db, Program, program_ids)

    def name(self, employee_id: int | None) -> str:
        """A person's name, or nothing when unknown."""
        person = self.people.get(employee_id) if employee_id is not None else None
        return person.full_name if person is not None else ""

    def facts(self, notice: NoticeLike) -> Facts:
        """The facts of one notice, seen from the person it is for."""
        reader = notice.employee_id
        request = self.requests.get(notice.request_id) if notice.request_id else None
        pairing = self.pairings.get(notice.pairing_id) if notice.pairing_id else None
        other_id: int | None = None
        side = places.PEER
        program_id = notice.program_id
        if request is not None:
            other_id = request.sender_id if reader == request.recipient_id else request.recipient_id
            side = places.side_in(request, reader)
            program_id = program_id or request.program_id
        elif pairing is not None:
            other_id = (
                pairing.person_high_id if reader == pairing.person_low_id else pairing.person_low_id
            )
            side = places.side_in(pairing, reader)
            program_id = program_id or pairing.program_id
        program = self.programs.get(program_id) if program_id is not None else None
        received = notice.kind == NoticeKind.REQUEST_RECEIVED.value
        return Facts(
            kind=notice.kind,
            reader_name=self.name(reader),
            other_name=self.name(other_id),
            side=side,
            by_other=other_id is not None and notice.actor_id == other_id,
            program_id=program_id,
            program_name=program.name if program is not None else "",
            themes=tuple(t for t in (request.themes.splitlines() if request else ()) if t),
            note=request.message if request is not None and received else "",
            detail=notice.detail,
            expires_at=request.expires_at if request is not None else None,
        )
