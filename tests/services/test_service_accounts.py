"""Accounts: creating employees, passwords, and signed-in sessions."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pwdlib import PasswordHash
from service_helpers import make_person, reload
from sqlmodel import Session, func, select

from peerapp import models
from peerapp.clock import frozen_at
from peerapp.models import Employee, Membership, UserSession
from peerapp.services import Refused, accounts, programs, sessions

PASSWORD = "correct horse battery staple"


def employee_count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Employee)).one()


def ids_with_email(db: Session, address: str) -> list[int]:
    return list(db.exec(select(Employee.id).where(func.lower(Employee.email) == address)).all())


# ---------------------------------------------------------------- create_employee


def test_create_employee_normalises_email_and_saves_roles(db, program):
    created = accounts.create_employee(
        db,
        email="  Ada.Lovelace@Example.COM ",
        full_name="  Ada Lovelace ",
        password=None,
        program_id=program.id,
        roles={"peer", "mentor"},
    )

    row = reload(db, Employee, created.id)
    assert row.email == "ada.lovelace@example.com"
    assert row.full_name == "Ada Lovelace"
    assert row.password_hash is None
    member = programs.membership(db, program.id, created.id)
    assert programs.roles_of(member) == ["mentor", "peer"]


@pytest.mark.parametrize("second", ["bob@example.com", "BOB@Example.com", "  Bob@EXAMPLE.com  "])
def test_create_employee_refuses_duplicate_email_case_insensitively(db, program, second):
    first = make_person(db, program, "Bob Builder", email="Bob@example.com")

    with pytest.raises(Refused, match="already exists"):
        make_person(db, program, "Another Bob", email=second)

    db.rollback()
    assert ids_with_email(db, "bob@example.com") == [first.id]
    assert employee_count(db) == 1


@pytest.mark.parametrize(
    "bad_email",
    [
        "not-an-email",
        "a@b",
        "two@@example.com",
        "a b@example.com",
        "",
        "   ",
        None,
        42,
        "x" * 250 + "@example.com",
    ],
)
def test_create_employee_refuses_invalid_email(db, bad_email):
    with pytest.raises(Refused, match="(?i)email"):
        accounts.create_employee(db, email=bad_email, full_name="Some One", password=None)

    db.rollback()
    assert employee_count(db) == 0


@pytest.mark.parametrize(
    ("field", "limit", "label"),
    [
        ("full_name", models.NAME_MAX, "Full name"),
        ("job_title", models.TEXT_SHORT, "Job title"),
        ("department", models.TEXT_SHORT, "Department"),
        ("location", models.TEXT_SHORT, "Location"),
        ("bio", models.BIO_MAX, "Bio"),
        ("skills", models.SKILLS_MAX, "Skills"),
        ("learning_goals", models.SKILLS_MAX, "Learning goals"),
    ],
)
def test_create_employee_refuses_too_long_fields(db, field, limit, label):
    values = {"full_name": "Some One", field: "y" * (limit + 1)}

    with pytest.raises(Refused) as refused:
        accounts.create_employee(db, email="some.one@example.com", password=None, **values)

    assert label in refused.value.message
    assert str(limit) in refused.value.message
    db.rollback()
    assert employee_count(db) == 0

    # Exactly at the limit is fine.
    values[field] = "y" * limit
    created = accounts.create_employee(db, email="some.one@example.com", password=None, **values)
    assert len(getattr(reload(db, Employee, created.id), field)) == limit


def test_create_employee_requires_a_name(db):
    with pytest.raises(Refused, match="(?i)full name.*required"):
        accounts.create_employee(db, email="nobody@example.com", full_name="  ", password=None)
    db.rollback()
    assert employee_count(db) == 0


def test_refused_roles_leave_no_half_created_employee(db, program):
    with pytest.raises(Refused, match="(?i)roles"):
        accounts.create_employee(
            db,
            email="half@example.com",
            full_name="Half Made",
            password=None,
            program_id=program.id,
            roles={"peer", "wizard"},
        )

    # The same session carries on (as a console loop or a later action would):
    # nothing of the refused call may be written by the next commit.
    db.commit()
    assert employee_count(db) == 0
    assert db.exec(select(func.count()).select_from(Membership)).one() == 0
    # And the address is still free.
    retry = make_person(db, program, "Half Made", email="half@example.com")
    assert reload(db, Employee, retry.id).email == "half@example.com"


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize("short", ["", "a", "123456789", " " * 9, "tulip-ocean"])
def test_passwords_shorter_than_minimum_are_refused(db, short):
    assert len(short) < accounts.PASSWORD_MIN

    with pytest.raises(Refused, match=f"at least {accounts.PASSWORD_MIN}"):
        accounts.create_employee(db, email="p@example.com", full_name="P W", password=short)

    db.rollback()
    assert employee_count(db) == 0


def test_password_of_exactly_minimum_length_is_accepted_and_stored_hashed(db):
    password = "tulip-ocean7"
    assert len(password) == accounts.PASSWORD_MIN
    created = accounts.create_employee(
        db, email="p@example.com", full_name="P W", password=password
    )

    row = reload(db, Employee, created.id)
    assert row.password_hash and password not in row.password_hash
    assert accounts.authenticate(db, "p@example.com", password).id == created.id


def test_password_that_is_not_text_is_refused(db):
    with pytest.raises(Refused, match="(?i)password"):
        accounts.create_employee(db, email="p@example.com", full_name="P W", password=1234567890)
    db.rollback()
    assert employee_count(db) == 0


# ---------------------------------------------------------------- authenticate


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once per run: hashing is deliberately slow."""
    return PasswordHash.recommended().hash(PASSWORD)


