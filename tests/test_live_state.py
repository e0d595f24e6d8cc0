"""The live inbox channel's in-memory updates (no server, no database).

A plain send reaches open inboxes as rows built by the sender's transaction;
these tests pin how a channel takes such a row, whatever order pushes arrive in.
"""

from __future__ import annotations

import pytest

from peerapp.reflex_compat import state_outside_app
from peerapp.services.inbox import Usage
from peerapp.state.inbox import InboxState
from peerapp.state.rows import RequestRow, UsageRow


def _channel(**values) -> InboxState:
    state = state_outside_app(InboxState)
    for name, value in values.items():
        setattr(state, name, value)
    return state


def _row(request_id: int, other_id: int, direction: str, name: str = "Alex Morgan") -> RequestRow:
    return RequestRow(id=request_id, other_id=other_id, other_name=name, direction=direction)


def test_an_arriving_request_goes_on_top_and_is_announced():
    inbox = _channel(incoming=[_row(1, 7, "incoming", "Bea Lund")], incoming_count=1)
    inbox._add_sent(_row(2, 9, "incoming"))
    assert [row.id for row in inbox.incoming] == [2, 1]
    assert inbox.incoming_count == 2
    assert inbox.incoming_from_ids == [9, 7]
    assert inbox.announcement == "New peer request from Alex Morgan."
    assert inbox.announcement_seq == 1


def test_a_sent_request_updates_the_outgoing_list_and_the_open_request_count():
    numbers = Usage(
        open_requests=1, open_request_limit=5, capacity=3, places_left=2, paused=False, is_peer=True
    )
    inbox = _channel(outgoing=[_row(1, 7, "outgoing")], _usage=numbers)
    inbox._add_sent(_row(2, 9, "outgoing", "Sam Okafor"))
    assert [row.id for row in inbox.outgoing] == [2, 1]
    assert inbox.outgoing_ids == [9, 7]
    assert inbox.usage == UsageRow(
        open_label="2 of 5 open requests used",
        places_label="You have 2 of 3 places left",
        paused=False,
    )
    # The sender is not told about their own request.
    assert inbox.announcement_seq == 0


@pytest.mark.parametrize("already", ["incoming", "outgoing", "history"])
def test_a_row_a_reload_already_brought_or_closed_changes_nothing(already):
    # A reload that ran after the send (or after the request was answered)
    # already shows the truth: the late row must neither duplicate nor revive it.
    seen = _row(2, 9, "incoming" if already == "history" else already)
    inbox = _channel(**{already: [seen]})
    inbox._add_sent(_row(2, 9, "incoming"))
    inbox._add_sent(_row(2, 9, "outgoing"))
    assert getattr(inbox, already) == [seen]
    for other in {"incoming", "outgoing", "history"} - {already}:
        assert getattr(inbox, other) == []
    assert inbox.announcement_seq == 0
