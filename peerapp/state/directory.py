"""Directory search and the one-click peer request."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from peerapp.services import directory as directory_service
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

    def _search(self, changes: Callable[[], dict] = dict):
        """Check who is asking, then apply ``changes()`` (read strictly) and search.

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
            )
            if not self.departments:
                self.departments = directory_service.departments(db, program_id=viewer.program_id)
            self.entries = result.entries
            self.total = result.total
            self.page = result.page
            self.page_count = result.page_count
            self.loading = False

        return act(self, work, refused=self._stopped)

    def _stopped(self, _message: str) -> None:
        self.loading = False

    @rx.event
    async def load(self):
        """on_load: first page of the current search."""
        async for update in self._search():
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
    async def clear_filters(self):
        """Back to everyone."""
        async for update in self._search(lambda: {"query": "", "department": "", "page": 1}):
            yield update

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results (past the last one shows the last)."""
        async for update in self._search(lambda: {"page": directory_service.page_number(page)}):
            yield update

    @rx.event
    async def request_peer(self, recipient_id: int):
        """One click: send a peer request; the inbox channel updates both people."""

        def work(db, viewer):
            outcome = request_service.send_request(
                db,
                program_id=viewer.program_id,
                sender_id=viewer.employee_id,
                recipient_id=recipient_id,
            )
            push_outcome(outcome, actor_id=viewer.employee_id)
            name = next((e.full_name for e in self.entries if e.id == recipient_id), None)
            return rx.toast.success(wording.request_sent(name))

        async for update in act(self, work, busy="sending_to", busy_id=recipient_id):
            yield update
