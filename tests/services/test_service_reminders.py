"""Reminders before a request expires, with a frozen clock, and the program setting behind them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from lifecycle_helpers import T0, act
from notice_helpers import bodies, mails, notices
from service_helpers import send
from sqlmodel import Session

from peerapp.clock import frozen_at
from peerapp.models import PeerRequest, Program
from peerapp.services import Refused, admin, preferences, reminders

REMINDER, LAST = "reminder", "last_reminder"


def reminded_at(db, moment):
    with frozen_at(moment):
        return reminders.remind_due(db)


def reminder_notices(db):
    return [(who, kind, how) for who, kind, how in notices(db) if kind in (REMINDER, LAST)]


def test_a_reminder_days_before_and_a_last_one_the_day_before(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        send(db, program, alice, bob)
    expires = T0 + timedelta(days=program.request_expiry_days)
    assert program.reminder_days == 3
    assert reminded_at(db, expires - timedelta(days=3, seconds=1)).told == frozenset()
    assert reminded_at(db, expires - timedelta(days=3)).told == {bob.id}
    assert reminded_at(db, expires - timedelta(days=2)).told == frozenset()
    assert reminder_notices(db) == [(bob.id, REMINDER, "at_once")]
    assert reminded_at(db, expires - timedelta(hours=23)).told == {bob.id}
    assert reminded_at(db, expires - timedelta(hours=1)).told == frozenset()
    assert reminded_at(db, expires + timedelta(hours=1)).told == frozenset()
    assert reminder_notices(db) == [(bob.id, REMINDER, "at_once"), (bob.id, LAST, "at_once")]
    first, last = mails(db)[1:]
    assert first["Subject"] == "Alice Archer is waiting for your answer"
    assert last["Subject"] == "Last day to answer Alice Archer"
    assert first["To"].addresses[0].addr_spec == bob.email
    assert "/inbox?program=" in bodies(last)[0]


def test_a_request_with_less_time_left_than_the_reminder_gets_only_the_last_one(
    db, program, people
):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        request = send(db, program, alice, bob)
    # Sent when two days were left, fewer than the program's three.
    db.execute(
        sa.update(PeerRequest)
        .where(PeerRequest.id == request.id)
        .values(expires_at=T0 + timedelta(days=2))
    )
    db.commit()
    assert reminded_at(db, T0 + timedelta(hours=1)).told == frozenset()
    assert reminded_at(db, T0 + timedelta(days=1)).told == {bob.id}
    assert reminder_notices(db) == [(bob.id, LAST, "at_once")]


def test_a_one_day_request_gets_no_reminder(db, program, people):
    with frozen_at(T0):
        request = send(db, program, people["alice"], people["bob"])
    db.execute(
        sa.update(PeerRequest)
        .where(PeerRequest.id == request.id)
        .values(expires_at=T0 + timedelta(days=1))
    )
    db.commit()
    for hours in (0, 1, 12, 23):
        reminded_at(db, T0 + timedelta(hours=hours))
    assert reminder_notices(db) == []


def test_answered_requests_and_late_jobs_remind_nobody_twice(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(T0):
        answered = send(db, program, alice, bob)
        send(db, program, alice, carol)
        act(db, "decline", answered.id, bob.id)
    # The job did not run during the first window: only the last reminder is sent.
    expires = T0 + timedelta(days=program.request_expiry_days)
    assert reminded_at(db, expires - timedelta(hours=2)).told == {carol.id}
    assert reminded_at(db, expires - timedelta(hours=1)).told == frozenset()
    assert reminder_notices(db) == [(carol.id, LAST, "at_once")]


def test_reminders_follow_the_recipients_choice(db, program, people):
    bob = people["bob"]
    preferences.set_delivery(db, bob.id, "reminders", "app_only")
    with frozen_at(T0):
        send(db, program, people["alice"], bob)
    reminded_at(db, T0 + timedelta(days=11))
    assert reminder_notices(db) == [(bob.id, REMINDER, "app_only")]
    assert len(mails(db)) == 1  # the request itself, not the reminder


def test_reminders_work_in_batches(db, program, people):
    with frozen_at(T0):
        for sender in ("alice", "carol", "dan", "eve"):
            send(db, program, people[sender], people["bob"])
    with frozen_at(T0 + timedelta(days=11)):
        reminders.remind_due(db, batch=3)
    assert [kind for _, kind, _ in reminder_notices(db)] == [REMINDER] * 4


def test_two_workers_at_once_remind_once(engine, db, program, people):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    with frozen_at(T0):
        for sender in ("alice", "carol", "dan", "eve"):
            send(db, program, people[sender], people["bob"])
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def worker():
        try:
            with Session(engine) as session, frozen_at(T0 + timedelta(days=11)):
                start.wait()
                reminders.remind_due(session)
        except BaseException as error:  # noqa: BLE001  (reported below)
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [kind for _, kind, _ in reminder_notices(db)] == [REMINDER] * 4
    assert len(mails(db)) == 8


def settings(db, people, program, **changes):
    return admin.update_program_settings(
        db,
        actor_id=people["admin"].id,
        program_id=program.id,
        peer_mentorship_enabled=True,
        **changes,
    )


def test_admins_set_reminder_days_within_the_deadline(db, program, people):
    assert settings(db, people, program, reminder_days=5).program.reminder_days == 5
    assert settings(db, people, program, reminder_days="13").program.reminder_days == 13
    for wrong in (0, -1, 14, 90, "soon", 2.5, True):
        with pytest.raises(Refused):
            settings(db, people, program, reminder_days=wrong)
    db.expire_all()
    assert db.get(Program, program.id).reminder_days == 13
    changed = settings(db, people, program, request_expiry_days=5, reminder_days=4).program
    assert (changed.request_expiry_days, changed.reminder_days) == (5, 4)


def test_a_shorter_deadline_alone_keeps_the_reminder_setting(db, program, people):
    changed = settings(db, people, program, request_expiry_days=2).program
    assert (changed.request_expiry_days, changed.reminder_days) == (2, 3)
    with pytest.raises(Refused, match="remind at most 1 days before"):
        settings(db, people, program, reminder_days=3)


def test_only_admins_set_reminder_days(db, program, people):
    with pytest.raises(Refused):
        admin.update_program_settings(
            db,
            actor_id=people["alice"].id,
            program_id=program.id,
            peer_mentorship_enabled=True,
            reminder_days=2,
        )
    db.expire_all()
    assert db.get(Program, program.id).reminder_days == 3
