"""Directory search and the one-click peer request."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.services import Refused, validation
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

    async def _search(self, **changes):
        """Check who is asking, then apply ``changes`` (already read strictly) and search.

        Nothing from the browser is stored before both: a signed-out tab is
        sent to the sign-in page with its state as it was.
        """
        try:
            # One database session for the sign-in check and the search.
            with rx.session() as db:
                viewer = await current_viewer(self, db)
                if viewer is None:
                    return rx.redirect(routes.LOGIN)
                for name, value in changes.items():
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
        try:
            query = directory_service.typed_query(value)
        except Refused as refusal:
            return rx.toast.error(refusal.message)
        return await self._search(query=query, page=1)

    @rx.event
    async def set_department(self, value: str):
        """Filter by one department; "all" clears the filter."""
        try:
            department = "" if value == "all" else directory_service.department_filter(value)
        except Refused as refusal:
            return rx.toast.error(refusal.message)
        return await self._search(department=department, page=1)

    @rx.event
    async def clear_filters(self):
        """Back to everyone."""
        return await self._search(query="", department="", page=1)

    @rx.event
    async def go_to_page(self, page: int):
        """Show another page of results (past the last one shows the last)."""
        return await self._search(page=directory_service.page_number(page))

    @rx.event
    async def request_peer(self, recipient_id: int):
        """One click: send a peer request; the inbox channel updates both people."""
        try:
            recipient_id = validation.identifier(recipient_id, "person")
        except Refused as refusal:
            yield rx.toast.error(refusal.message)
            return
        if recipient_id in self.sending_to:
            return
        # The button shows that it is sending (a valid id only; it is taken off
        # again below, so a signed-out tab keeps nothing).
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
            self.sending_to = [i for i in self.sending_to if i != recipient_id]
