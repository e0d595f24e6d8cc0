"""The profile's notification settings: saved all together, or not at all."""

from __future__ import annotations

import pytest

from peerapp.models import DEFAULT_DELIVERY
from peerapp.services import Refused, notice_settings, preferences

CHOSEN = {
    "requests_for_me": "digest",
    "answers": "app_only",
    "reminders": "at_once",
    "pairings": "at_once",
    "program_news": "app_only",
}


def test_defaults_then_everything_saved(db, people):
    alice = people["alice"].id
    assert notice_settings.settings(db, alice) == notice_settings.Settings(
        DEFAULT_DELIVERY, preferences.Schedule("UTC", 8)
    )
    change = notice_settings.save(db, alice, CHOSEN, "Asia/Tokyo", "18")
    assert change.told == {alice}
    assert notice_settings.settings(db, alice) == notice_settings.Settings(
        CHOSEN, preferences.Schedule("Asia/Tokyo", 18)
    )
    assert notice_settings.settings(db, people["bob"].id).deliveries == DEFAULT_DELIVERY


@pytest.mark.parametrize(
    ("deliveries", "zone", "hour", "message"),
    [
        ({**CHOSEN, "answers": "sms"}, "UTC", 8, "Choose email at once"),
        ({k: v for k, v in CHOSEN.items() if k != "pairings"}, "UTC", 8, "Choose email at once"),
        (["at_once"], "UTC", 8, "Choose how you want to hear"),
        (CHOSEN, "Mars/Olympus", 8, "Choose a time zone"),
        (CHOSEN, "UTC", "24", "The digest hour must be"),
        (CHOSEN, "UTC", True, "The digest hour must be"),
    ],
)
def test_one_bad_value_saves_nothing(db, people, deliveries, zone, hour, message):
    alice = people["alice"].id
    with pytest.raises(Refused, match=message):
        notice_settings.save(db, alice, deliveries, zone, hour)
    assert notice_settings.settings(db, alice) == notice_settings.Settings(
        DEFAULT_DELIVERY, preferences.Schedule("UTC", 8)
    )
