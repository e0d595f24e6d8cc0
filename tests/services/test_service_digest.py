"""The daily digest: grouping, time zones, once a day, nothing when nothing waits."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from lifecycle_helpers import act
from notice_helpers import bodies, mails, notice_rows
from service_helpers import make_person, send
from sqlmodel import Session, select

from peerapp.models import DigestSchedule, Pairing
from peerapp.services import admin, digest, notify, pairings, preferences

# 19:30 UTC on 1 June: 07:30 on 2 June in Auckland (UTC+12), 12:30 on 1 June in Los Angeles (UTC-7).
EVENING_UTC = datetime(2031, 6, 1, 19, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def public_url(monkeypatch):
    monkeypatch.setenv("PEERAPP_PUBLIC_URL", "https://peers.example.com")


def waiting(db, person):
    return [
        n
        for n in notice_rows(db)
        if n.employee_id == person.id and n.delivery == "digest" and n.digested_at is None
    ]


def pair_and_switch_off(db, program, people):
    """Alice gets two pairing notices and one program notice, all for her digest."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    act(db, "accept", send(db, program, alice, bob).id, bob.id)
    pairing = db.exec(select(Pairing)).one()
    pairings.end_pairing(db, pairing_id=pairing.id, actor_id=bob.id, outcome="completed")
    send(db, program, alice, carol)
    admin.update_program_settings(
        db, actor_id=people["admin"].id, program_id=program.id, peer_mentorship_enabled=False
    )


def test_one_digest_groups_what_waited_by_category(db, program, people):
    alice = people["alice"]
    pair_and_switch_off(db, program, people)
    before = len(mails(db))
    assert [n.kind for n in waiting(db, alice)] == [
        "pairing_started",
        "pairing_ended",
        "pairing_type_off",
    ]
    assert digest.send_due_digests(db, EVENING_UTC) == 3  # alice, bob, carol
    to_alice = [m for m in mails(db)[before:] if m["To"].addresses[0].addr_spec == alice.email]
    (message,) = to_alice
    assert message["Subject"] == "Your peerapp digest: 3 updates"
    plain, rich = bodies(message)
    assert plain.index("PAIRINGS") < plain.index("You and Bob Baker are now peers")
    assert plain.index("Bob Baker ended your pairing") < plain.index("PROGRAM NEWS")
    assert admin.CANCELLED_BY_SETTINGS in plain
    assert f"https://peers.example.com/peers?program={program.id}" in plain
    assert f"https://peers.example.com/programs?program={program.id}" in rich
    assert "<h2>Pairings</h2>" in rich and "<h2>Program news</h2>" in rich
    assert plain.count("/unsubscribe?token=") == 2  # one link per category
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert waiting(db, alice) == []
    schedule = db.exec(select(DigestSchedule).where(DigestSchedule.employee_id == alice.id)).one()
    assert schedule.last_sent_on == date(2031, 6, 1)


def test_nothing_twice_a_day_and_the_next_day_only_what_is_new(db, program, people):
    alice = people["alice"]
    pair_and_switch_off(db, program, people)
    assert digest.send_due_digests(db, EVENING_UTC) == 3
    count = len(mails(db))
    assert digest.send_due_digests(db, EVENING_UTC.replace(hour=23)) == 0
    notify.tell(db, employee_id=alice.id, kind="pairing_started")
    db.commit()
    assert digest.send_due_digests(db, EVENING_UTC.replace(hour=23, minute=59)) == 0
    assert len(mails(db)) == count
    assert digest.send_due_digests(db, datetime(2031, 6, 2, 8, tzinfo=UTC)) == 1
    assert mails(db)[-1]["Subject"] == "Your peerapp digest: 1 update"


def test_nothing_is_sent_when_nothing_waits(db, program, people):
    alice = people["alice"]
    preferences.set_delivery(db, alice.id, "answers", "digest")
    assert digest.send_due_digests(db, EVENING_UTC) == 0
    send(db, program, people["bob"], alice)  # a request for alice: at once, not in a digest
    assert digest.send_due_digests(db, EVENING_UTC) == 0
    assert db.exec(select(DigestSchedule)).all() == []


def test_each_person_gets_it_at_their_own_hour_in_their_time_zone(db, program, people):
    kiwi = make_person(db, program, "Kiri Auckland")
    angeleno = make_person(db, program, "Lou Angeles")
    preferences.set_schedule(db, kiwi.id, "Pacific/Auckland", 7)
    preferences.set_schedule(db, angeleno.id, "America/Los_Angeles", 13)
    for person in (kiwi, angeleno):
        notify.tell(db, employee_id=person.id, kind="pairing_started")
    db.commit()
    before = len(mails(db))
    # 07:30 in Auckland (its 2 June), 12:30 in Los Angeles: only Auckland's hour has come.
    assert digest.send_due_digests(db, EVENING_UTC) == 1
    assert [m["To"].addresses[0].addr_spec for m in mails(db)[before:]] == [kiwi.email]
    rows = {s.employee_id: s.last_sent_on for s in db.exec(select(DigestSchedule)).all()}
    assert rows[kiwi.id] == date(2031, 6, 2)
    assert digest.send_due_digests(db, EVENING_UTC.replace(hour=20, minute=0)) == 1
    assert mails(db)[-1]["To"].addresses[0].addr_spec == angeleno.email
    db.expire_all()
    rows = {s.employee_id: s.last_sent_on for s in db.exec(select(DigestSchedule)).all()}
    assert rows[angeleno.id] == date(2031, 6, 1)


def test_default_is_eight_in_the_morning_utc(db, program, people):
    notify.tell(db, employee_id=people["dan"].id, kind="pairing_started")
    db.commit()
    assert digest.send_due_digests(db, datetime(2031, 6, 1, 7, 59, tzinfo=UTC)) == 0
    assert digest.send_due_digests(db, datetime(2031, 6, 1, 8, 0, tzinfo=UTC)) == 1


def test_a_batch_bounds_the_work_of_one_call(db, program, people):
    for name in ("alice", "bob", "carol", "dan", "eve"):
        notify.tell(db, employee_id=people[name].id, kind="pairing_started")
    db.commit()
    assert digest.send_due_digests(db, EVENING_UTC, batch=2) == 2
    assert digest.send_due_digests(db, EVENING_UTC, batch=2) == 2
    assert digest.send_due_digests(db, EVENING_UTC, batch=2) == 1
    assert digest.send_due_digests(db, EVENING_UTC, batch=2) == 0


def test_two_workers_at_once_write_one_digest_each(engine, db, program, people):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    for name in ("alice", "bob", "carol", "dan", "eve"):
        notify.tell(db, employee_id=people[name].id, kind="pairing_started")
    db.commit()
    start, counts, failures = threading.Barrier(2), [], []

    def worker():
        try:
            with Session(engine) as session:
                start.wait()
                counts.append(digest.send_due_digests(session, EVENING_UTC))
        except BaseException as error:  # noqa: BLE001  (reported below)
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and sum(counts) == 5
    assert len(mails(db)) == 5
