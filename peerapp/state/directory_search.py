"""The directory's search: words, filters, order and page, kept in the page's URL.

The URL (``/directory?q=…&department=…&page=…``) is where a search lives: a
page load (a shared link, a reload, the browser's Back) reads it, and every
change writes it back (typing replaces the entry, a filter or a page adds
one, so Back undoes it). Only the visible page is in the browser's state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlencode

import reflex as rx

from peerapp import routes
from peerapp.services import directory as directory_service
from peerapp.services import directory_ask, programs, validation
from peerapp.services.directory import DirectoryEntry
from peerapp.services.directory_ask import Ask
from peerapp.state import directory_words
from peerapp.state.actions import act

# URL parameter of each part of a search (a part at its default stays out of the URL).
URL_NAMES = {
    "query": "q",
    "department": "department",
    "location": "location",
    "show": "show",
    "theme": "theme",
    "has_places": "places",
    "sort": "sort",
    "page": "page",
}
# What the page asks before anything is chosen: everyone, best match first.
FIRST_ASK = Ask(sort="best")


# The filters chosen from a list, each with an "all" that clears it.
FILTERS = ("department", "location", "show", "theme")


def search_url(values: dict) -> str:
    """The directory's URL for a search: only the parts that differ from the default."""
    shown = {
        name: ("1" if value is True else value)
        for part, name in URL_NAMES.items()
        if (value := values[part]) != getattr(FIRST_ASK, part)
    }
    return routes.DIRECTORY + (f"?{urlencode(shown)}" if shown else "")


def from_url(parameters: dict[str, str]) -> dict:
    """A search from the URL's parameters; what is not text of the right kind is dropped."""
    values: dict = {}
    for part, name in URL_NAMES.items():
        raw = parameters.get(name)
        if raw is None:
            values[part] = getattr(FIRST_ASK, part)
        elif part == "has_places":
            values[part] = raw == "1"
        elif part == "page":
            values[part] = int(raw) if raw.isdigit() and len(raw) < 10 else 1
        else:
            values[part] = raw
    return values


