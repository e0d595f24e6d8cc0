"""Hiding people from your own directory results: the card's Hide, its Undo, the profile's list.

Every handler acts for the signed-in person only (``act``); the person's id is
browser input that ``services.hiding`` validates. The directory's search
leaves hidden people out in SQL (``hiding.not_hidden_by``); a page whose list
must change after a hide or its Undo registers how to re-read it with
``refresh_after_hiding`` (see ``peerapp/peerapp.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from peerapp.services import hiding
from peerapp.state.actions import act
from peerapp.state.wording import person_about

# Seconds the "hidden" toast stays, so that Undo can be reached (with a keyboard too).
UNDO_SECONDS = 10

# Handlers that re-read a list which leaves hidden people out: run after a
# hide and after its Undo, in the tab that acted. Registered at import time
# (every server worker imports the app), never from a browser.
_REFRESH: list[rx.EventHandler] = []


def refresh_after_hiding(handler: rx.EventHandler) -> None:
    """Run ``handler`` (a list's reload) after every hide and every Undo of one."""
    if handler not in _REFRESH:
        _REFRESH.append(handler)


@dataclass
class HiddenRow:
    """A hidden person as the profile lists them: name and the line that tells namesakes apart."""

    id: int = 0
    full_name: str = ""
    about: str = ""


def _rows(items: list[hiding.HiddenItem]) -> list[HiddenRow]:
    return [
        HiddenRow(item.id, item.full_name, person_about(item.job_title, item.department))
        for item in items
    ]


class HiddenPeopleState(rx.State):
    """Whom the signed-in person hid; ``busy_ids``: people being hidden or shown right now."""

    people: list[HiddenRow] = []
    loaded: bool = False
    busy_ids: list[int] = []

    def _reload(self, db, viewer) -> None:
        self.people = _rows(hiding.hidden_people(db, viewer_id=viewer.employee_id))
        self.loaded = True

    @rx.event
    async def load(self):
        """on_load of the profile: the people you hid."""
        async for update in act(self, self._reload):
            yield update

    @rx.event
    async def hide(self, person_id: int):
        """Leave a person out of your directory results; the toast offers Undo."""

        def work(db, viewer):
            change = hiding.hide(db, viewer_id=viewer.employee_id, person_id=person_id)
            if self.loaded:
                self._reload(db, viewer)
            undo = HiddenPeopleState.undo_hide(change.person.id)  # the checked id
            toast = rx.toast.success(
                f"{change.person.full_name} is hidden from your results.",
                action={"label": "Undo", "on_click": undo},
                duration=UNDO_SECONDS * 1000,
            )
            return [toast, *_REFRESH]

        async for update in act(self, work, busy="busy_ids", busy_id=person_id):
            yield update

    @rx.event
    async def undo_hide(self, person_id: int):
        """The toast's Undo: show the person again where you just hid them."""
        async for update in self._unhide(person_id, refresh=True):
            yield update

    @rx.event
    async def show_again(self, person_id: int):
        """The profile's Show again: the person is back in your results."""
        async for update in self._unhide(person_id, refresh=False):
            yield update

    def _unhide(self, person_id: object, *, refresh: bool):
        def work(db, viewer):
            change = hiding.unhide(db, viewer_id=viewer.employee_id, person_id=person_id)
            if self.loaded:
                self._reload(db, viewer)
            toast = rx.toast.success(f"{change.person.full_name} shows in your results again.")
            return [toast, *_REFRESH] if refresh else toast

        return act(self, work, busy="busy_ids", busy_id=person_id)
