"""Request history: one event per transition, bulk ones included, and append-only in the DB."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from lifecycle_helpers import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    EXPIRED,
    PENDING,
    T0,
    WITHDRAWN,
    act,
    assert_history_matches_requests,
    event_count,
    events,
    request_row,
    save_profile,
)
from service_helpers import send
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from peerapp.clock import frozen_at
from peerapp.models import RequestEvent
from peerapp.services import Refused, admin, history, inbox, requests
from peerapp.state import wording


def test_sending_writes_the_first_event(db, program, people):
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"], message="Hi")
    assert events(db, sent.id) == [(people["alice"].id, None, PENDING, "")]
    [event] = db.exec(select(RequestEvent)).all()
    assert event.at == T0 == request_row(db, sent.id).created_at


@pytest.mark.parametrize(
    ("action", "actor", "status", "reason"),
    [
        ("accept", "bob", ACCEPTED, ""),
        ("decline", "bob", DECLINED, "On leave"),
        ("withdraw", "alice", WITHDRAWN, ""),
        ("cancel", "admin", CANCELLED, "Reported"),
    ],
)
def test_each_answer_writes_exactly_one_event(db, program, people, action, actor, status, reason):
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"])
    moment = T0 + timedelta(hours=3)
    with frozen_at(moment):
        act(db, action, sent.id, people[actor].id, reason=reason)

    assert events(db, sent.id) == [
        (people["alice"].id, None, PENDING, ""),
        (people[actor].id, PENDING, status, reason),
    ]
    last = db.exec(select(RequestEvent).order_by(RequestEvent.id.desc())).first()
    assert last.at == moment == request_row(db, sent.id).closed_at


def test_expiry_writes_one_event_without_an_actor(db, program, people):
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"])
    with frozen_at(T0 + timedelta(days=14)):
        requests.expire_due(db)
        requests.expire_due(db)
    assert events(db, sent.id) == [
        (people["alice"].id, None, PENDING, ""),
        (None, PENDING, EXPIRED, "No answer within 14 days."),
    ]


def test_mutual_request_writes_one_acceptance_event(db, program, people):
    sent = send(db, program, people["alice"], people["bob"])
    send(db, program, people["bob"], people["alice"])
    assert events(db, sent.id) == [
        (people["alice"].id, None, PENDING, ""),
        (people["bob"].id, PENDING, ACCEPTED, ""),
    ]
    assert event_count(db) == 2


@pytest.mark.parametrize(
    "refused",
    ["accept by sender", "withdraw by recipient", "accept twice", "decline after withdraw"],
)
def test_refused_actions_write_nothing(db, program, people, refused):
    alice, bob = people["alice"], people["bob"]
    sent = send(db, program, alice, bob)
    if refused == "accept twice":
        act(db, "accept", sent.id, bob.id)
    if refused == "decline after withdraw":
        act(db, "withdraw", sent.id, alice.id)
    before = event_count(db)
    action, actor = {
        "accept by sender": ("accept", alice),
        "withdraw by recipient": ("withdraw", bob),
        "accept twice": ("accept", bob),
        "decline after withdraw": ("decline", bob),
    }[refused]

    with pytest.raises(Refused):
        act(db, action, sent.id, actor.id)

    assert event_count(db) == before


def test_refused_send_writes_nothing(db, program, people):
    save_profile(db, program, people["bob"], paused=True)
    with pytest.raises(Refused):
        send(db, program, people["alice"], people["bob"])
    assert event_count(db) == 0


def test_admin_switch_off_writes_one_event_per_cancelled_request(db, program, people):
    alice, bob, carol, dan, boss = (
        people["alice"],
        people["bob"],
        people["carol"],
        people["dan"],
        people["admin"],
    )
    pending = [send(db, program, alice, bob), send(db, program, carol, dan)]
    closed = send(db, program, dan, alice)
    act(db, "decline", closed.id, alice.id)
    before = event_count(db)

    admin.update_program_settings(
        db, actor_id=boss.id, program_id=program.id, peer_mentorship_enabled=False
    )

    assert event_count(db) == before + 2
    for request in pending:
        assert events(db, request.id)[-1] == (
            boss.id,
            PENDING,
            CANCELLED,
            admin.CANCELLED_BY_SETTINGS,
        )
    assert len(events(db, closed.id)) == 2
    assert_history_matches_requests(db)


def test_capacity_fill_writes_one_event_per_cancelled_request(db, program, people):
    alice, bob = people["alice"], people["bob"]
    save_profile(db, program, bob, capacity=1)
    chosen = send(db, program, alice, bob)
    others = [send(db, program, people["carol"], bob), send(db, program, bob, people["dan"])]
    before = event_count(db)

    act(db, "accept", chosen.id, bob.id)

    assert event_count(db) == before + 3
    for request in others:
        assert events(db, request.id)[-1] == (
            None,
            PENDING,
            CANCELLED,
            "Bob Baker has no places left for another peer.",
        )
    assert_history_matches_requests(db)


def test_deactivation_writes_one_event_per_cancelled_request(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    sent = [send(db, program, alice, bob), send(db, program, people["carol"], alice)]

    admin.set_employee_active(db, actor_id=boss.id, employee_id=alice.id, active=False)

    for request in sent:
        assert events(db, request.id)[-1] == (
            boss.id,
            PENDING,
            CANCELLED,
            "Alice Archer is no longer active in the program.",
        )
    assert_history_matches_requests(db)


def test_a_busy_day_leaves_a_gap_free_history(db, program, people):
    """Every kind of transition, then: each request's events chain up to its status."""
    alice, bob, carol, dan, eve, boss = (
        people[k] for k in ("alice", "bob", "carol", "dan", "eve", "admin")
    )
    with frozen_at(T0):
        expired = send(db, program, eve, dan)
    with frozen_at(T0 + timedelta(days=1)):
        act(db, "accept", send(db, program, alice, bob).id, bob.id)
        act(db, "decline", send(db, program, carol, alice).id, alice.id, reason="No")
        act(db, "withdraw", send(db, program, dan, alice).id, dan.id)
        act(db, "cancel", send(db, program, carol, dan).id, boss.id)
        send(db, program, carol, bob)
        send(db, program, bob, carol)  # mutual
        still_pending = send(db, program, eve, alice)
    with frozen_at(T0 + timedelta(days=14)):
        requests.expire_due(db)

    assert request_row(db, expired.id).status == EXPIRED
    assert request_row(db, still_pending.id).status == PENDING
    assert_history_matches_requests(db)


