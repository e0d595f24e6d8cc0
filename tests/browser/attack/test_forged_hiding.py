"""Forged hide and show-again events over raw sockets: for someone else, with ids that are not ids.

Before each case Vera has hidden Walt (a row Oscar must never be able to
remove), then the ``attack`` fixture snapshots the database. Each case is one
more parametrised ``test_forged_event_is_refused``, counted in the attack
suite's summary line, under the same checks: database unchanged, nothing
private reached any socket, no crash in peerapp.
"""

from __future__ import annotations

import pytest

from tests.browser.attack.conftest import Attack, handler
from tests.browser.attack.test_forged_events import BAD_IDS, toast_errors

CASES = {}
# Every handler that takes a person's id from the browser.
HANDLERS = ("hide", "undo_hide", "show_again")


def case(function):
    """Register a case under its function name."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


@pytest.fixture
def vera_hides_walt(app_server, scene) -> None:
    """Vera's own choice, made through the service before the case's snapshot."""
    from peerapp.services import hiding

    with app_server.db() as db:
        hiding.hide(db, viewer_id=scene.ids["vera"], person_id=scene.ids["walt"])


def _refusals(tab, method: str, payload: dict) -> list[str]:
    return toast_errors(tab.send(handler("hidden", method), payload))


@case
def case_show_again_someone_another_person_hid(attack: Attack):
    oscar = attack.signed_in(pathname="/profile")
    for method in ("undo_hide", "show_again"):
        oscar.send(handler("hidden", method), {"person_id": attack.scene.ids["walt"]})


@case
def case_hide_or_show_with_a_forged_viewer_argument(attack: Attack):
    oscar = attack.signed_in(pathname="/profile")
    ids = attack.scene.ids
    for method in HANDLERS:
        for forged in ("viewer_id", "actor_id", "employee_id"):
            oscar.send(handler("hidden", method), {"person_id": ids["walt"], forged: ids["vera"]})


@case
def case_hide_for_someone_else_through_their_id_as_the_person(attack: Attack):
    """The only id a handler takes is whom to hide: Vera's id hides Vera, for Oscar, or nothing."""
    oscar = attack.signed_in(pathname="/profile")
    oscar.send(handler("hidden", "show_again"), {"person_id": attack.scene.ids["oscar"]})
    assert any(
        "can't hide yourself" in text
        for text in _refusals(oscar, "hide", {"person_id": attack.scene.ids["oscar"]})
    )


@case
def case_hide_someone_who_does_not_exist(attack: Attack):
    oscar = attack.signed_in(pathname="/profile")
    assert any(
        "not in the directory" in text for text in _refusals(oscar, "hide", {"person_id": 987_654})
    )
    assert any(
        "does not exist" in text for text in _refusals(oscar, "show_again", {"person_id": 987_654})
    )


@case
def case_hide_and_show_again_signed_out(attack: Attack):
    tab = attack.signed_out(pathname="/profile")
    for method in HANDLERS:
        tab.send(handler("hidden", method), {"person_id": attack.scene.ids["nina"]})
    tab.send(handler("hidden", "load"))


@case
def case_missing_or_positional_arguments(attack: Attack):
    oscar = attack.signed_in(pathname="/profile")
    for method in HANDLERS:
        oscar.send(handler("hidden", method), {})
        oscar.send(handler("hidden", method), {"id": attack.scene.ids["nina"]})


@case
def case_setvar_a_forged_list_then_show_again(attack: Attack):
    """A list the tab made up is only a display: the service reads the database."""
    oscar = attack.signed_in(pathname="/profile")
    walt = attack.scene.ids["walt"]
    oscar.send(
        handler("hidden", "setvar"),
        {"var_name": "people", "value": [{"id": walt, "full_name": "Walt", "about": ""}]},
    )
    oscar.send(handler("hidden", "show_again"), {"person_id": walt})


def _bad_id_case(kind: str, value):
    def run(attack: Attack):
        oscar = attack.signed_in(pathname="/profile")
        for method in HANDLERS:
            refusals = _refusals(oscar, method, {"person_id": value})
            # Reflex itself turns text into an int for ``person_id: int`` or refuses it at
            # its boundary; anything else reaches the service, which says what is wrong.
            if not isinstance(value, str):
                assert any("That person is not valid." in text for text in refusals), (
                    method,
                    value,
                )

    run.__name__ = f"case_hide_bad_id_{kind}"
    return run


for _kind, _value in BAD_IDS.items():
    case(_bad_id_case(_kind, _value))


CASE_NAMES = sorted(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forged_event_is_refused(name: str, vera_hides_walt, attack: Attack):
    CASES[name](attack)
