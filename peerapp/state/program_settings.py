"""Program settings page: admins only, checked on the server at every event."""

from __future__ import annotations

import reflex as rx

from peerapp.services import admin, programs
from peerapp.state import wording
from peerapp.state.actions import act
from peerapp.state.live import push_inboxes, push_program

# Longer than any number the settings accept (the inputs are number fields).
DRAFT_MAX = 6


class ProgramSettingsState(rx.State):
    """A draft of the settings form; the saved truth is in each member's InboxState."""

    peer_mentorship_enabled: bool = True
    open_request_limit: str = ""
    request_expiry_days: str = ""
    allowed: bool = False
    loaded: bool = False
    saving: bool = False
    confirm_disable_open: bool = False

    @rx.event
    async def load(self):
        """on_load: only admins get the form."""

        def work(db, viewer):
            self.allowed = viewer.is_admin
            if self.allowed:
                self._show(programs.get_program(db, viewer.program_id))
            self.loaded = True

        async for update in act(self, work):
            yield update

    def _show(self, program) -> None:
        self.peer_mentorship_enabled = program.peer_mentorship_enabled
        self.open_request_limit = str(program.open_request_limit)
        self.request_expiry_days = str(program.request_expiry_days)

    def _draft(self, value: object) -> bool:
        """Whether a draft value may be kept: the form is shown (to an admin) and it fits.

        The form's inputs never send anything else, so anything else is ignored;
        the service reads the numbers on save, after checking the admin again.
        """
        return self.allowed and isinstance(value, str) and len(value) <= DRAFT_MAX

    @rx.event
    def set_open_request_limit(self, value: str):
        """Keep the typed limit (read by the service on save)."""
        if self._draft(value):
            self.open_request_limit = value

    @rx.event
    def set_request_expiry_days(self, value: str):
        """Keep the typed number of days (read by the service on save)."""
        if self._draft(value):
            self.request_expiry_days = value

    @rx.event
    def set_peer_mentorship(self, value: bool):
        """Flip the switch in the draft (nothing is saved yet)."""
        if self.allowed and isinstance(value, bool):
            self.peer_mentorship_enabled = value

    @rx.event
    async def request_save(self):
        """Turning peer mentorship off cancels requests, so it asks first."""

        def work(db, viewer):
            current = programs.get_program(db, viewer.program_id).peer_mentorship_enabled
            if current and not self.peer_mentorship_enabled:
                self.confirm_disable_open = True
                return None
            return ProgramSettingsState.save

        async for update in act(self, work):
            yield update

    @rx.event
    def cancel_save(self):
        """Close the confirmation without saving."""
        self.confirm_disable_open = False

    @rx.event
    async def save(self):
        """Save the settings; the service refuses anyone who is not an admin."""
        self.confirm_disable_open = False

        def work(db, viewer):
            change = admin.update_program_settings(
                db,
                actor_id=viewer.employee_id,
                program_id=viewer.program_id,
                peer_mentorship_enabled=self.peer_mentorship_enabled,
                # As typed: the service reads them once it knows the actor is an admin.
                open_request_limit=self.open_request_limit,
                request_expiry_days=self.request_expiry_days,
            )
            self._show(change.program)
            push_program(viewer.program_id)
            push_inboxes(change.told, actor_id=viewer.employee_id)
            return rx.toast.success(wording.settings_saved(len(change.told)))

        async for update in act(self, work, busy="saving"):
            yield update
