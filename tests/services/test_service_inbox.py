"""One person's inbox: pending both ways, history with readable status, and peers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lifecycle_helpers import save_profile
from service_helpers import make_person, send

from peerapp.clock import frozen_at
from peerapp.models import RequestStatus
from peerapp.services import admin, inbox, pairings, programs, requests
from peerapp.state import wording


def status(item: inbox.RequestItem) -> str:
    """The status as the viewer reads it (the service returns facts; wording words them)."""
    return wording.request_status(item)


def texts(item: inbox.RequestItem) -> list[str]:
    """The item's history, as the viewer reads it."""
    return [wording.step(item, step) for step in item.steps]


@pytest.fixture
def world(db, program):
    """Alice in the middle of one request of every kind."""
    names = [
        "Alice Archer",
        "Bob Baker",
        "Carol Cooper",
        "Dan Dyer",
        "Eve Ellis",
        "Frank Ford",
        "Gina Gray",
        "Hal Hart",
    ]
    p = {name.split()[0].lower(): make_person(db, program, name) for name in names}
    start = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
    step = iter(range(100))

    def at():
        return frozen_at(start + timedelta(minutes=next(step)))

    with at():
        r = {"incoming": send(db, program, p["bob"], p["alice"], message="Coffee?")}
    with at():
        r["outgoing"] = send(db, program, p["alice"], p["carol"], message="Pair on SQL?")
    with at():
        r["declined_by_other"] = send(db, program, p["alice"], p["dan"])
    with at():
        requests.decline_request(
            db,
            request_id=r["declined_by_other"].id,
            actor_id=p["dan"].id,
            reason="Parental leave until May",
        )
    with at():
        r["accepted_by_me"] = send(db, program, p["eve"], p["alice"])
    with at():
        requests.accept_request(db, request_id=r["accepted_by_me"].id, actor_id=p["alice"].id)
    with at():
        r["accepted_by_other"] = send(db, program, p["alice"], p["frank"])
    with at():
        requests.accept_request(db, request_id=r["accepted_by_other"].id, actor_id=p["frank"].id)
    with at():
        r["withdrawn_by_me"] = send(db, program, p["alice"], p["gina"])
    with at():
        requests.withdraw_request(db, request_id=r["withdrawn_by_me"].id, actor_id=p["alice"].id)
    with at():
        r["declined_by_me"] = send(db, program, p["hal"], p["alice"])
    with at():
        requests.decline_request(db, request_id=r["declined_by_me"].id, actor_id=p["alice"].id)
    # Requests between other people never show in Alice's inbox.
    with at():
        r["not_mine"] = send(db, program, p["gina"], p["hal"])
    return p, r


def load(db, program, person):
    return inbox.load_inbox(db, program_id=program.id, employee_id=person.id)


def test_inbox_splits_incoming_outgoing_history_and_peers(db, program, world):
    p, r = world
    box = load(db, program, p["alice"])

    assert [i.id for i in box.incoming] == [r["incoming"].id]
    assert [i.id for i in box.outgoing] == [r["outgoing"].id]
    history = {i.id for i in box.history}
    assert history == {
        r[k].id
        for k in (
            "declined_by_other",
            "accepted_by_me",
            "accepted_by_other",
            "withdrawn_by_me",
            "declined_by_me",
        )
    }
    assert r["not_mine"].id not in history | {i.id for i in box.incoming + box.outgoing}
    assert {peer.other_id for peer in box.peers} == {p["eve"].id, p["frank"].id}
    assert all(i.status == RequestStatus.PENDING.value for i in box.incoming + box.outgoing)
    assert all(i.status != RequestStatus.PENDING.value for i in box.history)


def test_items_show_the_other_person_and_direction(db, program, world):
    p, r = world
    box = load(db, program, p["alice"])

    [incoming] = box.incoming
    assert (incoming.direction, incoming.other_id, incoming.other_name) == (
        "incoming",
        p["bob"].id,
        "Bob Baker",
    )
    assert incoming.message == "Coffee?"
    assert status(incoming) == "Waiting for your answer"
    [outgoing] = box.outgoing
    assert (outgoing.direction, outgoing.other_id, outgoing.other_name) == (
        "outgoing",
        p["carol"].id,
        "Carol Cooper",
    )
    assert status(outgoing).startswith("Waiting for Carol Cooper")

    # Bob sees the same request as outgoing, naming Alice.
    bob_box = load(db, program, p["bob"])
    assert [(i.id, i.direction, i.other_name) for i in bob_box.outgoing] == [
        (r["incoming"].id, "outgoing", "Alice Archer")
    ]
    assert bob_box.incoming == []


