"""Admin settings for the lifecycle (limit, expiry days) and deactivating employees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lifecycle_helpers import (
    CANCELLED,
    DECLINED,
    PENDING,
    T0,
    act,
    active_pairings,
    events,
    request_count,
    request_row,
    status_of,
)
from service_helpers import make_person, send

from peerapp import models
from peerapp.clock import frozen_at
from peerapp.models import Employee, Program
from peerapp.services import Refused, admin


def settings(db, program, actor, enabled=True, **numbers):
    return admin.update_program_settings(
        db, actor_id=actor.id, program_id=program.id, peer_mentorship_enabled=enabled, **numbers
    )


def program_row(db, program) -> Program:
    db.commit()
    db.expire_all()
    return db.get(Program, program.id)


def employee_row(db, person) -> Employee:
    db.commit()
    db.expire_all()
    return db.get(Employee, person.id)


# ---------------------------------------------------------------- open-request limit


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_open_request_limit_can_be_set_within_1_to_50(db, program, people, limit):
    change = settings(db, program, people["admin"], open_request_limit=limit)
    assert change.program.open_request_limit == limit
    assert program_row(db, program).open_request_limit == limit


def test_a_lower_limit_applies_to_the_next_request(db, program, people):
    alice = people["alice"]
    send(db, program, alice, people["bob"])
    send(db, program, alice, people["carol"])
    earlier = send(db, program, alice, people["dan"])

    settings(db, program, people["admin"], open_request_limit=2)

    # Requests already sent stay; the next one is refused and says how it counts.
    assert status_of(db, earlier.id) == PENDING
    with pytest.raises(Refused) as refused:
        send(db, program, alice, people["eve"])
    assert "3 of 2" in refused.value.message
    assert request_count(db) == 3


def test_a_higher_limit_allows_more_requests(db, program, people):
    alice = people["alice"]
    settings(db, program, people["admin"], open_request_limit=1)
    send(db, program, alice, people["bob"])
    with pytest.raises(Refused, match="1 of 1"):
        send(db, program, alice, people["carol"])

    settings(db, program, people["admin"], open_request_limit=2)

    assert status_of(db, send(db, program, alice, people["carol"]).id) == PENDING
    with pytest.raises(Refused, match="2 of 2"):
        send(db, program, alice, people["dan"])


@pytest.mark.parametrize("value", [0, 51, -1, True, "⁵", "5.0", 5.0, [5]])
def test_open_request_limit_outside_1_to_50_is_refused(db, program, people, value):
    pending = send(db, program, people["alice"], people["bob"])
    with pytest.raises(Refused) as refused:
        # Switching off at the same time must not happen either.
        settings(db, program, people["admin"], enabled=False, open_request_limit=value)
    assert refused.value.message == "Open-request limit must be a whole number from 1 to 50."
    row = program_row(db, program)
    assert row.open_request_limit == models.DEFAULT_OPEN_REQUEST_LIMIT
    assert row.peer_mentorship_enabled is True
    assert status_of(db, pending.id) == PENDING


# ---------------------------------------------------------------- expiry days


@pytest.mark.parametrize("days", [1, 30, 90])
def test_expiry_days_can_be_set_within_1_to_90(db, program, people, days):
    change = settings(db, program, people["admin"], request_expiry_days=days)
    assert change.program.request_expiry_days == days
    assert program_row(db, program).request_expiry_days == days
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"])
    assert request_row(db, sent.id).expires_at == T0 + timedelta(days=days)


@pytest.mark.parametrize("value", [0, 91, -3, False, "¹⁴", "14.0", 14.0])
def test_expiry_days_outside_1_to_90_are_refused(db, program, people, value):
    with pytest.raises(Refused) as refused:
        settings(db, program, people["admin"], open_request_limit=10, request_expiry_days=value)
    assert (
        refused.value.message
        == "Days before a request expires must be a whole number from 1 to 90."
    )
    row = program_row(db, program)
    # Nothing of the refused change is kept, not even the valid limit.
    assert (row.open_request_limit, row.request_expiry_days) == (
        models.DEFAULT_OPEN_REQUEST_LIMIT,
        models.DEFAULT_EXPIRY_DAYS,
    )


def test_none_keeps_both_numbers(db, program, people):
    settings(db, program, people["admin"], open_request_limit=9, request_expiry_days=21)
    change = settings(
        db, program, people["admin"], open_request_limit=None, request_expiry_days=None
    )
    assert (change.program.open_request_limit, change.program.request_expiry_days) == (9, 21)


def test_changing_expiry_days_keeps_the_deadlines_of_sent_requests(db, program, people):
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"])
    settings(db, program, people["admin"], request_expiry_days=3)
    assert request_row(db, sent.id).expires_at == T0 + timedelta(days=14)


@pytest.mark.parametrize("who", ["peer", "unknown"])
def test_non_admin_cannot_change_the_numbers(db, program, people, who):
    actor_id = people["alice"].id if who == "peer" else 9_999
    with pytest.raises(Refused, match="Only program admins"):
        admin.update_program_settings(
            db,
            actor_id=actor_id,
            program_id=program.id,
            peer_mentorship_enabled=True,
            open_request_limit=50,
            request_expiry_days=90,
        )
    row = program_row(db, program)
    assert (row.open_request_limit, row.request_expiry_days) == (
        models.DEFAULT_OPEN_REQUEST_LIMIT,
        models.DEFAULT_EXPIRY_DAYS,
    )


# ---------------------------------------------------------------- deactivating employees


def test_deactivation_cancels_the_persons_pending_requests_with_a_reason(db, program, people):
    alice, bob, carol, dan, boss = (
        people["alice"],
        people["bob"],
        people["carol"],
        people["dan"],
        people["admin"],
    )
    outgoing = send(db, program, alice, bob)
    incoming = send(db, program, carol, alice)
    unrelated = send(db, program, carol, dan)
    declined = send(db, program, dan, alice)
    act(db, "decline", declined.id, alice.id, reason="Later")

    affected = admin.set_employee_active(
        db, actor_id=boss.id, employee_id=alice.id, active=False
    ).told

    assert affected == {alice.id, bob.id, carol.id}
    assert employee_row(db, alice).is_active is False
    for request_id in (outgoing.id, incoming.id):
        row = request_row(db, request_id)
        assert row.status == CANCELLED
        assert row.closed_by_id == boss.id
        assert row.close_reason == "Alice Archer is no longer active in the program."
    assert status_of(db, unrelated.id) == PENDING
    assert request_row(db, declined.id).status == DECLINED
    assert len(events(db, declined.id)) == 2
    # And nobody can ask them any more.
    with pytest.raises(Refused, match="not taking part"):
        send(db, program, bob, alice)


def test_deactivation_cancels_in_every_program(db, program, people):
    other = admin.programs.create_program(db, "Second evergreen")
    for person in (people["alice"], people["bob"]):
        admin.programs.set_roles(db, program_id=other.id, employee_id=person.id, roles={"peer"})
    db.commit()
    here = send(db, program, people["alice"], people["bob"])
    there = send(db, other, people["bob"], people["alice"])

    admin.set_employee_active(
        db, actor_id=people["admin"].id, employee_id=people["alice"].id, active=False
    )

    assert [status_of(db, here.id), status_of(db, there.id)] == [CANCELLED, CANCELLED]


def test_deactivation_keeps_active_pairings(db, program, people):
    alice, bob = people["alice"], people["bob"]
    act(db, "accept", send(db, program, alice, bob).id, bob.id)
    admin.set_employee_active(db, actor_id=people["admin"].id, employee_id=alice.id, active=False)
    assert len(active_pairings(db)) == 1


@pytest.mark.parametrize("who", ["peer", "the person themselves", "inactive admin"])
def test_non_admin_cannot_deactivate(db, program, people, who):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    pending = send(db, program, alice, bob)
    actor = {"peer": bob, "the person themselves": alice, "inactive admin": boss}[who]
    if who == "inactive admin":
        other_admin = make_person(db, program, "Otto Admin", roles=(), admin=True)
        admin.set_employee_active(db, actor_id=other_admin.id, employee_id=boss.id, active=False)

    with pytest.raises(Refused, match="Only program admins"):
        admin.set_employee_active(db, actor_id=actor.id, employee_id=alice.id, active=False)

    assert employee_row(db, alice).is_active is True
    assert status_of(db, pending.id) == PENDING


def test_admin_cannot_deactivate_themselves(db, program, people):
    boss = people["admin"]
    with pytest.raises(Refused, match="cannot deactivate your own account"):
        admin.set_employee_active(db, actor_id=boss.id, employee_id=boss.id, active=False)
    assert employee_row(db, boss).is_active is True


def test_reactivation_does_not_bring_cancelled_requests_back(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    pending = send(db, program, alice, bob)
    admin.set_employee_active(db, actor_id=boss.id, employee_id=alice.id, active=False)

    affected = admin.set_employee_active(
        db, actor_id=boss.id, employee_id=alice.id, active=True
    ).told

    assert affected == set()
    assert employee_row(db, alice).is_active is True
    assert status_of(db, pending.id) == CANCELLED
    assert status_of(db, send(db, program, alice, bob).id) == PENDING


def test_deactivating_an_inactive_person_again_changes_nothing(db, program, people):
    alice, boss = people["alice"], people["admin"]
    admin.set_employee_active(db, actor_id=boss.id, employee_id=alice.id, active=False)
    again = admin.set_employee_active(db, actor_id=boss.id, employee_id=alice.id, active=False)
    assert again.told == set()
    assert employee_row(db, alice).is_active is False


@pytest.mark.parametrize(
    ("employee_id", "active", "meaning"),
    [
        (9_999, False, "does not exist"),
        ("1", False, "not valid"),
        (0, False, "not valid"),
        (None, True, "not valid"),
        ("alice", "no", "must be on or off"),
        ("alice", 0, "must be on or off"),
    ],
)
def test_set_employee_active_validates_its_input(db, program, people, employee_id, active, meaning):
    pending = send(db, program, people["alice"], people["bob"])
    target = people["alice"].id if employee_id == "alice" else employee_id
    with pytest.raises(Refused, match=meaning):
        admin.set_employee_active(
            db, actor_id=people["admin"].id, employee_id=target, active=active
        )
    assert employee_row(db, people["alice"]).is_active is True
    assert status_of(db, pending.id) == PENDING
