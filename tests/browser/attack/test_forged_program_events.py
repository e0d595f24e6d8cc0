"""Forged events against programs: creating, archiving, joining and choosing one.

The same harness as ``test_forged_events.py`` (the ``attack`` fixture: no
database change, no leak, no crash inside peerapp), with a few programs of its
own: one Oscar is not in, an archived one and a cohort without peer pairing.
Every case must be refused; a join or a choice that went through would change
the database and fail the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.browser.attack.conftest import Attack, handler, names
from tests.browser.attack.test_forged_events import BAD_IDS, BIG, toast_errors
from tests.support.reflex_ws import make_event

CASES = {}


def case(function):
    """Register a case under its function name."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


@dataclass(frozen=True)
class Programs:
    """Ids of the programs the cases aim at (Oscar is only in ``first``)."""

    first: int
    foreign: int  # open, evergreen; Oscar is not in it
    archived: int
    cohort: int  # open, peer mentorship off (as every new cohort)


@pytest.fixture(scope="session")
def program_scene(app_server, scene) -> Programs:
    """Made once, before any case's snapshot (session fixtures come first)."""
    from peerapp.clock import utcnow
    from peerapp.services import programs

    with app_server.db() as db:
        today = programs.today()
        foreign = programs.create_program(db, "Attack lab guild")
        archived = programs.create_program(db, "Attack lab archive")
        archived.archived_at = utcnow()
        db.add(archived)
        db.commit()
        cohort = programs.create_program(
            db, "Attack lab cohort", "cohort", starts_on=today, ends_on=today + timedelta(days=30)
        )
        return Programs(programs.default_program(db).id, foreign.id, archived.id, cohort.id)


def _refused(updates: list[dict], words: str) -> None:
    errors = toast_errors(updates)
    assert any(words in text for text in errors), errors


# --- creating and archiving: admins only ------------------------------------------

VALID_NEW = {"name": "Forged program", "description": "", "starts_on": "", "ends_on": ""}


