"""Abuse limits: requests sent per rolling hour, and the length of every free-text input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from service_helpers import make_person, send
from sqlmodel import func, select

from peerapp import models, settings
from peerapp.clock import frozen_at
from peerapp.models import PeerRequest
from peerapp.services import Refused, accounts, pairings, profiles, requests

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def withdraw(db, request, actor):
    requests.withdraw_request(db, request_id=request.id, actor_id=actor.id)


def sent_count(db, person) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(PeerRequest).where(PeerRequest.sender_id == person.id)
    ).one()


def send_withdraw_loop(db, program, sender, recipient, times: int, start=T0) -> None:
    """Send and withdraw ``times`` requests, one a minute."""
    for minute in range(times):
        with frozen_at(start + timedelta(minutes=minute)):
            withdraw(db, send(db, program, sender, recipient), sender)


# ---------------------------------------------------------------- requests per hour


def test_default_is_ten_requests_an_hour():
    assert settings.REQUESTS_PER_HOUR == 10


def test_send_and_withdraw_loop_is_stopped_at_ten_an_hour(db, program, people):
    alice, bob = people["alice"], people["bob"]
    send_withdraw_loop(db, program, alice, bob, 10)

    with frozen_at(T0 + timedelta(minutes=20)), pytest.raises(Refused) as refused:
        send(db, program, alice, people["carol"])

    # The first request leaves the hour at 10:00; it is 09:20.
    assert refused.value.message == (
        "You have sent 10 requests in the last hour, the most allowed. "
        "You can send another in 40 minutes."
    )
    assert sent_count(db, alice) == 10


def test_sending_resumes_when_the_oldest_request_leaves_the_hour(db, program, people):
    alice, bob = people["alice"], people["bob"]
    send_withdraw_loop(db, program, alice, bob, 10)

    with frozen_at(T0 + timedelta(minutes=59, seconds=30)), pytest.raises(Refused) as refused:
        send(db, program, alice, bob)
    assert refused.value.message.endswith("You can send another in 1 minute.")
    with frozen_at(T0 + timedelta(hours=1, seconds=1)):
        assert send(db, program, alice, bob).status == "pending"
    # Only one more: the second-oldest is still inside the hour.
    with frozen_at(T0 + timedelta(hours=1, seconds=2)), pytest.raises(Refused, match="in 1 minute"):
        send(db, program, alice, people["carol"])


def test_requests_answered_by_others_count_too(db, program, people):
    alice = people["alice"]
    for minute, name in enumerate(["bob", "carol", "dan", "eve"] * 3):
        if minute == 10:
            break
        with frozen_at(T0 + timedelta(minutes=minute)):
            request = send(db, program, alice, people[name])
            requests.decline_request(db, request_id=request.id, actor_id=people[name].id)
    with frozen_at(T0 + timedelta(minutes=30)), pytest.raises(Refused, match="sent 10"):
        send(db, program, alice, people["bob"])


def test_the_limit_is_per_sender(db, program, people):
    send_withdraw_loop(db, program, people["alice"], people["bob"], 10)

    with frozen_at(T0 + timedelta(minutes=15)):
        assert send(db, program, people["bob"], people["alice"]).status == "pending"


def test_asking_back_still_pairs_when_the_limit_is_reached(db, program, people):
    """Asking back creates no request: it accepts theirs."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(T0):
        send(db, program, carol, alice)
    send_withdraw_loop(db, program, alice, bob, 10, start=T0 + timedelta(minutes=1))

    with frozen_at(T0 + timedelta(minutes=20)):
        outcome = requests.send_request(
            db, program_id=program.id, sender_id=alice.id, recipient_id=carol.id
        )
    assert outcome.mutual and outcome.pairing is not None


def test_limit_follows_the_setting(db, program, people, monkeypatch):
    monkeypatch.setattr(settings, "REQUESTS_PER_HOUR", 2)
    send_withdraw_loop(db, program, people["alice"], people["bob"], 2)

    with frozen_at(T0 + timedelta(minutes=5)), pytest.raises(Refused, match="sent 2 requests"):
        send(db, program, people["alice"], people["bob"])


