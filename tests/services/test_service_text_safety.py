"""Text that would break the app downstream is refused where it enters, with a clear message."""

from __future__ import annotations

import pytest
from service_helpers import make_person, send

from peerapp.services import Refused, pairings, profiles, requests, validation
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
