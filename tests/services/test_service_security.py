"""Account security: session rotation and revocation, sign-in throttling, password changes."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pytest
from pwdlib import PasswordHash
from service_helpers import make_person, reload
from sqlmodel import Session, select

from peerapp import settings
from peerapp.clock import frozen_at
from peerapp.models import Employee, SignInAttempt, UserSession
from peerapp.services import Refused, accounts, admin, sessions, throttle

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "violet-harbour-lantern"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HERE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once per run: hashing is deliberately slow."""
    return PasswordHash.recommended().hash(PASSWORD)


def with_password(db: Session, person: Employee) -> Employee:
    person.password_hash = password_hash()
    db.add(person)
    db.commit()
    return person


@pytest.fixture
def ada(db, program) -> Employee:
    return with_password(db, make_person(db, program, "Ada Lovelace", email="ada@example.com"))


@pytest.fixture
def ben(db, program) -> Employee:
    return with_password(db, make_person(db, program, "Ben Brook", email="ben@example.com"))


def sign_in(db, email="ada@example.com", password=PASSWORD, client=HERE, previous=None) -> str:
    return accounts.sign_in(
        db, email=email, password=password, client=client, previous_token=previous
    )


def fail(db, times: int, email="ada@example.com", client=HERE) -> None:
    for _ in range(times):
        with pytest.raises(Refused) as refused:
            sign_in(db, email=email, password="not-the-password", client=client)
        assert refused.value.message == throttle.SIGN_IN_REFUSED


def live_sessions(db, person: Employee) -> int:
    db.expire_all()
    rows = db.exec(select(UserSession).where(UserSession.employee_id == person.id)).all()
    return sum(1 for row in rows if row.revoked_at is None)


# ---------------------------------------------------------------- sessions


def test_sign_in_rotates_the_token_the_browser_presented(db, ada):
    with frozen_at(T0):
        old = sign_in(db)
        new = sign_in(db, previous=old)

        assert new != old
        assert sessions.resolve_session(db, old) is None
        assert sessions.resolve_session(db, new).id == ada.id
        assert live_sessions(db, ada) == 1


def test_failed_sign_in_keeps_the_session_the_browser_had(db, ada):
    with frozen_at(T0):
        token = sign_in(db)
        with pytest.raises(Refused):
            sign_in(db, password="wrong-password-here", previous=token)

        assert sessions.resolve_session(db, token).id == ada.id


def test_sign_in_as_someone_else_revokes_the_previous_persons_token(db, ada, ben):
    with frozen_at(T0):
        adas = sign_in(db)
        bens = sign_in(db, email="ben@example.com", previous=adas)

        assert sessions.resolve_session(db, adas) is None
        assert sessions.resolve_session(db, bens).id == ben.id


def test_sign_out_revokes_the_token_for_every_tab(db, ada):
    token = sign_in(db)
    sessions.end_session(db, token)

    assert sessions.resolve_session(db, token) is None
    row = db.exec(select(UserSession).where(UserSession.employee_id == ada.id)).one()
    assert row.revoked_at is not None


def test_sign_out_everywhere_revokes_every_session_of_that_person_only(db, ada, ben):
    laptop, phone = sessions.start_session(db, ada.id), sessions.start_session(db, ada.id)
    bens = sessions.start_session(db, ben.id)

    assert sessions.sign_out_everywhere(db, phone) == 2

    assert sessions.resolve_session(db, laptop) is None
    assert sessions.resolve_session(db, phone) is None
    assert sessions.resolve_session(db, bens).id == ben.id
    with pytest.raises(Refused, match="signed out already"):
        sessions.sign_out_everywhere(db, phone)


