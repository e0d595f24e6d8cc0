"""How facts are worded (``state/wording.py``): pure functions, no server, no database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from peerapp.services.history import Step
from peerapp.services.inbox import RequestItem, Usage
from peerapp.state import wording
from peerapp.state.rows import RequestRow, UsageRow

ME, BOB, ADMIN = 1, 2, 9
T0 = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


def item(**changes) -> RequestItem:
    """A request Bob sent to me, still waiting."""
    base = dict(
        id=5,
        viewer_id=ME,
        direction="incoming",
        other_id=BOB,
        other_name="Bob Baker",
        other_title="",
        other_department="",
        message="",
        status="pending",
        created_at=T0,
        expires_at=T0 + timedelta(days=14),
        closed_at=None,
        closed_by_id=None,
        close_reason="",
        steps=[],
    )
    return RequestItem(**(base | changes))


def closed(status: str, by: int | None, reason: str = "", **changes) -> RequestItem:
    return item(status=status, closed_by_id=by, close_reason=reason, closed_at=T0, **changes)


def step(actor: int | None, to_status: str, from_status: str | None = "pending", reason=""):
    return Step(5, T0, actor, "whoever", from_status, to_status, reason)


@pytest.mark.parametrize(
    ("seen", "words"),
    [
        (item(), "Waiting for your answer"),
        (item(direction="outgoing"), "Waiting for Bob Baker"),
        (closed("accepted", ME), "Accepted by you"),
        (
            closed("declined", BOB, "Parental leave until May."),
            "Declined by Bob Baker: Parental leave until May",
        ),
        (closed("withdrawn", BOB), "Withdrawn by Bob Baker"),
        (closed("declined", ADMIN), "Declined by an admin"),
        # Expiry and cancellation name no one, whoever caused them.
        (closed("expired", None, "No answer within 14 days."), "Expired: No answer within 14 days"),
        (closed("cancelled", ME, "You paused."), "Cancelled: You paused"),
    ],
)
def test_request_status(seen, words):
    assert wording.request_status(seen) == words


def test_history_steps_name_the_actor_as_the_viewer_reads_them():
    request = item()
    assert wording.step(request, step(BOB, "pending", from_status=None)) == "Sent by Bob Baker"
    assert wording.step(request, step(ME, "declined", reason="On leave")) == (
        "Declined by you: On leave"
    )
    assert wording.step(request, step(ADMIN, "cancelled")) == "Cancelled by an admin"
    assert wording.step(request, step(None, "expired", reason="No answer within 1 day.")) == (
        "Expired by peerapp: No answer within 1 day."
    )


def test_expires_edges():
    assert wording.expires(None, T0) == ""
    assert wording.expires(T0, T0) == "expires now"
    assert wording.expires(T0 - timedelta(hours=1), T0) == "expires now"
    assert wording.expires(T0 + timedelta(minutes=30), T0) == "expires within the hour"
    assert wording.expires(T0 + timedelta(hours=5), T0) == "expires today"
    assert wording.expires(T0 + timedelta(days=1, hours=1), T0) == "expires tomorrow"
    assert wording.expires(T0 + timedelta(days=2, hours=5), T0) == "expires in 2 days"
    # A closed request shows no deadline, even if it had one.
    assert wording.request_expires(closed("accepted", ME), T0) == ""


def test_news_leaves_out_only_the_viewers_own_answers():
    mine = closed("accepted", ME, id=1)
    theirs = closed("withdrawn", BOB, id=2)
    # A reason is free text: the old code searched the words for "by you" and
    # so kept quiet about this one.
    quoted = closed("declined", ADMIN, "Reported by your manager", id=3)
    cancelled_by_my_pause = closed("cancelled", ME, "You paused.", id=4)
    sent = closed("declined", BOB, id=6, direction="outgoing")
    news = wording.inbox_news(
        [mine, theirs, quoted, cancelled_by_my_pause, sent],
        were_incoming={1, 2, 3, 4},
        were_outgoing={6},
    )
    assert news == [
        "Your request to Bob Baker: Declined by Bob Baker",
        "Request from Bob Baker: Withdrawn by Bob Baker",
        "Request from Bob Baker: Declined by an admin: Reported by your manager",
        "Request from Bob Baker: Cancelled: You paused",
    ]
    assert wording.announcement(wording.arrivals(["Sam Okafor"]) + news[:1]) == (
        "New peer request from Sam Okafor. Your request to Bob Baker: Declined by Bob Baker."
    )
    assert wording.announcement([]) == ""


def test_rows_carry_the_words_for_the_browser():
    request = dataclasses.replace(
        closed("declined", BOB, "Busy"), steps=[step(ME, "pending", from_status=None)]
    )
    row = RequestRow.of(request, now=T0)
    assert (row.status_label, row.expires_label, row.sent) == (
        "Declined by Bob Baker: Busy",
        "",
        "01 Mar 2031, 09:00 UTC",
    )
    assert [s.text for s in row.steps] == ["Sent by you"]
    assert RequestRow.of(item(), now=T0 + timedelta(days=3)).expires_label == "expires in 11 days"


def test_standing():
    numbers = Usage(
        open_requests=2, open_request_limit=5, capacity=3, places_left=1, paused=True, is_peer=True
    )
    assert UsageRow.of(numbers) == UsageRow(
        open_label="2 of 5 open requests used",
        places_label="You have 1 of 3 places left",
        paused=True,
    )
    assert wording.places(dataclasses.replace(numbers, capacity=0)) == (
        "You are not taking on peers (capacity 0)"
    )
    assert UsageRow.of(dataclasses.replace(numbers, is_peer=False)) == UsageRow()


def test_toasts_that_carry_facts():
    assert wording.request_sent("Sam Okafor") == "Request sent to Sam Okafor."
    assert wording.request_sent(None) == "Request sent to them."
    assert wording.pairing_ended("Tara") == "Pairing with Tara ended."
    assert wording.settings_saved(0) == "Settings saved."
    assert wording.settings_saved(1) == (
        "Settings saved. Pending requests were cancelled for 1 person."
    )
    assert wording.settings_saved(4) == (
        "Settings saved. Pending requests were cancelled for 4 people."
    )
    assert wording.program_switched(True) == "Peer mentorship is open again."
    assert wording.program_switched(False) == (
        "Peer mentorship was switched off by a program admin."
    )
    assert wording.new_request("Bob Baker") == "New peer request from Bob Baker."


def test_people_and_moments():
    assert wording.person_about("Engineer", "") == "Engineer"
    assert wording.person_about("", "") == "No job title or department given"
    assert wording.when(None) == ""
    assert wording.clock_time(T0) == "09:00 UTC"


def test_arrivals_and_toasts_say_which_pairing_is_asked_for():
    assert wording.arrivals(
        [("Alex Morgan", "mentor"), ("Sam Okafor", "mentee"), "Lena Silva"]
    ) == [
        "Alex Morgan asks you to be their mentor",
        "Sam Okafor offers to mentor you",
        "New peer request from Lena Silva",
    ]
    assert wording.request_sent("Sam Okafor", "mentee") == "You asked Sam Okafor to mentor you."
    assert wording.request_sent(None, "mentor") == "You offered to mentor them."
    assert wording.pairing_label("mentor", "Sam Okafor") == "You mentor Sam Okafor"
    assert wording.pairing_label("mentee", "Alex Morgan") == "Alex Morgan mentors you"
    assert wording.pairing_label("peer", "Lena Silva") == "Peers with Lena Silva"
