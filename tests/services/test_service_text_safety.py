"""Text that would break the app downstream is refused where it enters, with a clear message."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from service_helpers import make_person, reload, send

from peerapp.models import Pairing, PeerRequest
from peerapp.services import Refused, pairings, profiles, programs, requests, validation
from tests.browser.xss_payloads import PAYLOADS, REFUSED

REFLEX_TAGS = [p for p in REFUSED if "reflex.Var" in p]
LONE_SURROGATE = next(p for p in REFUSED if "\ud800" in p)


@pytest.mark.parametrize("value", REFLEX_TAGS)
def test_reflex_var_tag_is_refused_in_every_text_field(db, program, people, value):
    alice, bob = people["alice"], people["bob"]
    form = {
        "full_name": "Alice Archer",
        "job_title": "",
        "department": "",
        "location": "",
        "bio": "",
        "skills": "",
        "learning_goals": "",
        "roles": ["peer"],
    }
    for field in ("full_name", "job_title", "department", "location", "bio", "skills"):
        with pytest.raises(Refused, match="cannot contain a “reflex.Var” tag") as refused:
            profiles.update_profile(
                db, program_id=program.id, actor_id=alice.id, **{**form, field: value}
            )
        # The refusal is shown in a toast, so it must not carry the tag itself.
        assert validation.REFLEX_VAR_TAG not in refused.value.message
    with pytest.raises(Refused, match="Message cannot contain"):
        requests.send_request(
            db, program_id=program.id, sender_id=alice.id, recipient_id=bob.id, message=value
        )
    request_id = send(db, program, alice, bob).id
    with pytest.raises(Refused, match="Reason cannot contain"):
        requests.decline_request(db, request_id=request_id, actor_id=bob.id, reason=value)
    accepted = requests.accept_request(db, request_id=request_id, actor_id=bob.id)
    with pytest.raises(Refused, match="Feedback cannot contain"):
        pairings.end_pairing(
            db,
            pairing_id=accepted.pairing.id,
            actor_id=bob.id,
            outcome="completed",
            feedback=value,
        )


def test_lone_surrogates_are_refused_not_a_database_error(db, program, people):
    with pytest.raises(Refused, match="Bio contains characters that cannot be saved"):
        profiles.update_profile(
            db,
            program_id=program.id,
            actor_id=people["alice"].id,
            full_name="Alice Archer",
            job_title="",
            department="",
            location="",
            bio=LONE_SURROGATE,
            skills="",
            learning_goals="",
            roles=["peer"],
        )
    with pytest.raises(Refused):
        make_person(db, program, LONE_SURROGATE)


def test_display_text_keeps_ordinary_names_and_drops_unusable_ones():
    assert validation.display_text("  Bob <b>Baker</b> ", 120) == "Bob <b>Baker</b>"
    assert validation.display_text(REFLEX_TAGS[0], 120) == ""
    assert validation.display_text(LONE_SURROGATE, 120) == ""
    assert validation.display_text(["Bob"], 120) == ""


@pytest.mark.parametrize("payload", PAYLOADS[:20])
def test_hostile_markup_is_stored_as_typed(db, program, people, payload):
    """Markup is not "sanitised" away: it is kept, and the pages show it as text."""
    change = profiles.update_profile(
        db,
        program_id=program.id,
        actor_id=people["alice"].id,
        full_name=payload[:120],
        job_title="",
        department="",
        location="",
        bio=payload,
        skills="",
        learning_goals="",
        roles=["peer"],
    )
    assert change.profile.bio == payload.strip()
    assert change.profile.full_name == payload[:120].strip()


# --- invisible characters: a name must read as what it is -------------------------------

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
INVISIBLE = [
    *BIDI,
    "\u200b",  # zero width space
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u180e",  # Mongolian vowel separator
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler (a "letter" that draws nothing)
    "\U000e0041",  # tag character (hidden ASCII)
    "\x85",  # next line (C1 control)
    "\u2028",  # line separator
]


def _form(**changes) -> dict:
    return {
        "full_name": "Alice Archer",
        "job_title": "",
        "department": "",
        "location": "",
        "bio": "",
        "skills": "",
        "learning_goals": "",
        "roles": ["peer"],
        **changes,
    }


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_removed_from_every_displayed_field(db, program, people, char):
    alice, bob = people["alice"], people["bob"]
    looks = {
        "full_name": f"Priya{char} Raman",
        "job_title": f"Staff{char} Engineer",
        "department": f"{char}Engineering",
        "location": f"Lon{char}don",
        "bio": f"Hi{char}!",
        "skills": f"Py{char}thon, Go",
        "learning_goals": f"Rust{char}",
    }
    change = profiles.update_profile(db, program_id=program.id, actor_id=alice.id, **_form(**looks))
    shown = change.profile
    assert (shown.full_name, shown.job_title, shown.department, shown.location) == (
        "Priya Raman",
        "Staff Engineer",
        "Engineering",
        "London",
    )
    assert (shown.bio, shown.skills, shown.learning_goals) == ("Hi!", "Python, Go", "Rust")

    request = requests.send_request(
        db, program_id=program.id, sender_id=alice.id, recipient_id=bob.id, message=f"A{char}B"
    ).request
    assert reload(db, PeerRequest, request.id).message == "AB"
    requests.decline_request(db, request_id=request.id, actor_id=bob.id, reason=f"No{char} time")
    assert reload(db, PeerRequest, request.id).close_reason == "No time"
    accepted = requests.accept_request(
        db, request_id=send(db, program, people["carol"], alice).id, actor_id=alice.id
    )
    pairings.end_pairing(
        db,
        pairing_id=accepted.pairing.id,
        actor_id=alice.id,
        outcome="completed",
        feedback=f"Good{char}",
    )
    assert reload(db, Pairing, accepted.pairing.id).end_feedback == "Good"
    assert programs.create_program(db, f"Cohort{char} 2027").name == "Cohort 2027"


def test_a_right_to_left_override_cannot_spell_another_name(db, program, people):
    # "\u202enamaR ayirP" displays as "Priya Raman" in a browser.
    change = profiles.update_profile(
        db,
        program_id=program.id,
        actor_id=people["alice"].id,
        **_form(full_name="\u202enamaR ayirP\u202c"),
    )
    assert change.profile.full_name == "namaR ayirP"


def test_one_line_fields_collapse_runs_of_spaces_and_line_breaks(db, program, people):
    change = profiles.update_profile(
        db,
        program_id=program.id,
        actor_id=people["alice"].id,
        **_form(full_name="Priya \u00a0 Raman", job_title="Staff\nEngineer", bio="Line 1\nLine 2"),
    )
    assert change.profile.full_name == "Priya Raman"
    assert change.profile.job_title == "Staff Engineer"
    assert change.profile.bio == "Line 1\nLine 2"  # several lines are the point of a bio


@pytest.mark.parametrize(
    "kept",
    [
        "👩\u200d💻 Dev",  # emoji ZWJ sequence
        "👨🏽\u200d👩🏽\u200d👧🏽",  # family with skin tones
        "🏳\ufe0f\u200d🌈",  # rainbow flag (variation selector + joiner)
        "I ❤\ufe0f Go",
        "Room 1\ufe0f\u20e3",  # keycap
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: the ZWNJ is spelling
        "\u0915\u094d\u200d\u0937",  # Devanagari with a ZWJ
        "\u845b\U000e0100\u57ce",  # ideographic variation selector in a Japanese name
        "José Müller",
        "Zoë 李 Øster",
    ],
)
def test_visible_text_is_kept_as_typed(kept):
    assert validation.text(kept, "Text", 120) == kept


def test_joiners_and_variation_selectors_between_latin_letters_are_removed():
    assert validation.text("Pri\u200dya Ra\u200cman\ufe0f", "Name", 120) == "Priya Raman"


def test_decomposed_letters_are_stored_composed():
    # "é" as e + combining accent and as one character look the same: store one form.
    assert validation.text("Rene\u0301e", "Name", 120) == "Renée"


def test_removing_invisible_characters_cannot_assemble_a_reflex_tag():
    with pytest.raises(Refused, match="cannot contain"):
        validation.text("<reflex\u200b.Var>", "Bio", 1000)


def test_a_value_far_over_the_limit_is_refused_without_cleaning_it():
    with pytest.raises(Refused, match=r"at most 120 characters \(it has 200000\)"):
        validation.text("\u202e" * 200_000, "Full name", 120)


@given(st.text(max_size=60))
def test_cleaned_text_has_no_bidi_controls_and_cleaning_is_stable(value):
    try:
        cleaned = validation.text(value, "Text", 200, one_line=True)
    except Refused:
        return
    assert not set(cleaned) & set(BIDI)
    assert not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in cleaned)
    assert validation.text(cleaned, "Text", 200, one_line=True) == cleaned


def test_an_account_made_from_the_console_keeps_single_spaces_in_its_one_line_fields(db, program):
    from peerapp.services import accounts

    employee = accounts.create_employee(
        db,
        email="spaced.out@example.com",
        full_name="Priya \n  Raman",
        password="a sturdy password for tests 1",
        job_title="Staff\tEngineer",
        department="Platform  Team",
        location=" Berlin ",
        program_id=program.id,
        roles={"peer"},
    )
    assert (employee.full_name, employee.job_title, employee.department, employee.location) == (
        "Priya Raman",
        "Staff Engineer",
        "Platform Team",
        "Berlin",
    )