def test_deactivation_revokes_every_session_so_reactivation_does_not_revive_them(
    db, program, people
):
    bob = people["bob"]
    laptop, phone = sessions.start_session(db, bob.id), sessions.start_session(db, bob.id)

    admin.set_employee_active(db, actor_id=people["admin"].id, employee_id=bob.id, active=False)
    assert live_sessions(db, bob) == 0
    admin.set_employee_active(db, actor_id=people["admin"].id, employee_id=bob.id, active=True)

    assert reload(db, Employee, bob.id).is_active
    assert sessions.resolve_session(db, laptop) is None
    assert sessions.resolve_session(db, phone) is None


def test_refused_deactivation_revokes_nothing(db, program, people):
    alice = people["alice"]
    token = sessions.start_session(db, alice.id)

    with pytest.raises(Refused):
        admin.set_employee_active(db, actor_id=people["bob"].id, employee_id=alice.id, active=False)
    db.rollback()

    assert sessions.resolve_session(db, token).id == alice.id


# ---------------------------------------------------------------- throttling


def test_five_failures_lock_the_email_even_for_the_right_password_until_the_window_passes(db, ada):
    assert settings.SIGN_IN_FAILURES_PER_EMAIL == 5
    assert settings.SIGN_IN_WINDOW_MINUTES == 15
    with frozen_at(T0):
        fail(db, 5)
    with frozen_at(T0 + timedelta(minutes=14)), pytest.raises(Refused) as refused:
        sign_in(db)
    assert refused.value.message == throttle.SIGN_IN_REFUSED
    with frozen_at(T0 + timedelta(minutes=15, seconds=1)):
        assert sessions.resolve_session(db, sign_in(db)).id == ada.id


def test_four_failures_do_not_lock(db, ada):
    with frozen_at(T0):
        fail(db, 4)
        assert sessions.resolve_session(db, sign_in(db)).id == ada.id


def test_a_success_starts_the_email_count_again(db, ada):
    with frozen_at(T0):
        fail(db, 4)
    with frozen_at(T0 + timedelta(minutes=1)):
        sign_in(db)
    with frozen_at(T0 + timedelta(minutes=2)):
        fail(db, 4)
        assert sign_in(db)


def test_throttled_attempt_does_not_check_the_password(db, ada, monkeypatch):
    with frozen_at(T0):
        fail(db, 5)
        checked = []
        monkeypatch.setattr(accounts, "authenticate", lambda *args: checked.append(args))
        with pytest.raises(Refused):
            sign_in(db)
    assert checked == []


def test_unknown_email_gets_the_same_words_and_the_same_lock(db, ada):
    """Nothing tells an attacker whether an address has an account."""
    with frozen_at(T0):
        fail(db, 5, email="nobody@example.com")
        with pytest.raises(Refused) as unknown:
            sign_in(db, email="nobody@example.com")
        fail(db, 5)
        with pytest.raises(Refused) as known:
            sign_in(db)
    assert unknown.value.message == known.value.message == throttle.SIGN_IN_REFUSED
    assert "too many attempts" in throttle.SIGN_IN_REFUSED


def test_email_lock_ignores_case_and_spaces(db, ada):
    with frozen_at(T0):
        fail(db, 5, email="  ADA@Example.com ")
        with pytest.raises(Refused):
            sign_in(db)


def test_many_failures_from_one_address_lock_that_address_for_every_account(
    db, ada, ben, monkeypatch
):
    monkeypatch.setattr(settings, "SIGN_IN_FAILURES_PER_ADDRESS", 6)
    with frozen_at(T0):
        for index in range(6):
            fail(db, 1, email=f"guess{index}@example.com")
        with pytest.raises(Refused) as refused:
            sign_in(db, email="ben@example.com")
        assert refused.value.message == throttle.SIGN_IN_REFUSED
        # Another address is not affected.
        assert sign_in(db, email="ben@example.com", client=ELSEWHERE)


def test_address_default_is_twenty():
    assert settings.SIGN_IN_FAILURES_PER_ADDRESS == 20


