"""Capacity and pause: places per member, checked at send and at accept, and the fill rule."""

from __future__ import annotations

import pytest
from lifecycle_helpers import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    PENDING,
    act,
    active_pairings,
    events,
    membership,
    pair_of,
    request_count,
    request_row,
    save_profile,
    set_capacity_behind_the_services,
    status_of,
)
from service_helpers import make_person, send

from peerapp import models
from peerapp.models import Employee
from peerapp.services import Refused, directory, inbox, profiles, requests


@pytest.fixture
def p(db, program):
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
    return {name.split()[0].lower(): make_person(db, program, name) for name in names}


def pair(db, program, a, b):
    """Make ``a`` and ``b`` peers through a request and an accept."""
    return act(db, "accept", send(db, program, a, b).id, b.id).pairing


# ---------------------------------------------------------------- at send


def test_new_members_have_the_default_capacity(db, program, p):
    member = membership(db, program, p["alice"])
    assert member.capacity == models.DEFAULT_CAPACITY == 3
    assert member.paused is False


def test_sender_without_places_is_refused(db, program, p):
    save_profile(db, program, p["alice"], capacity=1)
    pair(db, program, p["alice"], p["bob"])

    with pytest.raises(Refused) as refused:
        send(db, program, p["alice"], p["carol"])

    assert refused.value.message.startswith("You have no places left (1 of 1 used)")
    assert request_count(db) == 1


def test_recipient_without_places_is_refused(db, program, p):
    save_profile(db, program, p["bob"], capacity=1)
    pair(db, program, p["carol"], p["bob"])

    with pytest.raises(Refused) as refused:
        send(db, program, p["alice"], p["bob"])

    assert refused.value.message == "Bob Baker has no places left for another peer right now."
    assert request_count(db) == 1


@pytest.mark.parametrize("who", ["sender", "recipient"])
def test_capacity_zero_means_no_new_peers_at_all(db, program, p, who):
    person = p["alice"] if who == "sender" else p["bob"]
    save_profile(db, program, person, capacity=0)

    with pytest.raises(Refused, match="no places left"):
        send(db, program, p["alice"], p["bob"])
    assert request_count(db) == 0


def test_capacity_allows_exactly_that_many_pairings(db, program, p):
    alice = p["alice"]
    partners = [p["bob"], p["carol"], p["dan"]]
    for partner in partners:
        pair(db, program, partner, alice)
    assert len(active_pairings(db)) == 3
    usage = inbox.usage_of(db, program_id=program.id, employee_id=alice.id)
    assert (usage.capacity, usage.places_left) == (3, 0)
    with pytest.raises(Refused, match=r"\(3 of 3 used\)"):
        send(db, program, alice, p["eve"])
    with pytest.raises(Refused, match="Alice Archer has no places left"):
        send(db, program, p["eve"], alice)


# ---------------------------------------------------------------- re-checked at accept


def test_accept_refused_when_recipient_has_no_place_any_more(db, program, p):
    """A change the fill rule did not see (a race): the accept itself re-checks, under lock."""
    sent = send(db, program, p["alice"], p["bob"])
    set_capacity_behind_the_services(db, program, p["bob"], 0)

    with pytest.raises(Refused) as refused:
        act(db, "accept", sent.id, p["bob"].id)

    assert refused.value.message.startswith("You have no places left")
    assert status_of(db, sent.id) == PENDING
    assert active_pairings(db) == []
    assert len(events(db, sent.id)) == 1
    # Declining is still possible.
    act(db, "decline", sent.id, p["bob"].id, reason="Full")
    assert status_of(db, sent.id) == DECLINED


def test_accept_refused_when_sender_has_no_place_any_more(db, program, p):
    sent = send(db, program, p["alice"], p["bob"])
    set_capacity_behind_the_services(db, program, p["alice"], 0)

    with pytest.raises(Refused) as refused:
        act(db, "accept", sent.id, p["bob"].id)

    assert refused.value.message == "Alice Archer has no places left for another peer right now."
    assert status_of(db, sent.id) == PENDING
    assert active_pairings(db) == []
    # With a place again, the same request can be accepted.
    set_capacity_behind_the_services(db, program, p["alice"], 1)
    act(db, "accept", sent.id, p["bob"].id)
    assert status_of(db, sent.id) == ACCEPTED


def test_recipient_filling_places_cancels_the_requests_they_could_no_longer_accept(db, program, p):
    alice, bob, carol = p["alice"], p["bob"], p["carol"]
    save_profile(db, program, bob, capacity=1)
    waiting = send(db, program, alice, bob)
    chosen = send(db, program, carol, bob)

    outcome = act(db, "accept", chosen.id, bob.id)

    assert alice.id in outcome.told
    row = request_row(db, waiting.id)
    assert row.status == CANCELLED
    assert row.close_reason == "Bob Baker has no places left for another peer."
    assert row.closed_by_id is None
    with pytest.raises(Refused, match="no longer pending: it was cancelled"):
        act(db, "accept", waiting.id, bob.id)
    assert [pair_of(x) for x in active_pairings(db)] == [{bob.id, carol.id}]


