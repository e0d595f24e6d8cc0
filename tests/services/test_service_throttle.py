"""The per-address sign-in limit never locks out everyone who shares an address.

Behind a proxy whose hops are not configured every client has the proxy's
address; in an office every client may have the NAT's. An address over its
limit keeps letting in the emails that signed in from it before.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest
from pwdlib import PasswordHash
from service_helpers import make_person
from sqlmodel import select

from peerapp import settings
from peerapp.clock import frozen_at
from peerapp.models import SignInAttempt
from peerapp.services import Refused, accounts, throttle

PASSWORD = "correct-horse-battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROXY = "10.0.0.1"  # every client, when the proxy hops are not configured
ELSEWHERE = "198.51.100.20"


@functools.cache
def password_hash() -> str:
    return PasswordHash.recommended().hash(PASSWORD)


@pytest.fixture
def people(db, program):
    made = {}
    for name in ("Ada Lovelace", "Ben Brook", "Cy Chen"):
        person = make_person(db, program, name, email=f"{name.split()[0].lower()}@example.com")
        person.password_hash = password_hash()
        db.add(person)
        made[name.split()[0].lower()] = person
    db.commit()
    return made


@pytest.fixture(autouse=True)
def small_address_limit(monkeypatch):
    monkeypatch.setattr(settings, "SIGN_IN_FAILURES_PER_ADDRESS", 6)


def sign_in(db, email, password=PASSWORD, client=PROXY) -> str:
    return accounts.sign_in(db, email=email, password=password, client=client)


def spray(db, times: int, client=PROXY) -> None:
    """An attacker guessing one password for many emails from ``client``."""
    for index in range(times):
        with pytest.raises(Refused):
            sign_in(db, f"guess{index}@example.com", "Spring2026!", client=client)


def test_an_address_over_its_limit_still_lets_in_people_who_signed_in_from_it(db, people):
    with frozen_at(T0 - timedelta(days=3)):
        sign_in(db, "ada@example.com")
        sign_in(db, "ben@example.com")
    with frozen_at(T0):
        spray(db, 6)
        assert sign_in(db, "ada@example.com")
        assert sign_in(db, "ben@example.com")


def test_an_address_over_its_limit_refuses_emails_new_to_it(db, people):
    with frozen_at(T0 - timedelta(days=3)):
        sign_in(db, "cy@example.com", client=ELSEWHERE)  # Cy got in, but elsewhere
    with frozen_at(T0):
        spray(db, 6)
        with pytest.raises(Refused) as refused:
            sign_in(db, "cy@example.com")
        assert refused.value.message == throttle.SIGN_IN_REFUSED
        # Refused without a password check, like every throttled attempt.
        assert sign_in(db, "cy@example.com", client=ELSEWHERE)


def test_a_remembered_email_is_still_limited_per_email(db, people):
    with frozen_at(T0 - timedelta(days=1)):
        sign_in(db, "ada@example.com")
    with frozen_at(T0):
        spray(db, 6)
        for _ in range(settings.SIGN_IN_FAILURES_PER_EMAIL):
            with pytest.raises(Refused):
                sign_in(db, "ada@example.com", "not-the-password")
        with pytest.raises(Refused):
            sign_in(db, "ada@example.com")


def test_the_address_forgets_an_email_after_the_remembered_days(db, people):
    assert settings.SIGN_IN_REMEMBER_DAYS == 30
    with frozen_at(T0 - timedelta(days=31)):
        sign_in(db, "ada@example.com")
    with frozen_at(T0):
        spray(db, 6)
        with pytest.raises(Refused):
            sign_in(db, "ada@example.com")


def test_one_success_row_per_email_and_address_and_failures_pruned(db, people):
    with frozen_at(T0):
        sign_in(db, "ada@example.com")
        spray(db, 2)
    with frozen_at(T0 + timedelta(days=2)):
        sign_in(db, "ada@example.com")
        sign_in(db, "ada@example.com", client=ELSEWHERE)
    db.expire_all()
    rows = db.exec(select(SignInAttempt).order_by(SignInAttempt.at)).all()
    assert [(row.succeeded, row.at.replace(tzinfo=UTC) - T0) for row in rows] == [
        (True, timedelta(days=2)),
        (True, timedelta(days=2)),
    ]
