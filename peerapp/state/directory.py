"""Directory search and the one-click requests: as peers, to be mentored, to mentor."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from peerapp import models
from peerapp.services import directory as directory_service
from peerapp.services import places, programs
from peerapp.services import requests as request_service
from peerapp.services.directory import DirectoryEntry
from peerapp.state import wording
from peerapp.state.actions import act
from peerapp.state.live import push_outcome


class DirectoryState(rx.State):
    """The search box, the department filter and the visible page of people."""

    query: str = ""
    department: str = ""
    departments: list[str] = []
    entries: list[DirectoryEntry] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    loading: bool = True
    sending_to: list[int] = []
    viewer_id: int = 0
    # The tab: "" (everyone), "peers", "mentors" or "mentees".
    show: str = ""
    # The viewer's roles in the current program and the program's themes.
    my_roles: list[str] = []
    themes: list[str] = []
    _program_id: int = 0
    _sent_to: int = 0
    # "Request with a note…": to whom, which pairing (a side), the note and themes.
    note_to: int = 0
    note_name: str = ""
    note_options: list[list[str]] = []
    note_role: str = ""
    note_text: str = ""
    note_themes: list[str] = []

    def _search(self, changes: Callable[[], dict] = dict, page_load: bool = False):
        """Check who is asking, then apply ``changes()`` (read strictly) and search.

        The viewer's roles, the program's themes and departments are read on a
        page load (or in another program), not on every keystroke.

        The browser's input is read (``changes``) and stored only after the
        sign-in check: a signed-out tab is sent to the sign-in page with its
        state as it was.
        """

        def work(db, viewer):
            for name, value in changes().items():
                if getattr(self, name) != value:
                    setattr(self, name, value)
            if self.viewer_id != viewer.employee_id:
                self.viewer_id = viewer.employee_id
            result = directory_service.search(
                db,
                program_id=viewer.program_id,
                query=self.query,
                department=self.department,
                page=self.page,
                show=self.show,
            )
            if page_load or self._program_id != viewer.program_id:
                self._read_program(db, viewer)
            self.entries = result.entries
            self.total = result.total
            self.page = result.page
            self.page_count = result.page_count
            self.loading = False

        return act(self, work, refused=self._stopped)

    def _read_program(self, db, viewer) -> None:
        """What the page needs of the program and of the viewer's place in it."""
        if not self.departments or self._program_id != viewer.program_id:
            self.departments = directory_service.departments(db, program_id=viewer.program_id)
        program = programs.get_program(db, viewer.program_id)
        member = programs.membership(db, viewer.program_id, viewer.employee_id)
        for name, value in (
            ("my_roles", programs.roles_of(member)),
            ("themes", programs.themes_of(program)),
        ):
            if getattr(self, name) != value:
                setattr(self, name, value)
        self._program_id = viewer.program_id

    def _stopped(self, _message: str) -> None:
        self.loading = False

    @rx.event
    async def load(self):
        """on_load: first page of the current search."""
        async for update in self._search(page_load=True):
            yield update

    @rx.event
    async def set_query(self, value: str):
        """Search as the person types (the input debounces)."""
        async for update in self._search(
            lambda: {"query": directory_service.typed_query(value), "page": 1}
        ):
            yield update

    @rx.event
    async def set_department(self, value: str):
        """Filter by one department; "all" clears the filter."""
        async for update in self._search(
            lambda: {
                "department": "" if value == "all" else directory_service.department_filter(value),
                "page": 1,
            }
        ):
            yield update

    @rx.event
    async def set_show(self, value: str):
        """One tab of the directory: everyone, peers, mentors or mentees."""
        async for update in self._search(
            lambda: {"show": "" if value == "all" else directory_service.showing(value), "page": 1}
        ):
            yield update

    @rx.event
    async def clear_filters(self):
        """Back to everyone."""
        async for update in self._search(
            lambda: {"query": "", "department": "", "show": "", "page": 1}
        ):
            yield update

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results (past the last one shows the last)."""
        async for update in self._search(lambda: {"page": directory_service.page_number(page)}):
            yield update

    def _send(self, recipient_id: object, as_role: str, message: str = "", themes=()):
        """Send a request; the inbox channel updates both people."""

        def work(db, viewer):
            outcome = request_service.send_request(
                db,
                program_id=viewer.program_id,
                sender_id=viewer.employee_id,
                recipient_id=recipient_id,
                as_role=as_role,
                message=message,
                themes=list(themes),
            )
            push_outcome(outcome, actor_id=viewer.employee_id)
            request = outcome.request
            self._sent_to = request.sender_id if outcome.mutual else request.recipient_id
            name = next((e.full_name for e in self.entries if e.id == recipient_id), None)
            return rx.toast.success(wording.request_sent(name, as_role))

        return act(self, work, busy="sending_to", busy_id=recipient_id)

    @rx.event
    async def request_peer(self, recipient_id: int):
        """One click: ask to become peers."""
        async for update in self._send(recipient_id, places.PEER):
            yield update

    @rx.event
    async def ask_mentor(self, recipient_id: int):
        """One click: ask this person to mentor you."""
        async for update in self._send(recipient_id, places.MENTEE):
            yield update

    @rx.event
    async def offer_mentoring(self, recipient_id: int):
        """One click: offer to mentor this person."""
        async for update in self._send(recipient_id, places.MENTOR):
            yield update

    @rx.event
    def open_note(self, recipient_id: int):
        """Open "Request with a note…" for a person on this page, with the pairings you can ask.

        Only a person listed on this page, and only the pairings their roles and
        yours allow, are kept; the service checks everything again on send.
        """
        entry = next((e for e in self.entries if e.id == recipient_id), None)
        if entry is None or entry.id == self.viewer_id:
            return rx.toast.error("That person is not on this page any more.")
        options = [
            [side, label]
            for side, label, possible in (
                (places.PEER, "As peers", entry.is_peer and "peer" in self.my_roles),
                (
                    places.MENTEE,
                    "Ask them to mentor you",
                    entry.is_mentor and "mentee" in self.my_roles,
                ),
                (
                    places.MENTOR,
                    "Offer to mentor them",
                    entry.is_mentee and "mentor" in self.my_roles,
                ),
            )
            if possible
        ]
        if not options:
            return rx.toast.error(f"You and {entry.full_name} hold no roles that pair.")
        self.note_to, self.note_name, self.note_options = entry.id, entry.full_name, options
        self.note_role, self.note_text, self.note_themes = options[0][0], "", []
        return None

    @rx.event
    def note_open_changed(self, is_open: bool):
        """Cancel or Escape closes the note: nothing is sent."""
        if is_open is not True:
            self.note_to = 0

    @rx.event
    def set_note_role(self, value: str):
        """Choose which pairing to ask for (one of those offered)."""
        if any(value == side for side, _ in self.note_options):
            self.note_role = value

    @rx.event
    def set_note_text(self, value: str):
        """The note as typed, kept only while it fits."""
        if isinstance(value, str) and len(value) <= models.MESSAGE_MAX:
            self.note_text = value

    @rx.event
    def toggle_note_theme(self, theme: str):
        """Tick or untick one of the program's themes (at most three)."""
        if theme in self.note_themes:
            self.note_themes = [t for t in self.note_themes if t != theme]
        elif theme in self.themes and len(self.note_themes) < models.REQUEST_THEMES_MAX:
            self.note_themes = [t for t in self.themes if t in {*self.note_themes, theme}]

    @rx.event
    async def send_note(self):
        """Send the request with its note and themes; the dialog closes once it is sent."""
        recipient, role = self.note_to, self.note_role
        if not recipient:
            return
        async for update in self._send(recipient, role, self.note_text, self.note_themes):
            yield update
        if (
            any(entry.id == recipient for entry in self.entries)
            and recipient not in self.sending_to
        ):
            self.note_to = 0
