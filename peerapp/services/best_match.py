"""Best match: a bounded pool of candidates for the person asking, scored, a page shown.

The pool is first people who relate to the viewer's skills or goals, then
anyone the search finds; each walk starts at a place of the viewer's own
(fair exposure) and wraps around, so a million people cost one pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from peerapp.models import Employee, Membership
from peerapp.services import matching, search_index
from peerapp.services.directory_ask import Ask
from peerapp.services.directory_cards import CARD, DirectoryEntry, DirectoryPage, entries, members
from peerapp.services.sql import no_id

# How many candidates are scored when a search finds more than RANKED_WHOLE.
POOL = 60
# A search that finds at most this many ranks every one of them (no walk): one read
# of their cards costs less than the walks, and the best of them all come first.
RANKED_WHOLE = 200
# How many of the full-text index's ids one walk reads at most.
SCANNED = 150
# How many ids of a chosen department's (or location's) index one walk reads at most:
# a cheap range, looked up in id order only until the pool is full.
RUN = 1_000


def page(
    db: Session,
    program_id: int,
    search: tuple[sa.ColumnElement[bool], search_index.Words, bool],
    me: matching.Seeker,
    ask: Ask,
    counted: tuple[int, bool],
    page_size: int,
    everyone: Sequence[Sequence[Any]] | None = None,
) -> DirectoryPage:
    """The page of the best matches for ``me`` among what the search finds.

    ``search``: its filters (a condition on a member row), its words, and whether
    they are common (more matches than a count reads). ``everyone``: every match's
    card row, when the search read them all (at most ``RANKED_WHOLE``): they are
    the pool, and nothing is walked.
    """
    pool = _walk(db, search, me, ask) if everyone is None else {row[0]: row for row in everyone}
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


def _walk(
    db: Session,
    search: tuple[sa.ColumnElement[bool], search_index.Words, bool],
    me: matching.Seeker,
    ask: Ask,
) -> dict[int, Sequence[Any]]:
    """The pool: up to ``POOL`` members, first those who relate to ``me``, then anyone,
    each kind walked from the viewer's own place and then from the first id up to it."""
    filters, words, common = search
    pool: dict[int, Sequence[Any]] = {}
    wanted = search_index.Wanted.of(me.goals.values(), me.skills.values())
    # With a department (or location) chosen, the walk is that index's range from the
    # viewer's place: people of one department may sit in one stretch of ids.
    key = (col(Employee.department), ask.department) if ask.department else None
    key = key or ((col(Employee.location), ask.location) if ask.location else None)
    for relating in ((wanted,) if wanted else ()) + (search_index.Wanted(),):
        for since, until in ((me.start, None), (0, me.start)):
            _gather(db, pool, filters, (words, relating), (since, until), (common, key))
    return pool


def _gather(
    db: Session,
    pool: dict[int, Sequence[Any]],
    filters: sa.ColumnElement[bool],
    words: tuple[search_index.Words, search_index.Wanted],
    span: tuple[int, int | None],
    how: tuple[bool, tuple[Any, str] | None],
) -> None:
    """Add to ``pool``, in id order from ``span[0]`` (up to ``span[1]``), members who
    pass the filters, have the words and relate as wanted: a bounded run of the
    full-text index's ids, or of the chosen filter's index (``how[1]``: a column
    and its value), or, with neither, the filters' own walk. ``how[0]``: whether
    the full-text run is the first ids from ``span[0]`` on (otherwise any of them:
    a search's few matches, which PostgreSQL then reads from its index instead of
    walking every row from there).
    """
    all_of, relating = words
    since, until = span
    in_order, key = how
    room = POOL - len(pool)
    if room <= 0:
        return
    # Both sides of the join get the span: a merge join then starts there too.
    walk = members(*CARD).where(
        filters, col(Employee.id) >= since, col(Membership.employee_id) >= since
    )
    if until is not None:
        walk = walk.where(col(Employee.id) < until, col(Membership.employee_id) < until)
    if all_of or relating:
        ids = search_index.first_matches(
            db, all_of, SCANNED, since=since, wanted=relating, in_order=in_order
        )
        walk = walk.where(search_index.among(db, ids))
    elif key is not None:
        walk = walk.where(search_index.among(db, _run_of(db, key, since, until)))
    if pool:
        walk = walk.where(no_id(db, col(Employee.id), list(pool)))
    for row in db.execute(walk.order_by(col(Employee.id)).limit(room)).all():
        pool[row[0]] = row


def _run_of(db: Session, key: tuple[Any, str], since: int, until: int | None) -> sa.Select[Any]:
    """The first ``RUN`` ids, from ``since`` (up to ``until``), of people with the
    chosen department (or location): a range of that column's (value, id) index.

    Read apart from the join. On PostgreSQL the range is two row comparisons on
    (value, id) and no plain "= value", so no other index gives this order: given
    "department = …" and "id >= …" it walked the primary key from the viewer's
    place, testing every row (at a million people, 300,000 of them in 160 ms
    before the first engineer, who sat in one stretch of ids). SQLite reads the
    plain form as that index's range; the row comparisons it would not.
    """
    column, value = key
    if search_index.is_sqlite(db):
        run = sa.select(col(Employee.id)).where(column == value, col(Employee.id) >= since)
        if until is not None:
            run = run.where(col(Employee.id) < until)
        return run.order_by(col(Employee.id)).limit(RUN)
    place = sa.tuple_(column, col(Employee.id))
    run = sa.select(col(Employee.id)).where(
        place >= sa.tuple_(sa.literal(value), sa.literal(since))
    )
    if until is None:
        run = run.where(column <= value)
    else:
        run = run.where(place < sa.tuple_(sa.literal(value), sa.literal(until)))
    return run.order_by(column, col(Employee.id)).limit(RUN)


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
