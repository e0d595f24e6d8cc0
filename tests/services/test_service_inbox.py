"""One person's inbox: pending both ways, history with readable status, and peers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from service_helpers import make_person, send

from peerapp.clock import frozen_at
from peerapp.models import RequestStatus
from peerapp.services import admin, inbox, programs, requests


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
    assert incoming.status_label == "Pending"
    [outgoing] = box.outgoing
    assert (outgoing.direction, outgoing.other_id, outgoing.other_name) == (
        "outgoing",
        p["carol"].id,
        "Carol Cooper",
    )

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
    assert declined.status_label.startswith("Declined by")
    assert "Dan Dyer" in declined.status_label and "you" not in declined.status_label
    assert declined.close_reason == "Parental leave until May"
    assert declined.closed_at is not None

    assert by_id[r["accepted_by_me"].id].status_label == "Accepted by you"
    accepted_by_frank = by_id[r["accepted_by_other"].id].status_label
    assert accepted_by_frank.startswith("Accepted by") and "Frank Ford" in accepted_by_frank
    assert by_id[r["withdrawn_by_me"].id].status_label == "Withdrawn by you"
    assert by_id[r["declined_by_me"].id].status_label == "Declined by you"
    assert by_id[r["declined_by_me"].id].close_reason == ""

    # The other side sees the mirror image.
    dan_view = {i.id: i for i in load(db, program, p["dan"]).history}
    assert dan_view[r["declined_by_other"].id].status_label == "Declined by you"
    assert dan_view[r["declined_by_other"].id].close_reason == "Parental leave until May"
    gina_view = {i.id: i for i in load(db, program, p["gina"]).history}
    assert "Alice Archer" in gina_view[r["withdrawn_by_me"].id].status_label


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
        assert item.status_label.startswith("Cancelled")
        assert item.close_reason == admin.CANCELLED_BY_SETTINGS
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
