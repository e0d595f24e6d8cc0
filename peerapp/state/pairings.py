"""Ending a pairing from the My pairings page."""

from __future__ import annotations

import reflex as rx

from peerapp.services import pairings
from peerapp.state import wording
from peerapp.state.actions import act
from peerapp.state.inbox import shown_row
from peerapp.state.live import push_inboxes


class PairingActionsState(rx.State):
    """The End pairing dialog. The person ending is always the signed-in one."""

    ending_id: int = 0
    ending_name: str = ""
    ending_about: str = ""
    saving: bool = False

    @rx.event
    async def open_end(self, pairing_id: int):
        """Ask how it went before ending a pairing of yours.

        The dialog (and the closing toast) name the peer as this tab's inbox
        shows them (``shown_row``); a pairing that is not there opens nothing.
        """
        row = await shown_row(self, "peers", pairing_id, id_field="pairing_id")
        if row is None:
            return rx.toast.error("That pairing is not active any more.")
        self.ending_id = row.pairing_id
        self.ending_name = row.other_name
        self.ending_about = row.other_about
        return None

    @rx.event
    def close_end(self):
        """Keep the pairing."""
        self.ending_id = 0

    @rx.event
    async def confirm_end(self, form_data: dict):
        """End the pairing; outcome and feedback stay private to you."""
        data = form_data if isinstance(form_data, dict) else {}
        pairing_id = self.ending_id

        def work(db, viewer):
            if not pairing_id:
                return None
            ended = pairings.end_pairing(
                db,
                pairing_id=pairing_id,
                actor_id=viewer.employee_id,
                outcome=data.get("outcome"),
                feedback=data.get("feedback", ""),
            )
            self.ending_id = 0
            push_inboxes(ended.told, actor_id=viewer.employee_id)
            return rx.toast.success(wording.pairing_ended(self.ending_name))

        # No dialog open: nothing to show working (the sign-in check still runs).
        async for update in act(self, work, busy="saving" if pairing_id else ""):
            yield update
