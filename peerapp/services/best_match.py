"""Best match: a bounded pool of candidates for the person asking, scored, a page shown.

The pool is first people who relate to the viewer's skills or goals, then
anyone the search finds; each walk starts at a place of the viewer's own
(fair exposure) and wraps around, so a million people cost one pool.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp.models import Employee
from peerapp.services import matching, search_index
from peerapp.services.directory_ask import Ask
from peerapp.services.directory_cards import CARD, DirectoryEntry, DirectoryPage, entries, members

# How many candidates are scored.
POOL = 60
# How many of the index's ids one walk reads at most.
SCANNED = 150


def page(
    db: Session,
    program_id: int,
    search: tuple[sa.ColumnElement[bool], tuple[str, ...]],
    me: matching.Seeker,
    ask: Ask,
    counted: tuple[int, bool],
    page_size: int,
) -> DirectoryPage:
    """The page of the best matches for ``me`` among what the search finds.

    ``search``: its filters (a condition on a member row) and its words.
    """
    filters, words = search
    pool: dict[int, sa.Row[Any]] = {}
    start = matching.rotation_start(me.id, _highest_id(db))
    wanted = search_index.Wanted.of(me.goals.values(), me.skills.values())
    for relating in ((wanted,) if wanted else ()) + (search_index.Wanted(),):
        for since, until in ((start, None), (0, start)):
            _gather(db, pool, filters, (words, relating), (since, until))
    cards = {card.id: card for card in entries(db, program_id, list(pool.values()))}
    ranked = matching.ranked(me, (_candidate(card) for card in cards.values()))
    page_count = max(1, -(-len(ranked) // page_size))
    number = min(ask.page, page_count)
    shown = ranked[(number - 1) * page_size : number * page_size]
    return DirectoryPage(
        entries=[cards[candidate.id] for candidate, _ in shown],
        total=counted[0],
        page=number,
        page_count=page_count,
        more=counted[1],
        ask=replace(ask, page=number),
        matches={candidate.id: found for candidate, found in shown},
    )


def _gather(
    db: Session,
    pool: dict[int, sa.Row[Any]],
    filters: sa.ColumnElement[bool],
    words: tuple[tuple[str, ...], search_index.Wanted],
    span: tuple[int, int | None],
) -> None:
    """Add to ``pool``, in id order from ``span[0]`` (up to ``span[1]``), members who
    pass the filters, have the words and relate as wanted: a bounded run of the
    full-text index's ids, or, with neither, the filters' own walk.
    """
    all_of, relating = words
    since, until = span
    room = POOL - len(pool)
    if room <= 0:
        return
    walk = members(*CARD).where(filters, col(Employee.id) >= since)
    if until is not None:
        walk = walk.where(col(Employee.id) < until)
    if all_of or relating:
        ids = search_index.first_matches(db, all_of, SCANNED, since=since, wanted=relating)
        walk = walk.where(search_index.among(db, ids))
    if pool:
        walk = walk.where(col(Employee.id).not_in(list(pool)))
    for row in db.execute(walk.order_by(col(Employee.id)).limit(room)).all():
        pool[row[0]] = row


def _highest_id(db: Session) -> int:
    return db.exec(select(sa.func.max(col(Employee.id)))).one() or 1


def _candidate(entry: DirectoryEntry) -> matching.Candidate:
    room = not entry.paused and (
        (entry.is_peer and entry.places_left > 0)
        or (entry.is_mentor and entry.mentee_places_left > 0)
        or entry.is_mentee
    )
    return matching.Candidate(
        id=entry.id,
        department=entry.department,
        skills=entry.skills,
        learning_goals=entry.learning_goals,
        themes=entry.themes,
        has_room=room,
    )
