"""Delivery preferences per category, digest schedules, and one-click unsubscribe links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from peerapp import clock
from peerapp.models import DEFAULT_DELIVERY, NoticePreference
from peerapp.services import Refused, preferences, unsubscribe

BASE = "https://peers.example.com"


def test_defaults_until_a_person_chooses(db, people):
    alice = people["alice"]
    assert preferences.deliveries(db, alice.id) == {
        "requests_for_me": "at_once",
        "answers": "at_once",
        "reminders": "at_once",
        "pairings": "digest",
        "program_news": "digest",
    }
    assert preferences.delivery_for(db, alice.id, "pairings") == "digest"
    assert preferences.schedule(db, alice.id) == preferences.Schedule("UTC", 8)


def test_setting_one_category_leaves_the_others_and_other_people(db, people):
    alice_id, bob_id = people["alice"].id, people["bob"].id
    change = preferences.set_delivery(db, alice_id, "answers", "digest")
    assert not db.in_transaction()
    assert change.told == {alice_id}
    preferences.set_delivery(db, alice_id, "answers", "app_only")
    chosen = preferences.deliveries(db, alice_id)
    assert chosen["answers"] == "app_only"
    assert {k: v for k, v in chosen.items() if k != "answers"} == {
        k: v for k, v in DEFAULT_DELIVERY.items() if k != "answers"
    }
    assert preferences.deliveries(db, bob_id) == DEFAULT_DELIVERY
    # One row per person and category, however often it changes.
    assert len(db.exec(select(NoticePreference)).all()) == 1


@pytest.mark.parametrize(
    ("category", "choice"),
    [
        ("answers", "sms"),
        ("answers", None),
        ("answers", ["at_once"]),
        ("everything", "digest"),
        ("", "digest"),
        (3, "digest"),
        ("ANSWERS", "digest"),
    ],
)
def test_unknown_categories_and_choices_are_refused(db, people, category, choice):
    alice = people["alice"]
    with pytest.raises(Refused):
        preferences.set_delivery(db, alice.id, category, choice)
    assert preferences.deliveries(db, alice.id) == DEFAULT_DELIVERY


def test_digest_schedule_takes_a_real_zone_and_an_hour(db, people):
    alice = people["alice"]
    preferences.set_schedule(db, alice.id, "Europe/Lisbon", "18")
    assert preferences.schedule(db, alice.id) == preferences.Schedule("Europe/Lisbon", 18)
    for zone, hour in [
        ("Mars/Olympus", 8),
        ("../../etc/passwd", 8),
        ("Europe/Lisbon", 24),
        ("Europe/Lisbon", "-1"),
        ("x" * 500, 8),
        (None, 8),
    ]:
        with pytest.raises(Refused):
            preferences.set_schedule(db, alice.id, zone, hour)
    assert preferences.schedule(db, alice.id) == preferences.Schedule("Europe/Lisbon", 18)
    assert "America/Sao_Paulo" in preferences.zone_names()


def test_an_unsubscribe_link_turns_off_exactly_one_category(db, people):
    alice, bob = people["alice"], people["bob"]
    preferences.set_delivery(db, bob.id, "answers", "digest")
    link = unsubscribe.link_for(db, BASE, alice.id, "answers")
    assert link.startswith(f"{BASE}/unsubscribe?token=")
    token = link.split("token=", 1)[1]
    assert unsubscribe.read(db, token) == unsubscribe.Unsubscribe(alice.id, "answers")
    assert preferences.deliveries(db, alice.id) == DEFAULT_DELIVERY  # reading changes nothing

    assert unsubscribe.apply(db, token) == unsubscribe.Unsubscribe(alice.id, "answers")
    expected = dict(DEFAULT_DELIVERY, answers="app_only")
    assert preferences.deliveries(db, alice.id) == expected
    assert preferences.deliveries(db, bob.id)["answers"] == "digest"
    # Using it again is harmless.
    unsubscribe.apply(db, token)
    assert preferences.deliveries(db, alice.id) == expected


def test_forged_altered_and_expired_links_are_refused(db, people, monkeypatch):
    alice = people["alice"]
    token = unsubscribe.token_for(db, alice.id, "reminders")
    payload, _, signature = token.rpartition(".")
    other = unsubscribe.token_for(db, people["bob"].id, "reminders")
    forged = [
        "",
        "nonsense",
        token[:-2],
        token + "x",
        payload + "." + other.rpartition(".")[2],
        "a" * 1000,
        None,
        12,
    ]
    for bad in forged:
        with pytest.raises(Refused, match="not valid"):
            unsubscribe.apply(db, bad)
    assert preferences.deliveries(db, alice.id) == DEFAULT_DELIVERY

    later = clock.utcnow() + timedelta(days=unsubscribe.VALID_DAYS + 1)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later.timestamp())
    with pytest.raises(Refused, match="expired"):
        unsubscribe.apply(db, token)
    assert preferences.deliveries(db, alice.id) == DEFAULT_DELIVERY
