"""Single sign-on rules: verified email → active employee → one-time ticket → session."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from service_helpers import make_person, reload
from sqlmodel import Session, func, select

from peerapp.clock import frozen_at
from peerapp.models import Employee, SsoTicket, UserSession
from peerapp.services import Refused, sessions, sso

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def session_count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(UserSession)).one()


# ------------------------------------------------------------- who may come in


def test_verified_email_finds_the_employee_case_insensitively(db, people):
    found = sso.employee_for_email(db, "  ALICE.Archer@Example.com ", True)
    assert found.id == people["alice"].id


@pytest.mark.parametrize("verified", [False, None, "true", 1])
def test_an_unverified_email_is_refused(db, people, verified):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.issue_ticket(db, people["alice"].email, verified)
    assert refused.value.code == "unverified"
    assert "did not confirm your email" in str(refused.value)
    assert db.exec(select(func.count()).select_from(SsoTicket)).one() == 0


@pytest.mark.parametrize("email", [None, "", "   ", 42, "x" * 300])
def test_a_missing_or_malformed_email_is_refused(db, people, email):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.issue_ticket(db, email, True)
    assert refused.value.code == "unverified"


def test_an_unknown_email_is_refused_and_nobody_is_created(db, people):
    before = db.exec(select(func.count()).select_from(Employee)).one()
    with pytest.raises(sso.SsoRefused) as refused:
        sso.issue_ticket(db, "stranger@example.com", True)
    assert refused.value.code == "unknown"
    assert "no active peerapp account" in str(refused.value)
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Employee)).one() == before


def test_an_inactive_employee_is_refused_with_the_same_message(db, people):
    bob = people["bob"]
    bob.is_active = False
    db.add(bob)
    db.commit()
    with pytest.raises(sso.SsoRefused) as refused:
        sso.issue_ticket(db, bob.email, True)
    assert refused.value.code == "unknown"


def test_refusals_are_ordinary_refusals(db, people):
    with pytest.raises(Refused):
        sso.issue_ticket(db, "stranger@example.com", True)


# ------------------------------------------------------------- the ticket


def test_ticket_is_stored_hashed_and_lives_sixty_seconds(db, people):
    with frozen_at(NOON):
        ticket = sso.issue_ticket(db, people["carol"].email, True)
    row = db.exec(select(SsoTicket)).one()
    assert row.ticket_hash == hashlib.sha256(ticket.encode()).hexdigest()
    assert ticket not in row.ticket_hash
    assert row.employee_id == people["carol"].id
    assert sso.TICKET_SECONDS == 60
    assert row.expires_at - row.created_at == timedelta(seconds=60)
    assert row.used_at is None


def test_redeeming_a_ticket_opens_a_normal_session_for_that_person(db, people):
    ticket = sso.issue_ticket(db, people["dan"].email, True)
    token = sso.redeem_ticket(db, ticket, session_days=7)
    assert sessions.resolve_session(db, token).id == people["dan"].id
    stored = db.exec(select(UserSession)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert timedelta(days=6, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=7)
    assert db.exec(select(SsoTicket)).one().used_at is not None


def test_a_ticket_works_exactly_once(db, people):
    ticket = sso.issue_ticket(db, people["dan"].email, True)
    sso.redeem_ticket(db, ticket)
    with pytest.raises(sso.SsoRefused) as refused:
        sso.redeem_ticket(db, ticket)
    assert refused.value.code == "expired"
    assert session_count(db) == 1


def test_a_ticket_spent_through_another_connection_is_refused(db, engine, people):
    ticket = sso.issue_ticket(db, people["dan"].email, True)
    with Session(engine) as other:
        sso.redeem_ticket(other, ticket)
    with pytest.raises(sso.SsoRefused):
        sso.redeem_ticket(db, ticket)
    assert session_count(db) == 1


def test_a_ticket_expires_after_sixty_seconds(db, people):
    with frozen_at(NOON):
        ticket = sso.issue_ticket(db, people["eve"].email, True)
        fresh = sso.issue_ticket(db, people["eve"].email, True)
    with frozen_at(NOON + timedelta(seconds=59)):
        assert sessions.resolve_session(db, sso.redeem_ticket(db, fresh)) is not None
    with frozen_at(NOON + timedelta(seconds=60)), pytest.raises(sso.SsoRefused) as refused:
        sso.redeem_ticket(db, ticket)
    assert refused.value.code == "expired"
    assert session_count(db) == 1


@pytest.mark.parametrize("ticket", [None, "", 7, "not-a-ticket", "x" * 500, ["a"]])
def test_made_up_tickets_are_refused(db, people, ticket):
    sso.issue_ticket(db, people["alice"].email, True)
    with pytest.raises(sso.SsoRefused) as refused:
        sso.redeem_ticket(db, ticket)
    assert refused.value.code == "expired"
    assert session_count(db) == 0


def test_someone_deactivated_after_the_callback_gets_no_session(db, people):
    bob = people["bob"]
    ticket = sso.issue_ticket(db, bob.email, True)
    bob.is_active = False
    db.add(bob)
    db.commit()
    with pytest.raises(sso.SsoRefused) as refused:
        sso.redeem_ticket(db, ticket)
    assert refused.value.code == "unknown"
    assert session_count(db) == 0
    # The ticket stays spent: re-activating does not revive it.
    bob.is_active = True
    db.add(bob)
    db.commit()
    with pytest.raises(sso.SsoRefused):
        sso.redeem_ticket(db, ticket)


def test_old_tickets_are_swept_when_new_ones_are_issued(db, people):
    with frozen_at(NOON):
        sso.issue_ticket(db, people["alice"].email, True)
    with frozen_at(NOON + timedelta(days=2)):
        sso.issue_ticket(db, people["alice"].email, True)
    rows = db.exec(select(SsoTicket)).all()
    assert len(rows) == 1
    assert reload(db, SsoTicket, rows[0].id).created_at == NOON + timedelta(days=2)


def test_two_people_with_case_variants_cannot_both_match(db, program, people):
    # Emails are stored lower-case, so a second account in other case is refused up front.
    with pytest.raises(Refused):
        make_person(db, program, "Alice Again", email="Alice.Archer@example.com")


# ------------------------------------------------------------- messages from URLs


def test_only_known_codes_have_messages():
    assert sso.message_for("unknown") == sso.MESSAGES["unknown"]
    assert sso.message_for("<script>alert(1)</script>") == ""
    assert sso.message_for(None) == ""
    assert sso.message_for(["unknown"]) == ""


# ------------------------------------------------------------- two servers at once


@pytest.fixture
def shared_engine(engine, tmp_path):
    """An engine several threads can share: PostgreSQL, or a SQLite file (not memory)."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    from sqlmodel import SQLModel

    from peerapp.db import make_engine

    file_engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    SQLModel.metadata.create_all(file_engine)
    yield file_engine
    file_engine.dispose()


