"""Ending a pairing: who may, what is asked, what it frees, and what stays private."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from lifecycle_helpers import T0, act, active_pairings, all_pairings, pair_of, save_profile
from service_helpers import make_person, send

from peerapp import models
from peerapp.clock import frozen_at
from peerapp.models import Pairing, PairingOutcome, PairingStatus
from peerapp.services import Refused, inbox, pairings

SECRET = "SECRET-FEEDBACK: talked over me in every session"


@pytest.fixture
def p(db, program):
    names = ["Alice Archer", "Bob Baker", "Carol Cooper", "Dan Dyer"]
    return {name.split()[0].lower(): make_person(db, program, name) for name in names}


def pair(db, program, a, b) -> Pairing:
    return act(db, "accept", send(db, program, a, b).id, b.id).pairing


def end(db, pairing_id, actor, outcome="completed", feedback=""):
    return pairings.end_pairing(
        db, pairing_id=pairing_id, actor_id=actor.id, outcome=outcome, feedback=feedback
    )


def pairing_row(db, pairing_id) -> Pairing:
    db.commit()
    db.expire_all()
    return db.get(Pairing, pairing_id)


def untouched(db, pairing_id) -> bool:
    row = pairing_row(db, pairing_id)
    return (row.status, row.ended_at, row.ended_by_id, row.end_outcome, row.end_feedback) == (
        PairingStatus.ACTIVE.value,
        None,
        None,
        "",
        "",
    )


@pytest.mark.parametrize("side", ["sender", "recipient"])
@pytest.mark.parametrize("outcome", [o.value for o in PairingOutcome])
def test_either_side_can_end_a_pairing(db, program, p, side, outcome):
    alice, bob = p["alice"], p["bob"]
    with frozen_at(T0):
        pairing = pair(db, program, alice, bob)
    ender = alice if side == "sender" else bob

    with frozen_at(T0 + timedelta(days=30)):
        ended = end(db, pairing.id, ender, outcome=outcome, feedback="  Learned a lot.  ")

    row = pairing_row(db, pairing.id)
    assert row.status == PairingStatus.ENDED.value
    assert row.ended_by_id == ender.id
    assert row.ended_at == T0 + timedelta(days=30)
    assert row.end_outcome == outcome
    assert row.end_feedback == "Learned a lot."
    assert ended.pairing.id == pairing.id
    assert ended.told == {alice.id, bob.id}


@pytest.mark.parametrize("outcome", ["", "great", "COMPLETED", "not a fit", None, 1, ["completed"]])
def test_outcome_must_be_completed_or_not_a_fit(db, program, p, outcome):
    pairing = pair(db, program, p["alice"], p["bob"])
    with pytest.raises(Refused, match="completed, or not a fit"):
        end(db, pairing.id, p["alice"], outcome=outcome)
    assert untouched(db, pairing.id)


def test_feedback_is_capped_at_1000_characters(db, program, p):
    pairing = pair(db, program, p["alice"], p["bob"])
    with pytest.raises(Refused, match=f"(?i)feedback can be at most {models.FEEDBACK_MAX}"):
        end(db, pairing.id, p["alice"], feedback="f" * (models.FEEDBACK_MAX + 1))
    assert untouched(db, pairing.id)

    end(db, pairing.id, p["alice"], feedback="f" * models.FEEDBACK_MAX)
    assert len(pairing_row(db, pairing.id).end_feedback) == models.FEEDBACK_MAX


def test_feedback_must_be_text(db, program, p):
    pairing = pair(db, program, p["alice"], p["bob"])
    with pytest.raises(Refused, match="(?i)feedback must be text"):
        end(db, pairing.id, p["alice"], feedback={"stars": 5})
    assert untouched(db, pairing.id)


def test_feedback_is_optional(db, program, p):
    pairing = pair(db, program, p["alice"], p["bob"])
    end(db, pairing.id, p["bob"], outcome="not_a_fit")
    row = pairing_row(db, pairing.id)
    assert (row.status, row.end_outcome, row.end_feedback) == ("ended", "not_a_fit", "")


def test_third_party_is_told_the_pairing_does_not_exist(db, program, p):
    pairing = pair(db, program, p["alice"], p["bob"])
    for pairing_id in (pairing.id, pairing.id + 100):
        with pytest.raises(Refused) as refused:
            end(db, pairing_id, p["carol"])
        assert refused.value.message == "That pairing does not exist."
    assert untouched(db, pairing.id)


@pytest.mark.parametrize("bad_id", [0, -1, True, "1", None, 1.0])
def test_pairing_id_must_be_a_positive_int(db, program, p, bad_id):
    pairing = pair(db, program, p["alice"], p["bob"])
    with pytest.raises(Refused, match="not valid"):
        end(db, bad_id, p["alice"])
    assert untouched(db, pairing.id)


@pytest.mark.parametrize("second", ["same side", "other side"])
def test_a_pairing_ends_once(db, program, p, second):
    alice, bob = p["alice"], p["bob"]
    pairing = pair(db, program, alice, bob)
    end(db, pairing.id, alice, outcome="completed", feedback="First")
    first = pairing_row(db, pairing.id)
    kept = (first.ended_at, first.ended_by_id, first.end_outcome, first.end_feedback)

    with pytest.raises(Refused, match="already ended"):
        end(db, pairing.id, alice if second == "same side" else bob, "not_a_fit", "Second")

    row = pairing_row(db, pairing.id)
    assert (row.ended_at, row.ended_by_id, row.end_outcome, row.end_feedback) == kept


def test_ending_frees_a_place_for_a_new_request(db, program, p):
    alice, bob, carol, dan = p["alice"], p["bob"], p["carol"], p["dan"]
    save_profile(db, program, alice, capacity=1)
    pairing = pair(db, program, alice, bob)
    with pytest.raises(Refused, match="You have no places left"):
        send(db, program, alice, carol)
    with pytest.raises(Refused, match="Alice Archer has no places left"):
        send(db, program, dan, alice)

    end(db, pairing.id, bob)

    usage = inbox.usage_of(db, program_id=program.id, employee_id=alice.id)
    assert (usage.capacity, usage.places_left) == (1, 1)
    sent = send(db, program, alice, carol)
    assert act(db, "accept", sent.id, carol.id).pairing is not None
    assert [pair_of(x) for x in active_pairings(db)] == [{alice.id, carol.id}]


def test_ended_partners_can_pair_again(db, program, p):
    alice, bob = p["alice"], p["bob"]
    first = pair(db, program, alice, bob)
    end(db, first.id, alice)

    second = pair(db, program, bob, alice)

    assert second.id != first.id
    rows = all_pairings(db)
    assert [(x.id, x.status) for x in rows] == [
        (first.id, PairingStatus.ENDED.value),
        (second.id, PairingStatus.ACTIVE.value),
    ]


def test_peers_of_lists_active_pairings_only_newest_first(db, program, p):
    alice, bob, carol, dan = p["alice"], p["bob"], p["carol"], p["dan"]
    with frozen_at(T0):
        with_bob = pair(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=1)):
        pair(db, program, carol, alice)
    with frozen_at(T0 + timedelta(days=2)):
        pair(db, program, alice, dan)

    peers = pairings.peers_of(db, program_id=program.id, employee_id=alice.id)
    assert [x.other_id for x in peers] == [dan.id, carol.id, bob.id]
    assert peers[1].other_name == "Carol Cooper"
    assert peers[1].other_email == carol.email
    assert peers[2].since == T0

    end(db, with_bob.id, bob, outcome="not_a_fit")

    assert [
        x.other_id for x in pairings.peers_of(db, program_id=program.id, employee_id=alice.id)
    ] == [dan.id, carol.id]
    assert pairings.peers_of(db, program_id=program.id, employee_id=bob.id) == []
    box = inbox.load_inbox(db, program_id=program.id, employee_id=alice.id)
    assert [x.other_id for x in box.peers] == [dan.id, carol.id]


def test_peers_carry_no_ending_fields(db):
    names = {f.name for f in dataclasses.fields(pairings.Peer)}
    assert not {n for n in names if "feedback" in n or "outcome" in n or "ended" in n}


@pytest.mark.parametrize("ender", ["alice", "bob"])
def test_outcome_and_feedback_never_reach_the_partner(db, program, p, ender):
    alice, bob, carol = p["alice"], p["bob"], p["carol"]
    pairing = pair(db, program, alice, bob)
    # Another active pairing, so the partner's peer list is not simply empty.
    pair(db, program, carol, bob)
    partner = bob if ender == "alice" else alice

    end(db, pairing.id, p[ender], outcome="not_a_fit", feedback=SECRET)

    assert pairing_row(db, pairing.id).end_feedback == SECRET
    for person in (partner, p[ender]):
        peers = pairings.peers_of(db, program_id=program.id, employee_id=person.id)
        box = inbox.load_inbox(db, program_id=program.id, employee_id=person.id)
        for shown in (repr(peers), repr(box)):
            assert "SECRET-FEEDBACK" not in shown
            assert "not_a_fit" not in shown
            assert "talked over me" not in shown
