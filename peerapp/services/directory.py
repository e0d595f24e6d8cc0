"""The peer directory: who a search finds in a program, a page at a time, at any size.

Words go through the full-text index (``search_index``); filters and orders are
index walks that stop once a page is read. Nothing reads or counts more than
``WINDOW`` matches: past that the count says "500+" and the last page is the
twenty-fifth. Only the columns a card shows are read.
"""

from __future__ import annotations

import threading
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
    # How many have the words (up to COUNTED + 1), and of those how many pass the
    # filters (up to WINDOW + 1): read together, in the first look at the index.
    matches: int = 0
    found: int = 0

    def __post_init__(self) -> None:
        if self.words:
            self.matches, self.found = self._first_look()

    def _first_look(self) -> tuple[int, int]:
        """Both counts in one statement, so the index is searched once for them.

        On PostgreSQL a search for two common prefixes builds its whole bitmap of
        matches before the first id comes out; counting twice built it twice.
        """
        first = search_index.first_matches(self.db, self.words, COUNTED + 1, in_order=False)
        looked = first.cte("first_look")
        ids = sa.select(*looked.c)
        passing = members(col(Employee.id)).where(self.filters, search_index.among(self.db, ids))
        counts = sa.select(
            sa.select(sa.func.count()).select_from(looked).scalar_subquery(),
            sa.select(sa.func.count())
            .select_from(passing.limit(WINDOW + 1).subquery())
            .scalar_subquery(),
        )
        matches, found = self.db.execute(counts).one()
        return int(matches), int(found)

    def condition(self, most: int = SORTED) -> sa.ColumnElement[bool]:
        """Every filter and every word (among the first ``most`` matches of the words)."""
        if not self.words:
            return self.filters
        first = search_index.first_matches(self.db, self.words, most, in_order=most == SORTED)
        return sa.and_(self.filters, search_index.among(self.db, first))

    def everyone(self) -> list[sa.Row[Any]]:
        """Every match's card row (for a search known to find few)."""
        if self.words and not self.matches:
            return []
        return list(self.db.execute(members(*CARD).where(self.condition(COUNTED))).all())

    def count(self) -> tuple[int, bool]:
        """How many match, up to ``WINDOW``, and whether there are more."""
        found = self.found
        if not self.words:
            bounded = members(col(Employee.id)).where(self.filters).limit(WINDOW + 1)
            found = self.db.exec(select(sa.func.count()).select_from(bounded.subquery())).one()
        return min(found, WINDOW), found > WINDOW or self.matches > COUNTED


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
    scope = _Scope(db, filters, search_index.looked_up(db, ask.query))
    # Best match ranks everyone a search finds when they are few: read at once, for
    # words that few people have (their count is read already), else after a count.
    best = viewer_id is not None and ask.sort == "best"
    few = best and bool(scope.words) and scope.matches <= best_match.RANKED_WHOLE
    everyone = scope.everyone() if few else None
    total, more = (len(everyone), False) if everyone is not None else scope.count()
    if best and everyone is None and total <= best_match.RANKED_WHOLE and not more:
        everyone = scope.everyone()
    ranks = best and total > 0
    me = matching.seeker(db, program_id, viewer_id) if viewer_id and ranks else None
    if me is not None:
        search_by = (scope.filters, scope.words, scope.matches > COUNTED)
        counted = (total, more)
        ranked = best_match.page(db, program_id, search_by, me, ask, counted, page_size, everyone)
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
