"""A person's live channel: one shared state that every tab of theirs is linked to.

Each person has one ``InboxState`` linked to a token only the server can name
(``channel_of``: derived from the person's id with a key kept in the database);
every tab they have open links to it at sign-in. ``state/live.py`` reloads it
when something changes for them, and Reflex sends the delta to all linked tabs.
Browsers never poll, and only the server decides which token a tab is linked to.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import reflex as rx
from sqlmodel import Session

from peerapp.db import read_session
from peerapp.models import Program
from peerapp.services import channels, notices, programs, sessions, validation
from peerapp.services import inbox as inbox_service
from peerapp.state import notice_words, wording
from peerapp.state.rows import PeerRow, RequestRow, UsageRow


class InboxState(rx.SharedState):
    """One person's requests, peers and unread notices (the bell), shared by all their open tabs."""

    incoming: list[RequestRow] = []
    outgoing: list[RequestRow] = []
    history: list[RequestRow] = []
    peers: list[PeerRow] = []
    incoming_count: int = 0
    # Who the viewer has a pending peer request with (sent, received) or is peers with,
    # and the same for mentoring: the directory's buttons follow them live.
    outgoing_ids: list[int] = []
    incoming_from_ids: list[int] = []
    paired_ids: list[int] = []
    mentoring_out_ids: list[int] = []
    mentoring_in_ids: list[int] = []
    mentoring_paired_ids: list[int] = []
    usage: UsageRow = UsageRow()
    program_id: int = 0
    program_name: str = ""
    peer_mentorship_enabled: bool = True
    mentoring_enabled: bool = True
    # False once the program is archived or its cohort has ended.
    program_open: bool = True
    # The bell: notices not read yet (capped), and the number as the bell shows it ("99+").
    unread: int = 0
    unread_text: str = ""
    announcement: str = ""
    announcement_seq: int = 0
    announced_at: float = 0.0
    loaded: bool = False
    # The numbers behind ``usage`` (server only), to re-word it after a send.
    _usage: inbox_service.Usage | None = None

    def _refresh(self, program_id: int, employee_id: int, db: Session | None = None) -> None:
        """Reload from the database and announce what arrived since the last load.

        ``db``: the caller's open database session, if it has one (SQLite lets
        one transaction at a time write, so a second session would wait on it).
        """
        if db is None:
            self._apply(*load_inbox(employee_id, program_id))
        else:
            self._apply(*_read_inbox(db, program_id, employee_id))

    def _apply_program(self, program: Program) -> None:
        same = self.loaded and program.id == self.program_id
        if same and program.peer_mentorship_enabled != self.peer_mentorship_enabled:
            _announce(self, wording.program_switched(program.peer_mentorship_enabled))
        if same and program.mentoring_enabled != self.mentoring_enabled:
            _announce(self, wording.mentoring_switched(program.mentoring_enabled))
        _update(
            self,
            program_id=program.id or 0,
            program_name=program.name,
            peer_mentorship_enabled=program.peer_mentorship_enabled,
            mentoring_enabled=program.mentoring_enabled,
            program_open=programs.closed_because(program) is None,
        )

    def _set_unread(self, count: int) -> None:
        """The bell's count, read with every reload of this channel (any program)."""
        _update(self, unread=count, unread_text=notice_words.count_label(count) if count else "")

    def _apply(self, box: inbox_service.Inbox, program: Program, unread: int | None = None) -> None:
        # Another program than before (the person switched): nothing in it is news.
        same_program = program.id == self.program_id
        self._apply_program(program)
        if unread is not None:
            self._set_unread(unread)
        before_incoming = {row.id for row in self.incoming}
        before_outgoing = {row.id for row in self.outgoing}
        incoming = [RequestRow.of(item) for item in box.incoming]
        outgoing = [RequestRow.of(item) for item in box.outgoing]
        peers = [PeerRow.of(item) for item in box.peers]
        # Only what changed goes into the delta: a new request must not resend
        # the whole history to every tab.
        _update(
            self,
            incoming=incoming,
            outgoing=outgoing,
            history=[RequestRow.of(item) for item in box.history],
            peers=peers,
            incoming_count=len(incoming),
            **_who(outgoing, "outgoing_ids", "mentoring_out_ids"),
            **_who(incoming, "incoming_from_ids", "mentoring_in_ids"),
            **_who(peers, "paired_ids", "mentoring_paired_ids"),
            usage=UsageRow.of(box.usage),
        )
        self._usage = box.usage
        if self.loaded and same_program:
            news = wording.arrivals(
                (row.other_name, row.side) for row in self.incoming if row.id not in before_incoming
            )
            news += wording.inbox_news(box.history, before_incoming, before_outgoing)
            if news:
                _announce(self, wording.announcement(news))
        if not self.loaded:
            self.loaded = True

    def _add_sent(self, row: RequestRow) -> None:
        """A request just sent to or by this person: add its row without a reload.

        Skipped when the row is already here (a reload got there first) or
        already closed in the history (answered or withdrawn meanwhile).
        """
        if any(seen.id == row.id for seen in (*self.incoming, *self.outgoing, *self.history)):
            return
        if row.direction == "incoming":
            incoming = [row, *self.incoming][: inbox_service.PENDING_LIMIT]
            _update(
                self,
                incoming=incoming,
                incoming_count=len(incoming),
                **_who(incoming, "incoming_from_ids", "mentoring_in_ids"),
            )
            _announce(self, wording.new_request(row.other_name, row.side))
            return
        outgoing = [row, *self.outgoing][: inbox_service.PENDING_LIMIT]
        _update(self, outgoing=outgoing, **_who(outgoing, "outgoing_ids", "mentoring_out_ids"))
        if self._usage is not None:
            # Open requests are exactly the pending ones sent, as listed.
            self._usage = dataclasses.replace(self._usage, open_requests=len(outgoing))
            _update(self, usage=UsageRow.of(self._usage))


