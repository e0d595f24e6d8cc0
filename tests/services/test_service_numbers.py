"""Whole numbers typed in forms: one strict reader in the services, used after the admin check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifecycle_helpers import save_profile
from sqlmodel import select

from peerapp import models
from peerapp.models import Membership, Program
from peerapp.services import Refused, admin, validation

# Digits int() and str.isdigit() accept but a person cannot mean as a capacity.
NOT_ASCII_DIGITS = ["³", "⁵", "²", "٣", "৫", "１", "𝟓", "½", "Ⅻ"]
MALFORMED = ["", " ", "-1", "+3", "3.0", "1e3", "0x10", "3 4", "1_000", "∞", "NaN", "9" * 5000]


@pytest.mark.parametrize("typed", NOT_ASCII_DIGITS + MALFORMED)
def test_typed_text_that_is_not_ascii_digits_is_refused_clearly(typed):
    with pytest.raises(Refused) as refused:
        validation.whole_number(typed, "Capacity", 0, 20)
    assert refused.value.message == "Capacity must be a whole number from 0 to 20."


@pytest.mark.parametrize(("typed", "number"), [("0", 0), ("7", 7), (" 20 ", 20), ("007", 7)])
def test_typed_ascii_digits_in_range_are_read(typed, number):
    assert validation.whole_number(typed, "Capacity", 0, 20) == number


@pytest.mark.parametrize("value", [True, False, 2.0, None, [3], {"n": 3}, -1, 21, 10**40])
def test_values_that_are_not_an_int_in_range_are_refused(value):
    with pytest.raises(Refused, match="Capacity must be a whole number from 0 to 20"):
        validation.whole_number(value, "Capacity", 0, 20)


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none()))
def test_any_input_is_a_number_in_range_or_a_refusal_never_an_exception(value):
    try:
        number = validation.whole_number(value, "Limit", 1, 50)
    except Refused as refused:
        assert refused.message == "Limit must be a whole number from 1 to 50."
    else:
        assert type(number) is int and 1 <= number <= 50
        assert isinstance(value, int) or value.strip().isascii()


@given(st.integers(min_value=0, max_value=20))
def test_every_number_in_range_reads_back_from_its_text(number):
    assert validation.whole_number(str(number), "Capacity", 0, 20) == number
    assert validation.whole_number(number, "Capacity", 0, 20) == number


# --- where forms send them ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["³", "⁵", "9" * 5000])
def test_profile_capacity_typed_with_other_digits_is_refused_and_nothing_saved(
    db, program, people, typed
):
    alice = people["alice"]
    with pytest.raises(Refused, match="Capacity must be a whole number from 0 to 20"):
        save_profile(db, program, alice, capacity=typed, job_title="Changed")
    db.expire_all()
    assert db.get(models.Employee, alice.id).job_title != "Changed"


def test_profile_capacity_typed_as_digits_is_saved(db, program, people):
    alice = people["alice"]
    assert save_profile(db, program, alice, capacity="5").profile.capacity == 5
    db.expire_all()
    member = db.exec(select(Membership).where(Membership.employee_id == alice.id)).one()
    assert member.capacity == 5


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "٣"])
def test_settings_typed_with_other_digits_are_refused(db, program, people, typed):
    boss = people["admin"]
    for field, label in (
        ("open_request_limit", "Open-request limit"),
        ("request_expiry_days", "Days before a request expires"),
    ):
        with pytest.raises(Refused, match=f"{label} must be a whole number"):
            admin.update_program_settings(
                db,
                actor_id=boss.id,
                program_id=program.id,
                peer_mentorship_enabled=True,
                **{field: typed},
            )


def test_settings_typed_as_digits_are_saved(db, program, people):
    change = admin.update_program_settings(
        db,
        actor_id=people["admin"].id,
        program_id=program.id,
        peer_mentorship_enabled=True,
        open_request_limit="9",
        request_expiry_days=" 21",
    )
    assert (change.program.open_request_limit, change.program.request_expiry_days) == (9, 21)


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "x", "5"])
def test_a_non_admin_is_refused_as_a_non_admin_whatever_the_numbers(db, program, people, typed):
    """Authorisation comes first: a non-admin learns nothing about the number rules."""
    with pytest.raises(Refused, match="Only program admins"):
        admin.update_program_settings(
            db,
            actor_id=people["alice"].id,
            program_id=program.id,
            peer_mentorship_enabled=True,
            open_request_limit=typed,
            request_expiry_days=typed,
        )
    db.expire_all()
    assert db.get(Program, program.id).open_request_limit == models.DEFAULT_OPEN_REQUEST_LIMIT
