"""Directory search and the one-click requests: as peers, to be mentored, to mentor."""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.services import places
from peerapp.services import requests as request_service
from peerapp.state import wording
from peerapp.state.actions import act
from peerapp.state.directory_search import DirectorySearch
from peerapp.state.live import push_outcome


class DirectoryState(DirectorySearch, rx.State):
    """The directory page: its search (``DirectorySearch``) and the requests sent from it."""

    sending_to: list[int] = []
    _sent_to: int = 0
    # "Request with a note…": to whom, which pairing (a side), the note and themes.
    note_to: int = 0
    note_name: str = ""
    note_options: list[list[str]] = []
    note_role: str = ""
    note_text: str = ""
    note_themes: list[str] = []

    def _send(self, recipient_id: object, as_role: str, message: str = "", themes=()):
        """Send a request; the inbox channel updates both people."""

        def work(db, viewer):
            outcome = request_service.send_request(
                db,
                program_id=viewer.program_id,
                sender_id=viewer.employee_id,
                recipient_id=recipient_id,
                as_role=as_role,
                message=message,
                themes=list(themes),
            )
            push_outcome(outcome, actor_id=viewer.employee_id)
            request = outcome.request
            self._sent_to = request.sender_id if outcome.mutual else request.recipient_id
            name = next((e.full_name for e in self.entries if e.id == recipient_id), None)
            return rx.toast.success(wording.request_sent(name, as_role))

        return act(self, work, busy="sending_to", busy_id=recipient_id)

    @rx.event
    async def request_peer(self, recipient_id: int):
        """One click: ask to become peers."""
        async for update in self._send(recipient_id, places.PEER):
            yield update

    @rx.event
    async def ask_mentor(self, recipient_id: int):
        """One click: ask this person to mentor you."""
        async for update in self._send(recipient_id, places.MENTEE):
            yield update

    @rx.event
    async def offer_mentoring(self, recipient_id: int):
        """One click: offer to mentor this person."""
        async for update in self._send(recipient_id, places.MENTOR):
            yield update

    @rx.event
    def open_note(self, recipient_id: int):
        """Open "Request with a note…" for a person on this page, with the pairings you can ask.

        Only a person listed on this page, and only the pairings their roles and
        yours allow, are kept; the service checks everything again on send.
        """
        entry = next((e for e in self.entries if e.id == recipient_id), None)
        if entry is None or entry.id == self.viewer_id:
            return rx.toast.error("That person is not on this page any more.")
        options = [
            [side, label]
            for side, label, possible in (
                (places.PEER, "As peers", entry.is_peer and "peer" in self.my_roles),
                (
                    places.MENTEE,
                    "Ask them to mentor you",
                    entry.is_mentor and "mentee" in self.my_roles,
                ),
                (
                    places.MENTOR,
                    "Offer to mentor them",
                    entry.is_mentee and "mentor" in self.my_roles,
                ),
            )
            if possible
        ]
        if not options:
            return rx.toast.error(f"You and {entry.full_name} hold no roles that pair.")
        self.note_to, self.note_name, self.note_options = entry.id, entry.full_name, options
        self.note_role, self.note_text, self.note_themes = options[0][0], "", []
        return None

    @rx.event
    def note_open_changed(self, is_open: bool):
        """Cancel or Escape closes the note: nothing is sent."""
        if is_open is not True:
            self.note_to = 0

    @rx.event
    def set_note_role(self, value: str):
        """Choose which pairing to ask for (one of those offered)."""
        if any(value == side for side, _ in self.note_options):
            self.note_role = value

    @rx.event
    def set_note_text(self, value: str):
        """The note as typed, kept only while it fits."""
        if isinstance(value, str) and len(value) <= models.MESSAGE_MAX:
            self.note_text = value

    @rx.event
    def toggle_note_theme(self, theme: str):
        """Tick or untick one of the program's themes (at most three)."""
        if theme in self.note_themes:
            self.note_themes = [t for t in self.note_themes if t != theme]
        elif theme in self.themes and len(self.note_themes) < models.REQUEST_THEMES_MAX:
            self.note_themes = [t for t in self.themes if t in {*self.note_themes, theme}]

    @rx.event
    async def send_note(self):
        """Send the request with its note and themes; the dialog closes once it is sent."""
        recipient, role = self.note_to, self.note_role
        if not recipient:
            return
        async for update in self._send(recipient, role, self.note_text, self.note_themes):
            yield update
        if (
            any(entry.id == recipient for entry in self.entries)
            and recipient not in self.sending_to
        ):
            self.note_to = 0