def test_steps_for_names_the_actors_oldest_first(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
        other = send(db, program, people["carol"], alice)
    with frozen_at(T0 + timedelta(days=14)):
        requests.expire_due(db)
    steps = history.steps_for(db, [sent.id, other.id])
    assert [(s.actor_name, s.from_status, s.to_status) for s in steps[sent.id]] == [
        ("Alice Archer", None, PENDING),
        ("", PENDING, EXPIRED),
    ]
    assert [s.actor_id for s in steps[other.id]] == [people["carol"].id, None]
    assert history.steps_for(db, []) == {}


def test_inbox_steps_read_as_a_story(db, program, people):
    alice, bob = people["alice"], people["bob"]
    sent = send(db, program, alice, bob)
    act(db, "decline", sent.id, bob.id, reason="On leave")
    [mine] = inbox.load_inbox(db, program_id=program.id, employee_id=alice.id).history
    assert [wording.step(mine, s) for s in mine.steps] == [
        "Sent by you",
        "Declined by Bob Baker: On leave",
    ]
    [theirs] = inbox.load_inbox(db, program_id=program.id, employee_id=bob.id).history
    assert [wording.step(theirs, s) for s in theirs.steps] == [
        "Sent by Alice Archer",
        "Declined by you: On leave",
    ]


# ---------------------------------------------------------------- append-only in the database


@pytest.fixture
def recorded(db, program, people):
    sent = send(db, program, people["alice"], people["bob"])
    act(db, "decline", sent.id, people["bob"].id, reason="Original reason")
    return sent, events(db, sent.id)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE requestevent SET reason = 'rewritten'",
        "UPDATE requestevent SET to_status = 'accepted' WHERE to_status = 'declined'",
        "DELETE FROM requestevent",
        "DELETE FROM requestevent WHERE from_status IS NULL",
    ],
)
def test_raw_update_or_delete_of_history_is_refused_by_the_database(db, recorded, statement):
    sent, before = recorded
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(sa.text(statement))
        db.commit()
    db.rollback()
    assert events(db, sent.id) == before


def test_orm_changes_to_history_are_refused_too(db, recorded):
    sent, before = recorded
    event = db.exec(select(RequestEvent).where(RequestEvent.request_id == sent.id)).first()
    event.reason = "rewritten"
    db.add(event)
    with pytest.raises(DBAPIError, match="append-only"):
        db.commit()
    db.rollback()

    event = db.exec(select(RequestEvent).where(RequestEvent.request_id == sent.id)).first()
    db.delete(event)
    with pytest.raises(DBAPIError, match="append-only"):
        db.commit()
    db.rollback()
    assert events(db, sent.id) == before


def test_appending_history_is_still_allowed(db, recorded):
    sent, before = recorded
    db.add(RequestEvent(request_id=sent.id, to_status=DECLINED, from_status=DECLINED))
    db.commit()
    assert len(events(db, sent.id)) == len(before) + 1
