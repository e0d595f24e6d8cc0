"""Programs in words, links that name a program, and ids read from a select or a URL."""

from __future__ import annotations

from datetime import date

import pytest

from peerapp import routes
from peerapp.state import program_wording as words
from peerapp.state.switcher import program_id_in


def test_a_cohort_reads_as_its_two_days_and_an_evergreen_program_as_nothing():
    assert words.program_dates(date(2031, 3, 1), date(2031, 6, 30)) == "1 March 2031 – 30 June 2031"
    assert words.program_dates(None, None) == ""
    assert words.program_kind("cohort") == "Cohort"
    assert words.program_kind("evergreen") == "Evergreen"


@pytest.mark.parametrize(
    ("archived", "closed", "badge"),
    [(True, True, "Archived"), (False, True, "Ended"), (False, False, "")],
)
def test_a_closed_program_says_why(archived, closed, badge):
    assert words.program_status(archived, closed) == badge


def test_roles_and_pairing_types():
    assert words.roles_held(["mentor", "peer"]) == "Mentor · Peer"
    assert words.roles_held([]) == ""
    assert words.pairing_types(True, True) == "Peer mentorship · Mentor–mentee"
    assert words.pairing_types(False, True) == "Mentor–mentee"
    assert words.pairing_types(False, False) == "No pairing open right now"
    assert words.members(1) == "1 member"


def test_the_question_before_switching_off_names_only_what_goes_off():
    title, text, _ = words.switching_off(peer=False, mentoring=True)
    assert title == "Turn off mentor–mentee pairing?"
    assert "pending mentoring request" in text and "Peer mentorship is not affected" in text
    title, text, _ = words.switching_off(peer=True, mentoring=False)
    assert title == "Turn off peer mentorship?"
    assert "Mentor–mentee pairing is not affected" in text
    title, _, _ = words.switching_off(peer=True, mentoring=True)
    assert title == "Turn off peer mentorship and mentor–mentee pairing?"


def test_archiving_says_for_how_many_people_requests_were_cancelled():
    assert words.program_archived("Guild", 0) == "Guild archived."
    assert words.program_archived("Guild", 1).endswith("cancelled for 1 person.")


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("12", 12),
        ("0", 0),
        ("12345678901", "12345678901"),  # longer than any id: left for the service to refuse
        ("١٢", "١٢"),  # digits of another script are not an id
        (" 12", " 12"),
        ("-3", "-3"),
        (12, 12),
        (None, None),
        (["12"], ["12"]),
    ],
)
def test_only_ascii_digits_become_a_program_id(sent, read):
    assert program_id_in(sent) == read


def test_a_path_from_a_browser_maps_to_a_known_page():
    assert routes.signed_in_page("/inbox") == routes.INBOX
    assert routes.signed_in_page("/admin/settings/") == routes.SETTINGS
    for path in ("//evil.example", "https://evil.example/", "/login", "", "/programs/../x"):
        assert routes.signed_in_page(path) == routes.DIRECTORY