# ---------------------------------------------------------------- free-text caps


PROFILE_FIELDS = [
    ("full_name", "Full name", models.NAME_MAX),
    ("job_title", "Job title", models.TEXT_SHORT),
    ("department", "Department", models.TEXT_SHORT),
    ("location", "Location", models.TEXT_SHORT),
    ("bio", "Bio", models.BIO_MAX),
    ("skills", "Skills", models.SKILLS_MAX),
    ("learning_goals", "Learning goals", models.SKILLS_MAX),
]


def save_profile(db, program, person, **changes):
    values = {
        "full_name": person.full_name,
        "job_title": "",
        "department": "",
        "location": "",
        "bio": "",
        "skills": "",
        "learning_goals": "",
        **changes,
    }
    return profiles.update_profile(
        db, program_id=program.id, actor_id=person.id, roles=["peer"], **values
    )


@pytest.mark.parametrize(("field", "label", "limit"), PROFILE_FIELDS)
def test_profile_text_is_capped_with_a_clear_message(db, program, people, field, label, limit):
    alice = people["alice"]
    with pytest.raises(Refused) as refused:
        save_profile(db, program, alice, **{field: "x" * (limit + 1)})
    assert refused.value.message == (
        f"{label} can be at most {limit} characters (it has {limit + 1})."
    )
    db.rollback()

    saved = save_profile(db, program, alice, **{field: "x" * limit})
    assert len(getattr(saved.profile, field)) == limit


@pytest.mark.parametrize(("field", "label", "limit"), PROFILE_FIELDS)
def test_new_accounts_text_is_capped(db, field, label, limit):
    values = {"full_name": "New Person", field: "y" * (limit + 1)}
    with pytest.raises(Refused, match=f"{label} can be at most {limit} characters"):
        accounts.create_employee(db, email="new@example.com", password=None, **values)


def test_request_message_decline_and_cancel_reasons_are_capped(db, program, people):
    alice, bob = people["alice"], people["bob"]
    over = models.MESSAGE_MAX + 1
    with pytest.raises(Refused, match=f"Message can be at most {models.MESSAGE_MAX} characters"):
        send(db, program, alice, bob, message="m" * over)
    request = send(db, program, alice, bob, message="m" * models.MESSAGE_MAX)

    with pytest.raises(Refused, match=f"Reason can be at most {models.REASON_MAX} characters"):
        requests.decline_request(
            db, request_id=request.id, actor_id=bob.id, reason="r" * (models.REASON_MAX + 1)
        )
    with pytest.raises(Refused, match=f"Reason can be at most {models.REASON_MAX} characters"):
        requests.cancel_request(
            db,
            request_id=request.id,
            actor_id=people["admin"].id,
            reason="r" * (models.REASON_MAX + 1),
        )
    declined = requests.decline_request(
        db, request_id=request.id, actor_id=bob.id, reason="r" * models.REASON_MAX
    )
    assert declined.request.close_reason == "r" * models.REASON_MAX


def test_pairing_feedback_is_capped(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    pairing = requests.accept_request(db, request_id=request.id, actor_id=bob.id).pairing

    with pytest.raises(Refused, match=f"Feedback can be at most {models.FEEDBACK_MAX} characters"):
        pairings.end_pairing(
            db,
            pairing_id=pairing.id,
            actor_id=alice.id,
            outcome="completed",
            feedback="f" * (models.FEEDBACK_MAX + 1),
        )
    ended = pairings.end_pairing(
        db,
        pairing_id=pairing.id,
        actor_id=alice.id,
        outcome="completed",
        feedback="f" * models.FEEDBACK_MAX,
    )
    assert ended is not None


def test_passwords_are_capped(db, program):
    person = make_person(db, program, "Pat Long")
    with pytest.raises(Refused, match=f"at most {accounts.PASSWORD_MAX} characters"):
        accounts.check_new_password("horse-" * 60, personal=(person.full_name,))
