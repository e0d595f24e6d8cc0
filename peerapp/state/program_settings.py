"""Program settings page: admins only, checked on the server at every event.

The form is the settings of the program current when the page loaded; Save
writes to that same program (kept on the server), even if another tab of the
admin's has switched program since, so a draft never lands in another program.
"""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.services import admin, programs
from peerapp.state import program_wording, wording
from peerapp.state.actions import act
from peerapp.state.live import push_inboxes, push_program

# Longer than any number the settings accept (the inputs are number fields).
DRAFT_MAX = 6
# The themes as typed: the service takes twice the stored length before cleaning.
THEMES_DRAFT_MAX = models.THEMES_TEXT_MAX * 2
# The draft's fields that the form sets: typed ones with the longest text each keeps, switches.
_TYPED = {
    "open_request_limit": DRAFT_MAX,
    "request_expiry_days": DRAFT_MAX,
    "reminder_days": DRAFT_MAX,
    "themes": THEMES_DRAFT_MAX,
}
_SWITCHES = ("peer_mentorship_enabled", "mentoring_enabled")


class ProgramSettingsState(rx.State):
    """A draft of the settings form; the saved truth is in each member's InboxState."""

    program_name: str = ""
    # Why the settings cannot change ('' while they can): the program is archived.
    locked_reason: str = ""
    peer_mentorship_enabled: bool = True
    mentoring_enabled: bool = True
    open_request_limit: str = ""
    request_expiry_days: str = ""
    reminder_days: str = ""
    themes: str = ""
    allowed: bool = False
    loaded: bool = False
    saving: bool = False
    confirm_disable_open: bool = False
    confirm_title: str = ""
    confirm_text: str = ""
    confirm_button: str = ""
    _program_id: int = 0

    @rx.event
    async def load(self):
        """on_load: only admins get the form, for their current program."""

        def work(db, viewer):
            self.allowed = viewer.is_admin
            if self.allowed:
                self._program_id = viewer.program_id
                self._show(programs.get_program(db, viewer.program_id))
            self.loaded = True

        async for update in act(self, work):
            yield update

    def _show(self, program) -> None:
        self.program_name = program.name
        archived = program.archived_at is not None
        self.locked_reason = (programs.closed_because(program) or "") if archived else ""
        self.peer_mentorship_enabled = program.peer_mentorship_enabled
        self.mentoring_enabled = program.mentoring_enabled
        self.open_request_limit = str(program.open_request_limit)
        self.request_expiry_days = str(program.request_expiry_days)
        self.reminder_days = str(program.reminder_days)
        self.themes = program.themes

    @rx.event
    def set_draft(self, field: str, value: str | bool):
        """Keep what the admin typed or switched in the draft (nothing is saved yet).

        Only the form's own fields, with what their controls send (text that fits,
        or a switch's True/False); anything else is ignored. The service reads the
        values on save, after checking the admin again.
        """
        if not (self.allowed and isinstance(field, str)):
            return
        switched = field in _SWITCHES and isinstance(value, bool)
        typed = field in _TYPED and isinstance(value, str) and len(value) <= _TYPED[field]
        if switched or typed:
            setattr(self, field, value)

    @rx.event
    async def request_save(self):
        """Turning a pairing type off cancels its pending requests, so it asks first."""

        def work(db, viewer):
            admin.require_admin(db, viewer.employee_id)
            saved = programs.get_program(db, self._program_id or viewer.program_id)
            peer_off = saved.peer_mentorship_enabled and not self.peer_mentorship_enabled
            mentoring_off = saved.mentoring_enabled and not self.mentoring_enabled
            if peer_off or mentoring_off:
                title, text, button = program_wording.switching_off(peer_off, mentoring_off)
                self.confirm_title, self.confirm_text, self.confirm_button = title, text, button
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
            program_id = self._program_id or viewer.program_id
            change = admin.update_program_settings(
                db,
                actor_id=viewer.employee_id,
                program_id=program_id,
                peer_mentorship_enabled=self.peer_mentorship_enabled,
                mentoring_enabled=self.mentoring_enabled,
                # As typed: the service reads them once it knows the actor is an admin.
                open_request_limit=self.open_request_limit,
                request_expiry_days=self.request_expiry_days,
                reminder_days=self.reminder_days,
                themes=self.themes,
            )
            self._show(change.program)
            push_program(program_id)
            push_inboxes(change.told, actor_id=viewer.employee_id)
            return rx.toast.success(wording.settings_saved(len(change.told)))

        async for update in act(self, work, busy="saving"):
            yield update
