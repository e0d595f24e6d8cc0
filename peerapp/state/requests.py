"""Answering and withdrawing requests from the inbox."""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.services import requests as request_service
from peerapp.state.actions import act
from peerapp.state.inbox import shown_row
from peerapp.state.live import push_outcome


class RequestActionsState(rx.State):
    """Accept, decline, withdraw. The acting person always comes from the session."""

    busy_ids: list[int] = []
    decline_id: int = 0
    decline_name: str = ""
    decline_about: str = ""
    decline_reason: str = ""

    def _act(self, service, request_id: object, done_message: str, **details):
        """``service`` on one request, as the signed-in person; its row shows it working."""

        def work(db, viewer):
            me = viewer.employee_id
            outcome = service(db, request_id=request_id, actor_id=me, **details)
            push_outcome(outcome, actor_id=me)
            return rx.toast.success(done_message)

        return act(self, work, busy="busy_ids", busy_id=request_id)

    @rx.event
    async def accept(self, request_id: int):
        """Accept a request you received: you become peers."""
        accepted = "Request accepted. You are now peers."
        async for update in self._act(request_service.accept_request, request_id, accepted):
            yield update

    @rx.event
    async def open_decline(self, request_id: int):
        """Ask for an optional reason before declining a request waiting for you.

        The dialog names the sender (name, job title, department) as this tab's
        inbox shows them (``shown_row``); a request not waiting there opens nothing.
        """
        row = await shown_row(self, "incoming", request_id)
        if row is None:
            return rx.toast.error("That request is no longer waiting for your answer.")
        self.decline_id = row.id
        self.decline_name = row.other_name
        self.decline_about = row.other_about
        self.decline_reason = ""
        return None

    @rx.event
    def close_decline(self):
        """Dismiss the decline dialog without declining."""
        if self.decline_id:
            self.decline_id = 0
        if self.decline_reason:
            self.decline_reason = ""

    @rx.event
    def set_decline_reason(self, value: str):
        """Keep the reason as typed while the dialog is open (the service cleans it).

        Anything else (no dialog open, not text, longer than the field allows)
        is ignored: the text area never sends it.
        """
        if self.decline_id and isinstance(value, str) and len(value) <= models.REASON_MAX:
            self.decline_reason = value

    @rx.event
    async def confirm_decline(self):
        """Decline the request in the dialog, with the typed reason."""
        request_id, reason = self.decline_id, self.decline_reason
        if not request_id:
            return
        self.decline_id = 0
        self.decline_reason = ""
        async for update in self._act(
            request_service.decline_request, request_id, "Request declined.", reason=reason
        ):
            yield update

    @rx.event
    async def withdraw(self, request_id: int):
        """Take back a request you sent."""
        withdrawn = "Request withdrawn."
        async for update in self._act(request_service.withdraw_request, request_id, withdrawn):
            yield update