@case
def case_create_program_as_employee(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    _refused(oscar.send(handler("new_program", "open_form")), "Only program admins")
    assert oscar.var(names()["new_program"], "open") is not True
    _refused(
        oscar.send(handler("new_program", "create"), {"form_data": VALID_NEW}),
        "Only admins can create programs",
    )
    oscar.send(handler("new_program", "set_kind"), {"value": "cohort"})
    for form in [
        {**VALID_NEW, "starts_on": "2031-01-01", "ends_on": "2031-02-01"},
        {**VALID_NEW, "kind": "evergreen", "actor_id": attack.scene.ids["vera"]},
        None,
        [VALID_NEW],
        {"name": "x" * BIG},
    ]:
        oscar.send(handler("new_program", "create"), {"form_data": form})
    oscar.send(handler("new_program", "create"), {"form_data": VALID_NEW, "is_admin": True})


@case
def case_new_program_kind_is_only_evergreen_or_cohort(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    for value in ("weekly", "", None, ["cohort"], "x" * BIG):
        oscar.send(handler("new_program", "set_kind"), {"value": value})
        assert oscar.var(names()["new_program"], "kind") in (None, "evergreen", "cohort")
    oscar.send(handler("new_program", "setvar"), {"var_name": "kind", "value": "weekly"})
    assert oscar.var(names()["new_program"], "kind") in (None, "evergreen", "cohort")


@case
def case_archive_program_as_employee(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    for program_id in (ids.first, ids.foreign, ids.cohort):
        _refused(
            oscar.send(handler("programs", "open_archive"), {"program_id": program_id}),
            "Only program admins",
        )
        assert oscar.var(names()["programs"], "archive_id") in (None, 0)
        oscar.send(handler("programs", "confirm_archive"))
    # No setter: Reflex refuses the name at its boundary.
    oscar.send(handler("programs", "setvar"), {"var_name": "archive_id", "value": ids.first})
    oscar.send(handler("programs", "confirm_archive"))
    oscar.send(handler("programs", "confirm_archive"), {"program_id": ids.first})


@case
def case_create_and_archive_signed_out(attack: Attack, ids: Programs):
    tab = attack.signed_out(pathname="/programs")
    tab.send(handler("new_program", "open_form"))
    tab.send(handler("new_program", "create"), {"form_data": VALID_NEW})
    tab.send(handler("programs", "open_archive"), {"program_id": ids.first})
    tab.send(handler("programs", "confirm_archive"))
    tab.send(handler("programs", "load"))
    assert not tab.var(names()["programs"], "mine")


@case
def case_archive_with_bad_ids(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    for value in BAD_IDS.values():
        oscar.send(handler("programs", "open_archive"), {"program_id": value})
        oscar.send(handler("programs", "work_in"), {"program_id": value})
        oscar.send(handler("join", "open_join"), {"program_id": value})
    assert oscar.var(names()["programs"], "archive_id") in (None, 0)
    assert oscar.var(names()["join"], "program_id") in (None, 0)


# --- joining ------------------------------------------------------------------------


@case
def case_join_with_roles_the_program_does_not_offer(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    oscar.send(handler("join", "open_join"), {"program_id": ids.cohort})
    assert oscar.var(names()["join"], "program_id") == ids.cohort
    join = handler("join", "join")
    _refused(oscar.send(join, {"form_data": {"peer": "on"}}), "does not offer the peer role")
    for form in [
        {"admin": "on", "roles": ["mentor"], "owner": "on"},
        {"mentor": "true", "mentee": True},
        None,
        ["mentor"],
        "mentor",
    ]:
        _refused(oscar.send(join, {"form_data": form}), "Choose at least one role")
    for form in [
        {"mentor": "on", "mentee_places": "99"},
        {"mentor": "on", "mentee_places": "-1"},
        {"mentor": "on", "peer_places": "1e3"},
        {"mentor": "on", "peer_places": "٣"},
        {"mentor": "on", "mentee_places": ["2"]},
    ]:
        _refused(oscar.send(join, {"form_data": form}), "whole number")


@case
def case_join_with_forged_program_ids(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    _refused(oscar.send(handler("join", "open_join"), {"program_id": ids.archived}), "is archived")
    _refused(oscar.send(handler("join", "open_join"), {"program_id": 987_654}), "does not exist")
    assert oscar.var(names()["join"], "program_id") in (None, 0)
    # Nothing open: a join goes nowhere, whatever it names.
    oscar.send(handler("join", "join"), {"form_data": {"mentor": "on", "program_id": ids.foreign}})
    oscar.send(handler("join", "join"), {"form_data": {"mentor": "on"}, "program_id": ids.foreign})
    oscar.send(handler("join", "setvar"), {"var_name": "program_id", "value": ids.foreign})
    oscar.send(handler("join", "join"), {"form_data": {"mentor": "on"}})


@case
def case_join_a_program_one_is_in_already(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/programs")
    oscar.send(handler("join", "open_join"), {"program_id": ids.first})
    _refused(
        oscar.send(handler("join", "join"), {"form_data": {"peer": "on", "mentor": "on"}}),
        "already",
    )


@case
def case_join_signed_out(attack: Attack, ids: Programs):
    tab = attack.signed_out(pathname="/programs")
    tab.send(handler("join", "open_join"), {"program_id": ids.foreign})
    tab.send(handler("join", "join"), {"form_data": {"peer": "on"}})
    assert tab.var(names()["join"], "program_id") in (None, 0)


# --- choosing the current program -------------------------------------------------

ODD_CHOICES = ["1 OR 1=1", "0", "-1", "", " 1", "1.0", "99999999999", "9" * 400, None, [], {}, True]


@case
def case_choose_a_program_one_is_not_in(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/directory")
    for program_id in (ids.foreign, ids.archived, ids.cohort, 987_654):
        _refused(
            oscar.send(handler("switcher", "choose"), {"value": str(program_id)}),
            "you are not in it",
        )
        _refused(
            oscar.send(handler("programs", "work_in"), {"program_id": program_id}),
            "you are not in it",
        )
    offered = [option["value"] for option in oscar.var(names()["switcher"], "options") or []]
    assert str(ids.foreign) not in offered


@case
def case_choose_with_odd_values(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/directory")
    for value in ODD_CHOICES:
        _refused(oscar.send(handler("switcher", "choose"), {"value": value}), "program")
    oscar.send(handler("switcher", "choose"), {"value": str(ids.foreign), "is_admin": True})
    oscar.send(handler("switcher", "setvar"), {"var_name": "options", "value": []})


@case
def case_program_link_to_a_program_one_is_not_in(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/directory")
    for value in (ids.foreign, ids.archived, "x", "9" * 400, f"{ids.first}&program={ids.foreign}"):
        event = make_event(handler("session", "require_sign_in"), pathname="/directory")
        # As a browser sends a link's query: in the path it shows, not in the route.
        event["router_data"]["asPath"] = f"/directory?program={value}"
        oscar.emit_event(event)
        _refused(oscar.settle(), "program")


@case
def case_choose_signed_out(attack: Attack, ids: Programs):
    tab = attack.signed_out(pathname="/directory")
    tab.send(handler("switcher", "choose"), {"value": str(ids.first)})
    tab.send(handler("programs", "work_in"), {"program_id": ids.first})
    assert not tab.var(names()["switcher"], "options")


# --- settings: the new switch and the themes ----------------------------------------


@case
def case_mentoring_switch_and_themes_as_employee(attack: Attack, ids: Programs):
    oscar = attack.signed_in(pathname="/admin/settings")
    oscar.send(handler("settings", "set_draft"), {"field": "mentoring_enabled", "value": False})
    oscar.send(handler("settings", "set_draft"), {"field": "themes", "value": "zq9 forged theme"})
    assert oscar.var(names()["settings"], "themes") in (None, "")
    _refused(oscar.send(handler("settings", "request_save")), "Only program admins")
    _refused(oscar.send(handler("settings", "save")), "Only program admins")


CASE_NAMES = sorted(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forged_event_is_refused(name: str, program_scene: Programs, attack: Attack):
    CASES[name](attack, program_scene)
