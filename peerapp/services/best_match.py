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
POOL = 200
# The index's ids are read this many at a time, at most so often per walk.
CHUNK = 400
CHUNKS = 4


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
    tags = search_index.words_of(" ".join(me.words()))
    for any_of in ((tags,) if tags else ()) + ((),):
        for after, until in ((start - 1, None), (0, start)):
            _gather(db, pool, filters, (words, any_of), (after, until))
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
    words: tuple[tuple[str, ...], tuple[str, ...]],
    span: tuple[int, int | None],
) -> None:
    """Add to ``pool``, in id order from ``span[0]`` on (up to ``span[1]``), members who
    pass the filters and have the words: ids from the full-text index a chunk at a
    time, or, with no words at all, straight from the filters' walk.
    """
    all_of, any_of = words
    after, until = span
    for _ in range(CHUNKS):
        wanted = POOL - len(pool)
        if wanted <= 0:
            return
        walk = members(*CARD).where(filters)
        if all_of or any_of:
            ids = search_index.matching_ids(db, all_of, any_of=any_of, after=after, limit=CHUNK)
            ids = [i for i in ids if until is None or i < until]
            if not ids:
                return
            walk = walk.where(col(Employee.id).in_(ids))
            after = ids[-1]
        else:
            walk = walk.where(col(Employee.id) > after).order_by(col(Employee.id)).limit(wanted)
            if until is not None:
                walk = walk.where(col(Employee.id) < until)
        rows = [row for row in db.execute(walk).all() if row[0] not in pool]
        for row in sorted(rows, key=lambda row: row[0])[:wanted]:
            pool[row[0]] = row
        if not (all_of or any_of):
            return


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