def test_attempts_are_stored_hashed_and_pruned_after_the_window(db, ada):
    with frozen_at(T0):
        fail(db, 2)
    rows = db.exec(select(SignInAttempt)).all()
    assert len(rows) == 2
    assert all("ada" not in row.email_key and HERE not in row.client_key for row in rows)
    with frozen_at(T0 + timedelta(minutes=16)):
        sign_in(db)
    db.expire_all()
    remaining = db.exec(select(SignInAttempt)).all()
    assert [row.succeeded for row in remaining] == [True]


# ---------------------------------------------------------------- password change


def change(db, token, current=PASSWORD, new=NEW_PASSWORD, repeat=None, client=HERE):
    accounts.change_password(
        db,
        token=token,
        current_password=current,
        new_password=new,
        repeat_password=new if repeat is None else repeat,
        client=client,
    )


def test_password_change_needs_the_current_password_and_ends_other_sessions(db, ada, ben):
    here, elsewhere = sign_in(db), sign_in(db)
    bens = sign_in(db, email="ben@example.com")

    change(db, here)

    assert accounts.authenticate(db, "ada@example.com", PASSWORD) is None
    assert accounts.authenticate(db, "ada@example.com", NEW_PASSWORD).id == ada.id
    assert sessions.resolve_session(db, here).id == ada.id
    assert sessions.resolve_session(db, elsewhere) is None
    assert sessions.resolve_session(db, bens).id == ben.id


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("wrong-password-1", NEW_PASSWORD, None, "current password is not right"),
        ("", NEW_PASSWORD, None, "Enter your current password"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "two new passwords differ"),
        (PASSWORD, "short-pw", None, "at least 12 characters"),
        (PASSWORD, "password1234", None, "too easy to guess. This is a very common password"),
        (PASSWORD, "aaaaaaaaaaaaaaaa", None, "too easy to guess"),
        (PASSWORD, "lovelace-ada", None, "too easy to guess"),
        (PASSWORD, PASSWORD, None, "same as the current one"),
        (PASSWORD, None, None, "must be text"),
    ],
)
def test_password_change_refusals_change_nothing(db, ada, current, new, repeat, message):
    here, elsewhere = sign_in(db), sign_in(db)

    with pytest.raises(Refused, match=message):
        change(db, here, current=current, new=new, repeat=repeat)
    db.rollback()

    assert accounts.authenticate(db, "ada@example.com", PASSWORD).id == ada.id
    assert sessions.resolve_session(db, elsewhere).id == ada.id


def test_password_change_needs_a_live_session(db, ada):
    token = sign_in(db)
    sessions.end_session(db, token)

    with pytest.raises(Refused, match="Sign in again"):
        change(db, token)
    assert accounts.authenticate(db, "ada@example.com", PASSWORD).id == ada.id


def test_wrong_current_passwords_are_throttled_like_sign_ins(db, ada):
    with frozen_at(T0):
        token = sign_in(db)
        for _ in range(5):
            with pytest.raises(Refused, match="not right"):
                change(db, token, current="wrong-password-1")
        with pytest.raises(Refused, match="Too many"):
            change(db, token)
    assert accounts.authenticate(db, "ada@example.com", PASSWORD).id == ada.id


# ---------------------------------------------------------------- password policy for new accounts


@pytest.mark.parametrize("password", ["correct-horse-battery", "peerapp-demo-2026"])
def test_demo_and_test_passwords_meet_the_policy(password):
    assert accounts.check_new_password(password, personal=("Demo Person", "demo@example.com"))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("qwertyuiop12", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("grace.hopper@example.com", "too easy to guess"),
        ("tulip-ocean", "at least 12"),
    ],
)
def test_create_employee_refuses_weak_passwords(db, password, message):
    with pytest.raises(Refused, match=message):
        accounts.create_employee(
            db, email="grace.hopper@example.com", full_name="Grace Hopper", password=password
        )
    db.rollback()
    assert db.exec(select(Employee)).all() == []