class DirectorySearch(rx.State, mixin=True):
    """The search box, the filters, the order and the visible page of people."""

    # The search as the service last read it (the box keeps the words as typed).
    ask: Ask = FIRST_ASK
    departments: list[str] = []
    locations: list[str] = []
    entries: list[DirectoryEntry] = []
    total: int = 0
    more: bool = False
    page_count: int = 1
    loading: bool = True
    # Phones: whether the filters are shown (wide screens always show them).
    filters_open: bool = False
    viewer_id: int = 0
    # The viewer's roles in the current program and the program's themes.
    my_roles: list[str] = []
    themes: list[str] = []
    _program_id: int = 0

    @rx.var
    def found_text(self) -> str:
        """How many people the search found: "1 person", "500+ people"."""
        return directory_words.found(self.total, self.more)

    @rx.var
    def filtered(self) -> bool:
        """Whether any filter narrows the search (the chips show then)."""
        ask = self.ask
        return bool(ask.show or ask.department or ask.location or ask.theme or ask.has_places)

    @rx.var
    def show_label(self) -> str:
        """The chosen "Show" as its chip says it."""
        return {"peers": "Peers", "mentors": "Mentors", "mentees": "Mentees"}.get(self.ask.show, "")

    def _asked(self) -> dict:
        return {part: getattr(self.ask, part) for part in URL_NAMES}

    def _search(self, changes: Callable[[], dict] = dict, *, page_load=False, history=""):
        """Check who is asking, then apply ``changes()`` (read strictly) and search.

        The browser's input is read and stored only after the sign-in check: a
        signed-out tab goes to the sign-in page with its state as it was.
        ``history``: "push" or "replace" the URL's entry with the new search.
        """

        def work(db, viewer):
            asked = {**self._asked(), **changes()}
            in_program = viewer.program_id
            if page_load or self._program_id != in_program:
                self._read_program(db, viewer)
            result = directory_service.search(
                db, program_id=in_program, viewer_id=viewer.employee_id, **asked
            )
            # The search as the service read it; the box keeps the words as typed.
            shown = replace(result.ask, query=asked["query"])
            if self.ask != shown:
                self.ask = shown
            asked = vars(shown)
            if self.viewer_id != viewer.employee_id:
                self.viewer_id = viewer.employee_id
            self.entries = [
                replace(
                    entry,
                    why=directory_words.why(result.matches[entry.id])
                    if entry.id in result.matches
                    else "",
                    answers=directory_words.answers_within(entry.answers_within_days),
                )
                for entry in result.entries
            ]
            self.total, self.more = result.total, result.more
            self.page_count = result.page_count
            self.loading = False
            if not history:
                return None
            # Only while the tab still shows the directory: an answer that arrives
            # after the person moved on must not rewrite the next page's address.
            url, here = json.dumps(search_url(asked)), json.dumps(routes.DIRECTORY)
            return rx.call_script(
                f"if (window.location.pathname.replace(/\\/$/, '') === {here}) "
                f"window.history.{history}State(null, '', {url})"
            )

        return act(self, work, refused=self._stopped, reads=True)

    def _read_program(self, db, viewer) -> None:
        """What the page needs of the program and of the viewer's place in it."""
        program_id = viewer.program_id
        program = programs.get_program(db, program_id)
        member = programs.membership(db, program_id, viewer.employee_id)
        facet = directory_service.recent_facet
        for name, value in (
            ("my_roles", programs.roles_of(member)),
            ("themes", programs.themes_of(program)),
            ("departments", facet(db, program_id=program_id, column="department")),
            ("locations", facet(db, program_id=program_id, column="location")),
        ):
            if getattr(self, name) != value:
                setattr(self, name, value)
        self._program_id = program_id

    def _stopped(self, _message: str) -> None:
        self.loading = False

    def _change(self, part: str, value: object):
        """One filter or the order changed: back to page 1, with a Back step."""
        return self._search(lambda: {part: value, "page": 1}, history="push")

    @rx.event
    def toggle_filters(self):
        """Show or hide the filters (phones)."""
        self.filters_open = not self.filters_open

    @rx.event
    async def load(self):
        """on_load: the search in the URL (a shared link, a reload, Back)."""
        parameters = dict(self.router.url.query_parameters)
        async for update in self._search(lambda: from_url(parameters), page_load=True):
            yield update

    @rx.event
    async def refresh(self):
        """The same search again (after someone was hidden or shown again)."""
        async for update in self._search():
            yield update

    @rx.event
    async def set_query(self, value: str):
        """Search as the person types (the input debounces)."""
        async for update in self._search(
            lambda: {"query": directory_ask.typed_query(value), "page": 1}, history="replace"
        ):
            yield update

    @rx.event
    async def set_filter(self, part: str, value: str):
        """One filter: department, location, show (peers, mentors, mentees) or theme.

        "all" clears it. ``part`` names one of those four, nothing else.
        """

        def changes() -> dict:
            refusal = "Filter by department, location, who to show or theme."
            chosen = validation.one_of(part, FILTERS, refusal)
            return {chosen: "" if value == "all" else value, "page": 1}

        async for update in self._search(changes, history="push"):
            yield update

    @rx.event
    async def set_has_places(self, value: bool):
        """Only people who can take one more pairing now."""
        async for update in self._change("has_places", value):
            yield update

    @rx.event
    async def set_sort(self, value: str):
        """The order of the results."""
        async for update in self._change("sort", value):
            yield update

    @rx.event
    async def clear_filters(self):
        """Back to everyone, in the chosen order."""
        cleared = {part: getattr(FIRST_ASK, part) for part in URL_NAMES if part != "sort"}
        async for update in self._search(lambda: cleared, history="push"):
            yield update

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results (past the last one shows the last)."""
        async for update in self._search(
            lambda: {"page": directory_ask.page_number(page)}, history="push"
        ):
            yield update
