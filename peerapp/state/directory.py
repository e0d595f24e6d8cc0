"""Directory search and the one-click peer request."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.services import Refused
from peerapp.services import directory as directory_service
from peerapp.services import requests as request_service
from peerapp.services.directory import DirectoryEntry
from peerapp.state.live import push_outcome
from peerapp.state.session import current_viewer


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

    async def _search(self):
        try:
            # One database session for the sign-in check and the search.
            with rx.session() as db:
                viewer = await current_viewer(self, db)
                if viewer is None:
                    return rx.redirect(routes.LOGIN)
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
                    self.departments = directory_service.departments(
                        db, program_id=viewer.program_id
                    )
        except Refused as refusal:
            self.loading = False
            return rx.toast.error(refusal.message)
        self.entries = result.entries
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count
        self.loading = False
        return None

    @rx.event
    async def load(self):
        """on_load: first page of the current search."""
        return await self._search()

    @rx.event
    async def set_query(self, value: str):
        """Search as the person types (the input debounces)."""
        self.query = value if isinstance(value, str) else ""
        self.page = 1
        return await self._search()

    @rx.event
    async def set_department(self, value: str):
        """Filter by one department; "all" clears the filter."""
        self.department = "" if not isinstance(value, str) or value == "all" else value
        self.page = 1
        return await self._search()

    @rx.event
    async def clear_filters(self):
        """Back to everyone."""
        self.query = ""
        self.department = ""
        self.page = 1
        return await self._search()

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results (clamped by the service)."""
        self.page = page if isinstance(page, int) and not isinstance(page, bool) else 1
        return await self._search()

    @rx.event
    async def request_peer(self, recipient_id: int):
        """One click: send a peer request; the inbox channel updates both people."""
        if recipient_id in self.sending_to:
            return
        # The button shows that it is sending (only ids are tracked: the value
        # comes from the browser and is checked by the service below).
        busy = isinstance(recipient_id, int) and not isinstance(recipient_id, bool)
        if busy:
            self.sending_to = [*self.sending_to, recipient_id]
            yield
        try:
            # One database session for the sign-in check and the send.
            with rx.session() as db:
                viewer = await current_viewer(self, db)
                if viewer is None:
                    yield rx.redirect(routes.LOGIN)
                    return
                outcome = request_service.send_request(
                    db,
                    program_id=viewer.program_id,
                    sender_id=viewer.employee_id,
                    recipient_id=recipient_id,
                )
            push_outcome(viewer.program_id, outcome, actor_id=viewer.employee_id)
            name = next((e.full_name for e in self.entries if e.id == recipient_id), "them")
            yield rx.toast.success(f"Request sent to {name}.")
        except Refused as refusal:
            yield rx.toast.error(refusal.message)
        finally:
            if busy:
                self.sending_to = [i for i in self.sending_to if i != recipient_id]