def test_history_newest_first(db, program, world):
    p, r = world
    order = [i.id for i in load(db, program, p["alice"]).history]
    assert order == [
        r[k].id
        for k in (
            "declined_by_me",
            "withdrawn_by_me",
            "accepted_by_other",
            "accepted_by_me",
            "declined_by_other",
        )
    ]


def test_status_labels_name_who_closed_the_request(db, program, world):
    p, r = world
    by_id = {i.id: i for i in load(db, program, p["alice"]).history}

    declined = by_id[r["declined_by_other"].id]
    # Facts from the service: who closed it and why; the words come from wording.
    assert (declined.status, declined.closed_by_id) == ("declined", p["dan"].id)
    assert status(declined) == "Declined by Dan Dyer: Parental leave until May"
    assert declined.close_reason == "Parental leave until May"
    assert declined.closed_at is not None

    assert status(by_id[r["accepted_by_me"].id]) == "Accepted by you"
    assert status(by_id[r["accepted_by_other"].id]) == "Accepted by Frank Ford"
    assert status(by_id[r["withdrawn_by_me"].id]) == "Withdrawn by you"
    assert status(by_id[r["declined_by_me"].id]) == "Declined by you"
    assert by_id[r["declined_by_me"].id].close_reason == ""

    # The other side sees the mirror image.
    dan_view = {i.id: i for i in load(db, program, p["dan"]).history}
    assert status(dan_view[r["declined_by_other"].id]) == (
        "Declined by you: Parental leave until May"
    )
    assert dan_view[r["declined_by_other"].id].close_reason == "Parental leave until May"
    gina_view = {i.id: i for i in load(db, program, p["gina"]).history}
    assert status(gina_view[r["withdrawn_by_me"].id]) == "Withdrawn by Alice Archer"


def test_cancelled_requests_show_the_reason(db, program, world):
    p, r = world
    boss = make_person(db, program, "Ann Admin", roles=(), admin=True)
    admin.update_program_settings(
        db, actor_id=boss.id, program_id=program.id, peer_mentorship_enabled=False
    )

    box = load(db, program, p["alice"])

    assert box.incoming == [] and box.outgoing == []
    cancelled = [i for i in box.history if i.status == RequestStatus.CANCELLED.value]
    assert {i.id for i in cancelled} == {r["incoming"].id, r["outgoing"].id}
    for item in cancelled:
        assert status(item) == "Cancelled: " + admin.CANCELLED_BY_SETTINGS.rstrip(".")
        assert item.close_reason == admin.CANCELLED_BY_SETTINGS
        assert item.expires_at is not None  # the deadline it had; nothing to show now
        assert wording.request_expires(item, item.closed_at) == ""
    # Pairings survive the switch.
    assert {peer.other_id for peer in box.peers} == {p["eve"].id, p["frank"].id}


def test_peers_show_the_other_person(db, program, world):
    p, r = world
    box = load(db, program, p["alice"])
    peers = {peer.other_id: peer for peer in box.peers}
    assert peers[p["eve"].id].other_name == "Eve Ellis"
    assert peers[p["frank"].id].other_name == "Frank Ford"
    assert load(db, program, p["eve"]).peers[0].other_id == p["alice"].id
    assert load(db, program, p["carol"]).peers == []


def test_inbox_is_per_program(db, program, world):
    p, _ = world
    other = programs.create_program(db, "Other")
    box = inbox.load_inbox(db, program_id=other.id, employee_id=p["alice"].id)
    assert (box.incoming, box.outgoing, box.history, box.peers) == ([], [], [], [])


def test_empty_inbox(db, program):
    loner = make_person(db, program, "Lone Ranger")
    box = load(db, program, loner)
    assert (box.incoming, box.outgoing, box.history, box.peers) == ([], [], [], [])


START = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("elapsed", "label"),
    [
        (timedelta(days=3), "expires in 11 days"),
        (timedelta(days=12), "expires in 2 days"),
        (timedelta(days=13), "expires tomorrow"),
        (timedelta(days=13, minutes=1), "expires today"),
        (timedelta(days=13, hours=23, minutes=30), "expires within the hour"),
    ],
)
def test_pending_items_say_when_they_expire(db, program, world, elapsed, label):
    p, r = world
    # The incoming request was sent at START and is due 14 days later.
    with frozen_at(START + elapsed):
        box = load(db, program, p["alice"])
    [incoming] = box.incoming
    assert wording.request_expires(incoming, START + elapsed) == label
    assert all(wording.request_expires(item, START + elapsed) == "" for item in box.history)


def test_items_carry_their_steps_worded_for_the_viewer(db, program, world):
    p, r = world
    alice = {i.id: i for i in load(db, program, p["alice"]).history}
    assert texts(alice[r["accepted_by_me"].id]) == [
        "Sent by Eve Ellis",
        "Accepted by you",
    ]
    assert texts(alice[r["declined_by_other"].id]) == [
        "Sent by you",
        "Declined by Dan Dyer: Parental leave until May",
    ]
    assert texts(alice[r["withdrawn_by_me"].id]) == [
        "Sent by you",
        "Withdrawn by you",
    ]
    steps = alice[r["accepted_by_me"].id].steps
    assert steps[0].at < steps[1].at
    [incoming] = load(db, program, p["alice"]).incoming
    assert texts(incoming) == ["Sent by Bob Baker"]


def test_cancellations_by_the_system_are_worded_as_such(db, program):
    alice = make_person(db, program, "Alice Archer")
    bob = make_person(db, program, "Bob Baker")
    carol = make_person(db, program, "Carol Cooper")
    save_profile(db, program, bob, capacity=1)
    waiting = send(db, program, alice, bob)
    chosen = send(db, program, carol, bob)
    requests.accept_request(db, request_id=chosen.id, actor_id=bob.id)

    [item] = [i for i in load(db, program, alice).history if i.id == waiting.id]
    assert status(item) == "Cancelled: Bob Baker has no places left for another peer"
    assert texts(item)[-1] == (
        "Cancelled by peerapp: Bob Baker has no places left for another peer."
    )


def test_inbox_peers_are_exactly_the_active_pairings(db, program, world):
    p, _ = world
    for person in ("alice", "eve", "frank", "bob"):
        box = load(db, program, p[person])
        assert box.peers == pairings.peers_of(db, program_id=program.id, employee_id=p[person].id)


@pytest.mark.parametrize("message", ["", "Pair on the Q3 launch?"])
def test_a_plain_send_carries_each_sides_row_exactly_as_their_inbox_shows_it(
    db, program, world, message
):
    # The live push hands these rows straight to open inboxes instead of
    # reloading them: they must be what a reload would show, field for field.
    p, _ = world
    with frozen_at(datetime(2031, 3, 2, 9, 0, tzinfo=UTC)):
        outcome = requests.send_request(
            db,
            program_id=program.id,
            sender_id=p["bob"].id,
            recipient_id=p["carol"].id,
            message=message,
        )
        bob, carol = load(db, program, p["bob"]), load(db, program, p["carol"])
    assert set(outcome.rows) == {p["bob"].id, p["carol"].id}
    assert outcome.rows[p["bob"].id] == next(i for i in bob.outgoing if i.id == outcome.request.id)
    assert outcome.rows[p["carol"].id] == next(
        i for i in carol.incoming if i.id == outcome.request.id
    )
    assert texts(outcome.rows[p["carol"].id]) == ["Sent by Bob Baker"]
    assert status(outcome.rows[p["bob"].id]) == "Waiting for Carol Cooper"


def test_a_mutual_send_carries_no_rows_so_both_inboxes_are_reloaded(db, program, world):
    # Asking back pairs the two at once: history and peers change, not just pending rows.
    p, r = world
    outcome = requests.send_request(
        db, program_id=program.id, sender_id=p["alice"].id, recipient_id=p["bob"].id
    )
    assert outcome.request.id == r["incoming"].id
    assert outcome.pairing is not None
    assert outcome.rows == {}


def test_only_a_send_carries_rows(db, program, world):
    p, r = world
    outcome = requests.withdraw_request(db, request_id=r["outgoing"].id, actor_id=p["alice"].id)
    assert outcome.rows == {}