def _who(
    rows: list[RequestRow] | list[PeerRow], peers: str, mentoring: str
) -> dict[str, list[int]]:
    """The other people of ``rows``, split into peer rows and mentoring rows."""
    return {
        peers: [row.other_id for row in rows if row.side == "peer"],
        mentoring: [row.other_id for row in rows if row.side != "peer"],
    }


async def shown_row(
    state: rx.State, listing: str, row_id: object, id_field: str = "id"
) -> Any | None:
    """The row ``row_id`` of the list ``listing`` as this tab's inbox shows it, or None.

    A dialog names the other person from here, never from a name sent by the
    browser; an id that is not shown (signed out, answered or ended meanwhile,
    forged) finds nothing.
    """
    # Strictly an int first: True == 1 would match row 1.
    wanted = row_id if validation.is_identifier(row_id) else None
    inbox = await state.get_state(InboxState)
    return next((row for row in getattr(inbox, listing) if getattr(row, id_field) == wanted), None)


def channel_of(employee_id: int) -> str:
    """The shared token of a person's live channel (unguessable; never a tab's token)."""
    key = channels.cached_key()
    if key is None:
        with rx.session() as db:  # once per process
            key = channels.server_key(db)
    return channels.channel_name(key, employee_id)


def _update(state: InboxState, **values) -> None:
    """Assign only the vars whose value differs (an assignment marks a var dirty)."""
    for name, value in values.items():
        if getattr(state, name) != value:
            setattr(state, name, value)


def _announce(state: InboxState, text: str) -> None:
    """News for the toast and the polite live region of every linked tab."""
    state.announcement = text
    state.announcement_seq += 1
    state.announced_at = time.time() * 1000


def _read_inbox(
    db: Session, program_id: int, employee_id: int
) -> tuple[inbox_service.Inbox, Program, int]:
    # Read first and held: the inbox's own look-up of the program then finds it in the
    # session (its identity map keeps only objects someone still refers to).
    program = programs.get_program(db, program_id)
    box = inbox_service.load_inbox(db, program_id=program_id, employee_id=employee_id)
    return box, program, notices.unread_count(db, employee_id)


def unread_of(employee_id: int) -> int:
    """A person's unread notices (the bell), for a push that reads nothing else."""
    with read_session(rx.session) as db:
        return notices.unread_count(db, employee_id)


def load_inbox(
    employee_id: int, program_id: int | None = None
) -> tuple[inbox_service.Inbox, Program, int]:
    """A person's inbox in ``program_id`` (default: their current program)."""
    with read_session(rx.session) as db:
        if program_id is None:
            program_id = sessions.current_program_id(db, employee_id)
        return _read_inbox(db, program_id, employee_id)


def load_program(program_id: int) -> tuple[Program, list[int]]:
    with read_session(rx.session) as db:
        program = programs.get_program(db, program_id)
        db.expunge(program)
        return program, programs.member_ids(db, program_id)
