"""Best match: a bounded pool of candidates for the person asking, scored, a page shown.

The pool is first people who relate to the viewer's skills or goals, then
anyone the search finds; each walk starts at a place of the viewer's own
(fair exposure) and wraps around, so a million people cost one pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def page(
    db: Session,
    program_id: int,
    conditions: Callable[..., sa.ColumnElement[bool]],
    me: matching.Seeker,
    ask: Ask,
    counted: tuple[int, bool],
    page_size: int,
) -> DirectoryPage:
    """The page of the best matches for ``me`` among what ``conditions(*any_of)`` finds.

    ``conditions()`` is the search; with words, the search narrowed to people
    whose text has one of them.
    """
    pool: dict[int, sa.Row[Any]] = {}
    start = matching.rotation_start(me.id, _highest_id(db))
    wanted = (conditions(*_words_of_tags(me.words())),) if me.words() else ()
    for condition in (*wanted, conditions()):
        for after, before in ((start, None), (0, start)):
            if len(pool) >= POOL:
                break
            walk = members(*CARD).where(condition, col(Employee.id) >= after)
            if before is not None:
                walk = walk.where(col(Employee.id) < before)
            if pool:
                walk = walk.where(col(Employee.id).not_in(list(pool)))
            limit = POOL - len(pool)
            for row in db.execute(walk.order_by(col(Employee.id)).limit(limit)).all():
                pool[row[0]] = row
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


def _words_of_tags(tags: Sequence[str]) -> tuple[str, ...]:
    return search_index.words_of(" ".join(tags))


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