@pytest.fixture
def ada(db, program) -> Employee:
    """An employee whose password is PASSWORD (hash reused across tests for speed)."""
    person = make_person(db, program, "Ada Lovelace", email="ada@example.com")
    person.password_hash = password_hash()
    db.add(person)
    db.commit()
    return person


def test_account_created_with_password_can_sign_in(db, program):
    created = make_person(db, program, "Ada Lovelace", email="ada@example.com", password=PASSWORD)
    assert created.password_hash and PASSWORD not in created.password_hash
    assert accounts.authenticate(db, "ada@example.com", PASSWORD).id == created.id
    assert accounts.authenticate(db, "ada@example.com", PASSWORD[:-1]) is None


@pytest.mark.parametrize("typed_email", ["ada@example.com", "  ADA@Example.com "])
def test_authenticate_succeeds_with_the_right_password(db, ada, typed_email):
    signed_in = accounts.authenticate(db, typed_email, PASSWORD)
    assert signed_in is not None
    assert signed_in.id == ada.id


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", PASSWORD + "!"),
        ("ada@example.com", PASSWORD.upper()),
        ("ada@example.com", ""),
        ("nobody@example.com", PASSWORD),
        ("", PASSWORD),
        (None, PASSWORD),
        ("ada@example.com", None),
        (["ada@example.com"], PASSWORD),
        ("ada@example.com", 12345678901),
        ("ada@example.com", PASSWORD + "x" * accounts.PASSWORD_MAX),
    ],
)
def test_authenticate_returns_none_for_wrong_credentials(db, ada, email, password):
    assert accounts.authenticate(db, email, password) is None


def test_authenticate_returns_none_for_inactive_employee(db, ada):
    assert accounts.authenticate(db, "ada@example.com", PASSWORD) is not None
    ada.is_active = False
    db.add(ada)
    db.commit()

    assert accounts.authenticate(db, "ada@example.com", PASSWORD) is None


def test_authenticate_returns_none_for_account_without_password(db, program):
    make_person(db, program, "No Password", email="nopass@example.com")
    assert accounts.authenticate(db, "nopass@example.com", PASSWORD) is None
    assert accounts.authenticate(db, "nopass@example.com", "") is None


# ---------------------------------------------------------------- sessions


def test_session_token_resolves_to_its_employee_until_ended(db, program, ada):
    other = make_person(db, program, "Grace Hopper")
    token = sessions.start_session(db, ada.id)
    other_token = sessions.start_session(db, other.id)
    assert token != other_token

    assert sessions.resolve_session(db, token).id == ada.id
    assert sessions.resolve_session(db, other_token).id == other.id

    sessions.end_session(db, token)

    assert sessions.resolve_session(db, token) is None
    # Ending one session leaves the other signed in.
    assert sessions.resolve_session(db, other_token).id == other.id
    # Ending twice, or ending rubbish, is harmless.
    sessions.end_session(db, token)
    sessions.end_session(db, "no-such-token")
    sessions.end_session(db, None)
    assert sessions.resolve_session(db, token) is None


def test_each_session_of_the_same_person_is_separate(db, ada):
    phone = sessions.start_session(db, ada.id)
    laptop = sessions.start_session(db, ada.id)

    sessions.end_session(db, phone)

    assert sessions.resolve_session(db, phone) is None
    assert sessions.resolve_session(db, laptop).id == ada.id


@pytest.mark.parametrize("token", [None, "", 123, "not-a-real-token", "x" * 500])
def test_resolve_session_rejects_unknown_or_malformed_tokens(db, ada, token):
    sessions.start_session(db, ada.id)
    assert sessions.resolve_session(db, token) is None


def test_session_resolves_with_the_default_program_in_one_query(db, program, ada):
    later = programs.create_program(db, "Spring cohort").id
    first, ada_id = program.id, ada.id
    token = sessions.start_session(db, ada_id)
    statements = []
    sa.event.listen(
        db.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    employee, program_id = sessions.resolve_session_in_program(db, token)
    assert (employee.id, program_id) == (ada_id, first)
    assert program_id != later
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
    sessions.end_session(db, token)
    assert sessions.resolve_session_in_program(db, token) is None


@pytest.mark.parametrize("token", [None, "", 123, "not-a-real-token", "x" * 500])
def test_resolve_session_in_program_rejects_unknown_or_malformed_tokens(db, ada, token):
    sessions.start_session(db, ada.id)
    assert sessions.resolve_session_in_program(db, token) is None


def test_session_expires(db, ada):
    start = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    with frozen_at(start):
        token = sessions.start_session(db, ada.id, days=2)
        assert sessions.resolve_session(db, token).id == ada.id

    with frozen_at(start + timedelta(days=2) - timedelta(minutes=1)):
        assert sessions.resolve_session(db, token).id == ada.id

    with frozen_at(start + timedelta(days=2, minutes=1)):
        assert sessions.resolve_session(db, token) is None

    with frozen_at(start + timedelta(days=400)):
        assert sessions.resolve_session(db, token) is None


def test_session_does_not_resolve_for_inactive_employee(db, ada):
    token = sessions.start_session(db, ada.id)
    assert sessions.resolve_session(db, token) is not None

    ada.is_active = False
    db.add(ada)
    db.commit()

    assert sessions.resolve_session(db, token) is None


def test_only_a_hash_of_the_session_token_is_stored(db, ada):
    token = sessions.start_session(db, ada.id)

    rows = db.execute(sa.select(UserSession.__table__)).mappings().all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0].values())
    assert token not in stored
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert rows[0]["employee_id"] == ada.id