def test_filling_both_sides_cancels_all_their_other_pending_requests_both_ways(db, program, p):
    alice, bob = p["alice"], p["bob"]
    save_profile(db, program, alice, capacity=1)
    save_profile(db, program, bob, capacity=1)
    chosen = send(db, program, alice, bob)
    alice_out = send(db, program, alice, p["eve"])
    alice_in = send(db, program, p["frank"], alice)
    bob_out = send(db, program, bob, p["dan"])
    bob_in = send(db, program, p["carol"], bob)
    unrelated = send(db, program, p["gina"], p["hal"])

    outcome = act(db, "accept", chosen.id, bob.id)

    assert outcome.told == {
        alice.id,
        bob.id,
        p["carol"].id,
        p["dan"].id,
        p["eve"].id,
        p["frank"].id,
    }
    for request_id, full in (
        (alice_out.id, alice),
        (alice_in.id, alice),
        (bob_out.id, bob),
        (bob_in.id, bob),
    ):
        row = request_row(db, request_id)
        assert row.status == CANCELLED
        assert row.close_reason == f"{full.full_name} has no places left for another peer."
        assert events(db, request_id)[-1] == (None, PENDING, CANCELLED, row.close_reason)
    assert status_of(db, chosen.id) == ACCEPTED
    assert status_of(db, unrelated.id) == PENDING


def test_accept_that_leaves_places_cancels_nothing(db, program, p):
    alice, bob = p["alice"], p["bob"]
    chosen = send(db, program, alice, bob)
    others = [send(db, program, alice, p["carol"]), send(db, program, p["dan"], bob)]

    outcome = act(db, "accept", chosen.id, bob.id)

    assert outcome.told == {alice.id, bob.id}
    assert [status_of(db, r.id) for r in others] == [PENDING, PENDING]


# ---------------------------------------------------------------- pause


def test_paused_member_receives_no_new_requests(db, program, p):
    change = save_profile(db, program, p["bob"], paused=True)
    assert change.profile.paused is True
    assert membership(db, program, p["bob"]).paused is True

    with pytest.raises(Refused) as refused:
        send(db, program, p["alice"], p["bob"])

    assert refused.value.message == "Bob Baker is not taking new peer requests right now."
    assert request_count(db) == 0

    save_profile(db, program, p["bob"], paused=False)
    sent = send(db, program, p["alice"], p["bob"])
    assert status_of(db, sent.id) == PENDING


def test_pausing_keeps_pending_incoming_requests_answerable(db, program, p):
    bob = p["bob"]
    to_accept = send(db, program, p["alice"], bob)
    to_decline = send(db, program, p["carol"], bob)

    change = save_profile(db, program, bob, paused=True)

    assert change.told == set()
    assert [status_of(db, r.id) for r in (to_accept, to_decline)] == [PENDING, PENDING]
    act(db, "accept", to_accept.id, bob.id)
    act(db, "decline", to_decline.id, bob.id, reason="Pausing for now")
    assert status_of(db, to_accept.id) == ACCEPTED
    assert status_of(db, to_decline.id) == DECLINED


@pytest.mark.parametrize("value", ["yes", 1, 0, "true"])
def test_pause_must_be_a_real_boolean(db, program, p, value):
    with pytest.raises(Refused, match="(?i)pause must be on or off"):
        save_profile(db, program, p["bob"], paused=value, job_title="Changed")
    assert membership(db, program, p["bob"]).paused is False
    db.expire_all()
    assert db.get(Employee, p["bob"].id).job_title != "Changed"


# ---------------------------------------------------------------- capacity on the profile


@pytest.mark.parametrize("value", [-1, 21, 100, True, False, "³", "3.0", 2.5, [3]])
def test_capacity_out_of_range_or_not_a_whole_number_is_refused(db, program, p, value):
    with pytest.raises(Refused) as refused:
        save_profile(db, program, p["alice"], capacity=value, job_title="Changed")

    assert refused.value.message == "Capacity must be a whole number from 0 to 20."
    assert membership(db, program, p["alice"]).capacity == 3
    db.expire_all()
    assert db.get(Employee, p["alice"].id).job_title != "Changed"


@pytest.mark.parametrize("value", [0, 1, 20])
def test_capacity_bounds_are_accepted(db, program, p, value):
    change = save_profile(db, program, p["alice"], capacity=value)
    assert change.profile.capacity == value
    assert membership(db, program, p["alice"]).capacity == value


def test_capacity_none_keeps_the_current_value(db, program, p):
    save_profile(db, program, p["alice"], capacity=7)
    save_profile(db, program, p["alice"], capacity=None, job_title="Other")
    assert membership(db, program, p["alice"]).capacity == 7


