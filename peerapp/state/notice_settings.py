"""The profile's notification settings, and the unsubscribe page of every email.

Settings act for the signed-in person only (``act``); the unsubscribe page
works without signing in, so its only authority is the signed token in its
address, read when the page loads and applied only when the person presses
the button (a mail scanner that opens the link changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from peerapp.services import Refused, notice_settings, unsubscribe
from peerapp.state import notice_words
from peerapp.state.actions import act
from peerapp.state.offload import off_the_loop

FIELD_PREFIX = "delivery-"
ZONE_FIELD = "digest_zone"
HOUR_FIELD = "digest_hour"


@dataclass
class CategoryChoice:
    """One category on the form: its field, words, and the saved delivery."""

    category: str
    field: str
    label: str
    hint: str
    delivery: str


class NoticeSettingsState(rx.State):
    """How the signed-in person wants to be told, as the profile's form shows it."""

    choices: list[CategoryChoice] = []
    zone: str = ""
    hour: str = ""
    loaded: bool = False
    saving: bool = False
    error: str = ""
    # A new value re-mounts the form with the saved choices (its fields are uncontrolled).
    revision: int = 0

    def _show(self, chosen: notice_settings.Settings) -> None:
        self.choices = [
            CategoryChoice(
                category, FIELD_PREFIX + category, label, hint, chosen.deliveries[category]
            )
            for category, (label, hint, _) in notice_words.CATEGORY_WORDS.items()
        ]
        self.zone = chosen.schedule.time_zone
        self.hour = str(chosen.schedule.hour)
        self.loaded = True
        self.revision += 1

    @rx.event
    async def load(self):
        """on_load of the profile: the saved choices (or the defaults)."""

        def work(db, viewer):
            self.error = ""
            self._show(notice_settings.settings(db, viewer.employee_id))

        async for update in act(self, work, reads=True):
            yield update

    @rx.event
    async def save(self, form_data: dict):
        """Save every category's delivery and the digest time; the service checks each."""
        data = form_data if isinstance(form_data, dict) else {}

        def work(db, viewer):
            deliveries = {
                name: data.get(FIELD_PREFIX + name) for name in notice_words.CATEGORY_WORDS
            }
            notice_settings.save(
                db, viewer.employee_id, deliveries, data.get(ZONE_FIELD), data.get(HOUR_FIELD)
            )
            self.error = ""
            self._show(notice_settings.settings(db, viewer.employee_id))
            return rx.toast.success("Notification settings saved.")

        async for update in act(self, work, busy="saving", refused=self._refused):
            yield update

    def _refused(self, message: str) -> None:
        self.error = message


class UnsubscribeState(rx.State):
    """The unsubscribe page: what the link in the address turns off, and turning it off."""

    # "checking" until the page has read its link, then "ask", "done" or "refused".
    phase: str = "checking"
    question: str = ""
    message: str = ""
    working: bool = False
    # The token from the address, kept on the server for the button (never sent back).
    _token: str = ""

    @rx.event
    async def load(self):
        """on_load: read the link's token (reading never changes anything)."""
        token = self.router.url.query_parameters.get("token", "")
        self._token = token if isinstance(token, str) else ""
        self.question = self.message = ""
        try:
            wanted = await off_the_loop(_read, self._token)
        except Refused as refusal:
            self.phase, self.message = "refused", refusal.message
            return
        self.phase, self.question = "ask", notice_words.stop_question(wanted.category)

    @rx.event
    async def confirm(self):
        """The button: turn off that one category's emails (only what the link says)."""
        if self.working:
            return
        self.working = True
        yield  # the button says "Stopping…" meanwhile
        try:
            done = await off_the_loop(_apply, self._token)
        except Refused as refusal:
            self.phase, self.message = "refused", refusal.message
        else:
            self.phase, self.message = "done", notice_words.stopped(done.category)
        finally:
            self.working = False


# In a thread (``off_the_loop``): their statements wait for the database.
def _read(token: str) -> unsubscribe.Unsubscribe:
    with rx.session() as db:
        return unsubscribe.read(db, token)


def _apply(token: str) -> unsubscribe.Unsubscribe:
    with rx.session() as db:
        return unsubscribe.apply(db, token)
