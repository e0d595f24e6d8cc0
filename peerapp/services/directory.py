"""The peer directory: who a search finds in a program, a page at a time, at any size.

Words go through the full-text index (``search_index``); filters and orders are
index walks that stop once a page is read. Nothing reads or counts more than
``WINDOW`` matches: past that the count says "500+" and the last page is the
twenty-fifth. Only the columns a card shows are read.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from time import monotonic
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from peerapp import settings
from peerapp.models import Employee, Membership
from peerapp.services import best_match, matching, places, responsiveness, search_index
from peerapp.services.conflicts import not_in_reporting_line
from peerapp.services.directory_ask import SHOWING, Ask, read_ask
from peerapp.services.directory_cards import (
    CARD,
    ORDERS,
    DirectoryEntry,
    DirectoryPage,
    entries,
    members,
)
from peerapp.services.errors import Refused
from peerapp.services.hiding import not_hidden_by

PAGE_SIZE = 20
# The most matches a search ever reads or counts.
WINDOW = 500
# A count reads at most this many of the index's matches for a search's words (a
# common word's first ones); past them it says "500+" (or "120+" after filters).
COUNTED = 2_000
# Name and recently joined order at most this many matches of a common word.
SORTED = 20_000

__all__ = ["PAGE_SIZE", "WINDOW", "Ask", "DirectoryEntry", "DirectoryPage", "read_ask", "search"]


def listed(program_id: int) -> sa.ColumnElement[bool]:
    """Who the directory lists: active people with at least one role in the program."""
    return sa.and_(
        col(Membership.program_id) == program_id,
        col(Employee.is_active).is_(True),
        sa.or_(col(Membership.is_peer), col(Membership.is_mentor), col(Membership.is_mentee)),
    )


def _filters(program_id: int, ask: Ask) -> sa.ColumnElement[bool]:
    condition = listed(program_id)
    for column, value in (
        (col(Employee.department), ask.department),
        (col(Employee.location), ask.location),
    ):
        if value:
            condition = sa.and_(condition, column == value)
    role = SHOWING[ask.show]
    if role is not None:
        condition = sa.and_(condition, role)
    if ask.theme:
        condition = sa.and_(condition, _holds_theme(ask.theme))
    if ask.has_places:
        condition = sa.and_(condition, places.room_left(program_id, ask.show))
    return condition


def _holds_theme(theme: str) -> sa.ColumnElement[bool]:
    # Themes are stored one a line; a whole line must equal the theme.
    lines = sa.literal("\n") + col(Membership.themes) + sa.literal("\n")
    return lines.contains(f"\n{theme}\n", autoescape=True)


@dataclass
class _Scope:
    """Who a search may find: the filters, and the words through the full-text index.

    The words select the first matching ids from the index (all of them, for
    any word but the most common): ``COUNTED`` for a count, ``SORTED`` for an
    order. The filters run on those, so nothing reads more, whatever the
    company's size.
    """

    db: Session
    filters: sa.ColumnElement[bool]
    words: search_index.Words
    # Best match for (program, viewer): the first look also reads who is asking and,
    # when the search finds at most RANKED_WHOLE, every match's card.
    ranking_for: tuple[int, int] | None = None
    # How many have the words (up to COUNTED + 1), and of those how many pass the
    # filters (up to WINDOW + 1): read together, in the first look at the index.
    matches: int = 0
    found: int = 0
    me: matching.Seeker | None = None
    # Every match's card row, when they are few enough to rank them all.
    everyone: list[Sequence[Any]] | None = None

    def __post_init__(self) -> None:
        self._first_look()

    def _first_look(self) -> None:
        """The counts in one statement (with best match, the viewer and the few matches' cards).

        On PostgreSQL a search for two common prefixes builds its whole bitmap of
        matches before the first id comes out; counting twice built it twice. A
        statement costs about a millisecond of Python whatever it reads, so what
        the page needs next comes in the same one.
        """
        db = self.db
        passing = members(col(Employee.id)).where(self.filters)
        matches: sa.ColumnElement[Any] = sa.literal(0)
        if self.words:
            first = search_index.first_matches(db, self.words, COUNTED + 1, in_order=False)
            looked = first.cte("first_look")
            passing = passing.where(search_index.among(db, sa.select(*looked.c)))
            matches = sa.select(sa.func.count()).select_from(looked).scalar_subquery()
        bounded = passing.limit(WINDOW + 1).cte("passing")
        found = sa.select(sa.func.count()).select_from(bounded).scalar_subquery()
        counts = sa.select(matches.label("matches"), found.label("found")).subquery("counts")
        if self.ranking_for is None:
            self.matches, self.found = db.execute(sa.select(*counts.c)).one()
            return
        program_id, viewer_id = self.ranking_for
        me = matching.seeker_query(program_id, viewer_id).subquery("me")
        # The cards only when they are all there is (a test the database makes once,
        # before reading any): a wider row for every counted match cost more than
        # the statement it saved.
        cards = (
            members(*CARD)
            .where(
                col(Membership.program_id) == program_id,
                search_index.among(db, sa.select(*bounded.c)),
                found <= best_match.RANKED_WHOLE,
                matches <= COUNTED,
            )
            .subquery("cards")
        )
        rows = db.execute(
            sa.select(*counts.c, *me.c, *cards.c).select_from(
                counts.outerjoin(me, sa.true()).outerjoin(cards, sa.true())
            )
        ).all()
        self.matches, self.found = rows[0][0], rows[0][1]
        self.me = matching.seeker_of(viewer_id, rows[0][2 : 2 + len(me.c)])
        read = 2 + len(me.c)
        if self.found <= best_match.RANKED_WHOLE and self.matches <= COUNTED:
            self.everyone = [row[read:] for row in rows if row[read] is not None]

    def condition(self, most: int = SORTED) -> sa.ColumnElement[bool]:
        """Every filter and every word (among the first ``most`` matches of the words)."""
        if not self.words:
            return self.filters
        first = search_index.first_matches(self.db, self.words, most, in_order=most == SORTED)
        return sa.and_(self.filters, search_index.among(self.db, first))

    def count(self) -> tuple[int, bool]:
        """How many match, up to ``WINDOW``, and whether there are more."""
        return min(self.found, WINDOW), self.found > WINDOW or self.matches > COUNTED


def search(
    db: Session,
    *,
    program_id: int,
    viewer_id: int | None = None,
    page_size: int = PAGE_SIZE,
    **browser: object,
) -> DirectoryPage:
    """A page of the active members of the program that match what was asked.

    ``browser`` holds what the page sent (see ``read_ask``); it is read strictly.
    "Best match" ranks for ``viewer_id`` (by name when nobody is asking).
    """
    ask = read_ask(db, program_id, browser)
    filters = _filters(program_id, ask)
    if viewer_id is not None:
        filters = sa.and_(filters, not_in_reporting_line(viewer_id), not_hidden_by(viewer_id))
    best = viewer_id is not None and ask.sort == "best"
    ranking_for = (program_id, viewer_id) if best and viewer_id is not None else None
    scope = _Scope(db, filters, search_index.looked_up(db, ask.query), ranking_for)
    total, more = scope.count()
    if total == 0 and not more:
        return DirectoryPage(entries=[], total=0, page=1, page_count=1, ask=replace(ask, page=1))
    if scope.me is not None and total > 0:
        # Best match ranks everyone a search finds when they are few (read already).
        search_by = (scope.filters, scope.words, scope.matches > COUNTED)
        counted = (total, more)
        ranked = best_match.page(
            db, program_id, search_by, scope.me, ask, counted, page_size, scope.everyone
        )
        return replace(ranked, entries=_with_answer_days(db, program_id, ranked.entries))
    page_count = max(1, -(-total // page_size))
    # Any page past the results shows the last one.
    number = min(ask.page, page_count)
    order = ORDERS["name" if ask.sort == "best" else ask.sort]
    found = members(*CARD).where(scope.condition()).order_by(*order)
    rows = db.execute(found.offset((number - 1) * page_size).limit(page_size)).all()
    return DirectoryPage(
        entries=_with_answer_days(db, program_id, entries(db, program_id, rows)),
        total=total,
        page=number,
        page_count=page_count,
        more=more,
        ask=replace(ask, page=number),
    )


def _with_answer_days(
    db: Session, program_id: int, shown: list[DirectoryEntry]
) -> list[DirectoryEntry]:
    days = responsiveness.answer_days(db, program_id, [entry.id for entry in shown])
    return [replace(entry, answers_within_days=days.get(entry.id, 0)) for entry in shown]


def facet(db: Session, *, program_id: int, column: str) -> list[str]:
    """The departments (or locations) of people the directory lists, for a filter.

    Walks the distinct values through the column's index (one probe each, not
    a scan of everyone), keeping those with at least one person a search can
    show: a filter that finds nobody is no use.
    """
    if column not in ("department", "location"):
        raise Refused("Filter by department or location.")
    field_ = col(getattr(Employee, column))
    values: list[str] = []
    previous = ""
    while len(values) < 200:
        value = db.exec(select(sa.func.min(field_)).where(field_ > previous)).one()
        if value is None:
            break
        previous = value
        anyone = db.exec(
            select(col(Employee.id))
            .join(Membership, col(Membership.employee_id) == col(Employee.id))
            .where(listed(program_id), field_ == value)
            .limit(1)
        ).first()
        if anyone is not None:
            values.append(value)
    return values


def departments(db: Session, *, program_id: int) -> list[str]:
    """Departments of the people the directory lists, for the filter."""
    return facet(db, program_id=program_id, column="department")


_facets: dict[tuple[int, str], tuple[float, list[str]]] = {}
_facets_lock = threading.Lock()


def recent_facet(db: Session, *, program_id: int, column: str) -> list[str]:
    """``facet``, as read at most ``FILTER_LISTS_SECONDS`` ago in this process.

    Every directory page load shows the department and location lists. They
    change only when someone joins, leaves or moves, so a recent list is shown
    instead of walking the index again for each of a thousand tabs.
    """
    key = (program_id, column)
    now = monotonic()
    with _facets_lock:
        known = _facets.get(key)
    if known is not None and now - known[0] < settings.FILTER_LISTS_SECONDS:
        return list(known[1])
    values = facet(db, program_id=program_id, column=column)
    with _facets_lock:
        _facets[key] = (now, values)
    return list(values)


def forget_recent_facets() -> None:
    """Drop the remembered lists (tests that change departments or swap databases)."""
    with _facets_lock:
        _facets.clear()
