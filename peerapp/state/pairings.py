"""Ending a pairing from the My peers page."""

from __future__ import annotations

import reflex as rx

from peerapp import models, routes
from peerapp.services import Refused, pairings, validation
from peerapp.state.live import push_inboxes
from peerapp.state.session import current_viewer


class PairingActionsState(rx.State):
    """The End pairing dialog. The person ending is always the signed-in one."""

    ending_id: int = 0
    ending_name: str = ""
    saving: bool = False

    @rx.event
    def open_end(self, pairing_id: int, name: str):
        """Ask how it went before ending."""
        self.ending_id = pairing_id if isinstance(pairing_id, int) else 0
        # Shown in the dialog and in the closing toast, which Reflex turns into a script.
        self.ending_name = validation.display_text(name, models.NAME_MAX)

    @rx.event
    def close_end(self):
        """Keep the pairing."""
        self.ending_id = 0

    @rx.event
    async def confirm_end(self, form_data: dict):
        """End the pairing; outcome and feedback stay private to you."""
        viewer = await current_viewer(self)
        if viewer is None:
            yield rx.redirect(routes.LOGIN)
            return
        data = form_data if isinstance(form_data, dict) else {}
        pairing_id = self.ending_id
        self.saving = True
        yield
        try:
            with rx.session() as db:
                ended = pairings.end_pairing(
                    db,
                    pairing_id=pairing_id,
                    actor_id=viewer.employee_id,
                    outcome=data.get("outcome"),
                    feedback=data.get("feedback", ""),
                )
            self.ending_id = 0
            push_inboxes(viewer.program_id, set(ended.people), actor_id=viewer.employee_id)
            yield rx.toast.success(f"Pairing with {self.ending_name} ended.")
        except Refused as refusal:
            yield rx.toast.error(refusal.message)
        finally:
            self.saving = False
