"""Forged mentoring events over raw sockets: the wrong roles, forged kinds, notes and themes.

Oscar and everyone in the attack scene are peers only: no one is a mentor or
a mentee, so every mentoring request below must be refused. Each is one more
parametrised ``test_forged_event_is_refused`` case, counted in the attack
suite's summary line, under the same ``attack`` checks (database unchanged,
nothing private reached any socket, no crash in peerapp).
"""

from __future__ import annotations

import pytest

from tests.browser.attack.conftest import Attack, handler
from tests.browser.attack.test_forged_events import BIG, toast_errors

CASES = {}


def case(function):
    """Register a case under its function name."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


@case
def case_ask_a_non_mentor_to_mentor_me(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    updates = oscar.send(
        handler("directory", "ask_mentor"), {"recipient_id": attack.scene.ids["nina"]}
    )
    assert any("mentee role" in text for text in toast_errors(updates))


@case
def case_offer_to_mentor_a_non_mentee(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    updates = oscar.send(
        handler("directory", "offer_mentoring"), {"recipient_id": attack.scene.ids["nina"]}
    )
    assert any("mentor role" in text for text in toast_errors(updates))


@case
def case_forge_the_request_kind_as_an_extra_argument(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    for extra in ({"as_role": "mentor"}, {"kind": "mentoring"}, {"mentor_id": 1}):
        oscar.send(
            handler("directory", "request_peer"),
            {"recipient_id": attack.scene.ids["nina"], **extra},
        )


@case
def case_note_to_someone_not_on_the_page(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    for forged in (987_654, attack.scene.ids["oscar"], "1 OR 1=1", None, [1]):
        oscar.send(handler("directory", "open_note"), {"recipient_id": forged})
        oscar.send(handler("directory", "send_note"))


FORGED_ROLES = {"admin": "admin", "empty": "", "none": None, "number": 3, "list": ["mentor"]}


def _forged_note_role(kind: str, value):
    def run(attack: Attack):
        oscar = attack.signed_in(pathname="/directory")
        oscar.send(handler("directory", "load"))
        oscar.send(handler("directory", "open_note"), {"recipient_id": attack.scene.ids["nina"]})
        oscar.send(handler("directory", "set_note_role"), {"value": value})
        oscar.send(handler("directory", "send_note"))

    run.__name__ = f"case_note_with_forged_pairing_{kind}"
    return run


for _kind, _value in FORGED_ROLES.items():
    case(_forged_note_role(_kind, _value))


@case
def case_note_with_themes_the_program_does_not_have(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    oscar.send(handler("directory", "load"))
    oscar.send(handler("directory", "open_note"), {"recipient_id": attack.scene.ids["nina"]})
    for theme in ("Not a theme", "x" * BIG, None, ["a", "b"], {"t": 1}):
        oscar.send(handler("directory", "toggle_note_theme"), {"theme": theme})
    oscar.send(handler("directory", "set_note_text"), {"value": "y" * BIG})
    oscar.send(handler("directory", "set_note_text"), {"value": {"html": "<b>"}})
    oscar.send(handler("directory", "send_note"))


@case
def case_directory_tab_that_does_not_exist(attack: Attack):
    oscar = attack.signed_in(pathname="/directory")
    for value in ("admins", "' OR 1=1 --", None, 7, "x" * BIG):
        oscar.send(handler("directory", "set_filter"), {"part": "show", "value": value})


CASE_NAMES = sorted(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forged_event_is_refused(name: str, attack: Attack):
    CASES[name](attack)
