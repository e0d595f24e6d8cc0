"""The read side of notices: the recent list, the unread count, marking read (own rows only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import delete, select

from peerapp import clock
from peerapp.models import CATEGORY_OF, Delivery, Notice, NoticeKind, PeerRequest
from peerapp.services import Refused, notices, requests

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_notice(db, employee_id: int, kind: NoticeKind, **facts) -> int:
    """A notice as the producer writes it (they are never made by this module)."""
    row = Notice(
        employee_id=employee_id,
        kind=kind.value,
        category=CATEGORY_OF[kind.value],
        delivery=Delivery.AT_ONCE.value,
        **facts,
    )
    db.add(row)
    db.commit()
    return row.id


def test_recent_is_newest_first_with_names_and_program(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with clock.frozen_at(T0):
        requests.send_request(
            db, program_id=program.id, sender_id=bob.id, recipient_id=alice.id, message="hi"
        )
    request_id = db.exec(select(PeerRequest.id).where(PeerRequest.sender_id == bob.id)).one()
    # The send wrote its own notices: this test writes the ones it reads.
    db.exec(delete(Notice))
    db.commit()
    first = add_notice(
        db, alice.id, NoticeKind.REQUEST_RECEIVED, request_id=request_id,
        program_id=program.id, actor_id=bob.id,
    )  # fmt: skip
    second = add_notice(
        db, alice.id, NoticeKind.REMINDER, request_id=request_id, program_id=program.id
    )
    add_notice(db, bob.id, NoticeKind.PAIRING_TYPE_OFF, program_id=program.id)

    items = notices.recent(db, alice.id)
    assert [item.id for item in items] == [second, first]
    received = items[1]
    assert received.kind == "request_received" and received.category == "requests_for_me"
    assert received.actor_name == "Bob Baker" and received.other_name == "Bob Baker"
    assert received.program_name == program.name and received.request_id == request_id
    assert received.viewer_side == "peer" and not received.read
    # The reminder names the other person even without an actor, and knows the deadline.
    assert items[0].other_name == "Bob Baker" and items[0].actor_name == ""
    assert items[0].expires_at is not None and items[0].expires_at.tzinfo is not None


def test_recent_is_bounded(db, people):
    alice = people["alice"]
    for _ in range(notices.RECENT_LIMIT + 3):
        add_notice(db, alice.id, NoticeKind.PAIRING_TYPE_OFF)
    assert len(notices.recent(db, alice.id)) == notices.RECENT_LIMIT
    assert len(notices.recent(db, alice.id, limit=5)) == 5
    assert notices.recent(db, people["bob"].id) == []


def test_unread_count_is_capped(db, people):
    alice = people["alice"]
    assert notices.unread_count(db, alice.id) == 0
    for _ in range(notices.UNREAD_CAP + 5):
        add_notice(db, alice.id, NoticeKind.PAIRING_ENDED)
    assert notices.unread_count(db, alice.id) == notices.UNREAD_CAP + 1
    assert notices.unread_count(db, people["bob"].id) == 0


def test_mark_all_read_touches_only_ones_own(db, people):
    alice, bob = people["alice"], people["bob"]
    add_notice(db, alice.id, NoticeKind.PAIRING_STARTED)
    add_notice(db, alice.id, NoticeKind.PAIRING_ENDED)
    bobs = add_notice(db, bob.id, NoticeKind.PAIRING_STARTED)
    alice_id = alice.id
    with clock.frozen_at(T0):
        change = notices.mark_all_read(db, alice_id)
    assert not db.in_transaction()
    assert change.told == {alice_id}
    assert notices.unread_count(db, alice.id) == 0
    assert all(item.read for item in notices.recent(db, alice.id))
    assert notices.unread_count(db, bob.id) == 1
    assert db.get(Notice, bobs).read_at is None


def test_mark_read_one(db, people):
    alice = people["alice"]
    one = add_notice(db, alice.id, NoticeKind.PAIRING_STARTED)
    other = add_notice(db, alice.id, NoticeKind.PAIRING_ENDED)
    change = notices.mark_read(db, alice.id, one)
    assert change.told == {alice.id}
    assert {item.id: item.read for item in notices.recent(db, alice.id)} == {
        one: True,
        other: False,
    }
    # Reading it again keeps the first moment it was read.
    first_read = db.exec(select(Notice.read_at).where(Notice.id == one)).one()
    with clock.frozen_at(T0 + timedelta(days=400)):
        notices.mark_read(db, alice.id, one)
    assert db.exec(select(Notice.read_at).where(Notice.id == one)).one() == first_read


def test_mark_read_refuses_someone_elses_notice(db, people):
    alice, bob = people["alice"], people["bob"]
    bobs = add_notice(db, bob.id, NoticeKind.PAIRING_STARTED)
    alice_id = alice.id
    with pytest.raises(Refused, match=notices.NOT_YOURS):
        notices.mark_read(db, alice_id, bobs)
    assert not db.in_transaction()
    with pytest.raises(Refused, match=notices.NOT_YOURS):
        notices.mark_read(db, alice_id, 987_654)
    db.expire_all()
    assert db.get(Notice, bobs).read_at is None


@pytest.mark.parametrize("forged", [None, True, "1", 1.0, -1, 0, 10**40, [1], {"id": 1}])
def test_mark_read_refuses_what_is_not_an_id(db, people, forged):
    with pytest.raises(Refused, match="notification is not valid"):
        notices.mark_read(db, people["alice"].id, forged)
