"""Answering and withdrawing requests from the inbox."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.services import Refused
from peerapp.services import requests as request_service
from peerapp.state.live import push_outcome
from peerapp.state.session import current_viewer


class RequestActionsState(rx.State):
    """Accept, decline, withdraw. The acting person always comes from the session."""

    busy_ids: list[int] = []
    decline_id: int = 0
    decline_name: str = ""
    decline_reason: str = ""

    async def _act(self, request_id, action, done_message: str):
        if request_id in self.busy_ids:
            return
        # The buttons show that it is working (only ids are tracked: the value
        # comes from the browser and is checked by the service).
        busy = isinstance(request_id, int) and not isinstance(request_id, bool)
        if busy:
            self.busy_ids = [*self.busy_ids, request_id]
            yield
        try:
            # One database session for the sign-in check and the action.
            with rx.session() as db:
                viewer = await current_viewer(self, db)
                if viewer is None:
                    yield rx.redirect(routes.LOGIN)
                    return
                outcome = action(db, viewer.employee_id)
            push_outcome(viewer.program_id, outcome, actor_id=viewer.employee_id)
            yield rx.toast.success(done_message)
        except Refused as refusal:
            yield rx.toast.error(refusal.message)
        finally:
            if busy:
                self.busy_ids = [i for i in self.busy_ids if i != request_id]

    @rx.event
    async def accept(self, request_id: int):
        """Accept a request you received: you become peers."""
        async for update in self._act(
            request_id,
            lambda db, me: request_service.accept_request(db, request_id=request_id, actor_id=me),
            "Request accepted. You are now peers.",
        ):
            yield update

    @rx.event
    def open_decline(self, request_id: int, name: str):
        """Ask for an optional reason before declining."""
        self.decline_id = request_id if isinstance(request_id, int) else 0
        self.decline_name = name if isinstance(name, str) else ""
        self.decline_reason = ""

    @rx.event
    def close_decline(self):
        """Dismiss the decline dialog without declining."""
        self.decline_id = 0

    @rx.event
    def set_decline_reason(self, value: str):
        """Keep the typed reason (capped again by the service)."""
        self.decline_reason = value[:400] if isinstance(value, str) else ""

    @rx.event
    async def confirm_decline(self):
        """Decline the request in the dialog, with the typed reason."""
        request_id, reason = self.decline_id, self.decline_reason
        self.decline_id = 0
        async for update in self._act(
            request_id,
            lambda db, me: request_service.decline_request(
                db, request_id=request_id, actor_id=me, reason=reason
            ),
            "Request declined.",
        ):
            yield update

    @rx.event
    async def withdraw(self, request_id: int):
        """Take back a request you sent."""
        async for update in self._act(
            request_id,
            lambda db, me: request_service.withdraw_request(db, request_id=request_id, actor_id=me),
            "Request withdrawn.",
        ):
            yield update