def test_lowering_capacity_to_active_pairings_cancels_pending_requests(db, program, p):
    alice = p["alice"]
    pair(db, program, alice, p["bob"])
    outgoing = send(db, program, alice, p["carol"])
    incoming = send(db, program, p["dan"], alice)
    unrelated = send(db, program, p["eve"], p["frank"])

    change = save_profile(db, program, alice, capacity=1)

    assert change.told == {alice.id, p["carol"].id, p["dan"].id}
    assert change.profile.capacity == 1
    assert change.profile.active_pairings == 1
    for request_id in (outgoing.id, incoming.id):
        row = request_row(db, request_id)
        assert row.status == CANCELLED
        assert row.closed_by_id == alice.id
        assert row.close_reason == "Alice Archer has no places left for another peer."
    assert status_of(db, unrelated.id) == PENDING
    assert len(active_pairings(db)) == 1


def test_lowering_capacity_that_still_leaves_a_place_cancels_nothing(db, program, p):
    alice = p["alice"]
    pair(db, program, alice, p["bob"])
    pending = send(db, program, alice, p["carol"])

    change = save_profile(db, program, alice, capacity=2)

    assert change.told == set()
    assert status_of(db, pending.id) == PENDING


def test_capacity_zero_cancels_every_pending_request_of_the_person(db, program, p):
    alice = p["alice"]
    sent = [send(db, program, alice, p["bob"]), send(db, program, p["carol"], alice)]

    change = save_profile(db, program, alice, capacity=0)

    assert change.told == {alice.id, p["bob"].id, p["carol"].id}
    assert [status_of(db, r.id) for r in sent] == [CANCELLED, CANCELLED]


def test_dropping_the_peer_role_cancels_pending_requests_with_a_reason(db, program, p):
    alice = p["alice"]
    sent = [send(db, program, alice, p["bob"]), send(db, program, p["carol"], alice)]

    change = save_profile(db, program, alice, roles=["mentor"])

    assert change.told == {alice.id, p["bob"].id, p["carol"].id}
    for request in sent:
        row = request_row(db, request.id)
        assert row.status == CANCELLED
        assert row.close_reason == "Alice Archer is no longer taking part in peer mentorship."
        assert events(db, request.id)[-1] == (alice.id, PENDING, CANCELLED, row.close_reason)


def test_get_profile_reports_capacity_pause_and_pairings(db, program, p):
    alice = p["alice"]
    pair(db, program, alice, p["bob"])
    save_profile(db, program, alice, capacity=5, paused=True)
    profile = profiles.get_profile(db, program_id=program.id, employee_id=alice.id)
    assert (profile.capacity, profile.paused, profile.active_pairings) == (5, True, 1)


# ---------------------------------------------------------------- directory and usage


def test_directory_entries_carry_pause_capacity_and_places_left(db, program, p):
    alice, bob = p["alice"], p["bob"]
    save_profile(db, program, alice, capacity=2)
    pair(db, program, alice, p["carol"])
    save_profile(db, program, bob, paused=True)

    entries = {e.id: e for e in directory.search(db, program_id=program.id, page_size=50).entries}

    assert (entries[alice.id].capacity, entries[alice.id].places_left) == (2, 1)
    assert entries[alice.id].paused is False
    assert (entries[bob.id].capacity, entries[bob.id].places_left) == (3, 3)
    assert entries[bob.id].paused is True
    assert (entries[p["carol"].id].capacity, entries[p["carol"].id].places_left) == (3, 2)


def test_directory_places_left_never_go_below_zero(db, program, p):
    alice = p["alice"]
    pair(db, program, alice, p["bob"])
    pair(db, program, alice, p["carol"])
    save_profile(db, program, alice, capacity=1)
    [entry] = [
        e
        for e in directory.search(db, program_id=program.id, query="Alice").entries
        if e.id == alice.id
    ]
    assert (entry.capacity, entry.places_left) == (1, 0)


def test_standing_counts_open_requests_and_places(db, program, p):
    alice = p["alice"]
    pair(db, program, alice, p["bob"])
    send(db, program, alice, p["carol"])
    send(db, program, alice, p["dan"])
    send(db, program, p["eve"], alice)  # incoming: not an open request of Alice's
    save_profile(db, program, alice, paused=True)

    usage = inbox.usage_of(db, program_id=program.id, employee_id=alice.id)

    assert usage.open_requests == 2
    assert usage.open_request_limit == models.DEFAULT_OPEN_REQUEST_LIMIT
    assert usage.capacity == 3
    assert usage.places_left == 2
    assert usage.paused is True
    assert usage.is_peer is True
    assert inbox.load_inbox(db, program_id=program.id, employee_id=alice.id).usage == usage


def test_standing_of_a_non_member_is_empty(db, program):
    outsider = make_person(db, None, "Olly Outsider")
    usage = inbox.usage_of(db, program_id=program.id, employee_id=outsider.id)
    assert (usage.open_requests, usage.capacity, usage.places_left) == (0, 0, 0)
    assert usage.is_peer is False


def test_request_to_self_is_refused_before_capacity(db, program, p):
    save_profile(db, program, p["alice"], capacity=0)
    with pytest.raises(Refused, match="yourself"):
        requests.send_request(
            db, program_id=program.id, sender_id=p["alice"].id, recipient_id=p["alice"].id
        )