def test_a_ticket_presented_twice_at_once_opens_one_session(shared_engine):
    import threading

    from peerapp.services import programs

    with Session(shared_engine) as db:
        person = make_person(db, programs.default_program(db), "Racy Rita")
        ticket = sso.issue_ticket(db, person.email, True)

    racers = 4
    start = threading.Barrier(racers, timeout=30)
    outcomes: list[str] = []

    def redeem() -> None:
        with Session(shared_engine) as db:
            start.wait()
            try:
                sso.redeem_ticket(db, ticket)
                outcomes.append("session")
            except sso.SsoRefused as refused:
                outcomes.append(refused.code)

    threads = [threading.Thread(target=redeem) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["expired"] * (racers - 1) + ["session"]
    with Session(shared_engine) as db:
        assert session_count(db) == 1


def test_redeeming_a_ticket_revokes_the_session_the_browser_held(db, people):
    alice = people["alice"]
    before = sessions.start_session(db, alice.id)
    ticket = sso.issue_ticket(db, alice.email, True)
    after = sso.redeem_ticket(db, ticket, previous_token=before)
    assert sessions.resolve_session(db, before) is None
    assert sessions.resolve_session(db, after).id == alice.id


def test_redeeming_a_ticket_revokes_a_previous_session_held_as_its_digest(db, people):
    alice = people["alice"]
    before = sessions.start_session(db, alice.id)
    ticket = sso.issue_ticket(db, alice.email, True)
    sso.redeem_ticket(db, ticket, previous_token=sessions.session_digest(before))
    assert sessions.resolve_session(db, before) is None
