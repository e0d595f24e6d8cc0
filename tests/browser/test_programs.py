"""Programs in Chromium: admins create them, people join them, the switcher and links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from peerapp.models import Employee, Membership, Program
from peerapp.services import admin, joining, programs
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _serious

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _new_program(app_server, name: str, **details) -> int:
    with app_server.db() as db:
        return admin.add_program(
            db, actor_id=app_server.person_id("admin"), name=name, **details
        ).id


def _join(app_server, program_id: int, key: str, then_work_in_first: bool = True) -> None:
    """``key`` joins as a peer (which makes the program theirs), then works in the first one."""
    person = app_server.person_id(key)
    with app_server.db() as db:
        joining.join_program(db, program_id=program_id, employee_id=person, roles=["peer"])
        if then_work_in_first:
            first = programs.default_program(db).id
            joining.choose_program(db, employee_id=person, program_id=first)


def _first_program_name(app_server) -> str:
    with app_server.db() as db:
        return programs.default_program(db).name


def _current_program(app_server, key: str) -> int | None:
    with app_server.db() as db:
        return db.get(Employee, app_server.person_id(key)).current_program_id


def _settled(page: Page) -> None:
    """Toasts slide in and fade out; axe reads their colours once they stand still."""
    page.wait_for_timeout(1_000)


def _card(page: Page, name: str):
    heading = page.get_by_role("heading", name=name, exact=True)
    return page.get_by_test_id("program-card").filter(has=heading)


def _switcher(page: Page):
    return page.get_by_role("combobox", name="Program")


def _create(page: Page, name: str):
    page.get_by_role("button", name="New program").click()
    dialog = page.get_by_role("dialog", name="New program")
    dialog.get_by_label("Program name").fill(name)
    return dialog


def _settings_of(page: Page, name: str) -> None:
    """Work in ``name`` from its card, then open its settings."""
    _card(page, name).get_by_role("button", name=f"Work in {name}").click()
    expect(_switcher(page)).to_have_text(name)
    expect(_card(page, name).get_by_test_id("current")).to_be_visible()
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_test_id("settings-program")).to_have_text(f"Program: {name}")


def test_an_admin_creates_an_evergreen_and_a_cohort_program(
    app_server, new_context, keep_current_programs
):
    page = sign_in(new_context(), app_server, "admin")
    page.get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Programs", level=1)).to_be_visible()

    dialog = _create(page, "Evergreen guild")
    dialog.get_by_label("Description").fill("Open all year, for everyone.")
    expect(dialog.get_by_role("radio", name=re.compile("^Evergreen"))).to_be_checked()
    expect(dialog.get_by_label("Start date")).to_have_count(0)
    dialog.get_by_role("button", name="Create program").click()
    expect(dialog).to_have_count(0)
    expect(_card(page, "Evergreen guild")).to_contain_text("Open all year, for everyone.")
    _settings_of(page, "Evergreen guild")
    expect(page.get_by_role("switch", name="Peer mentorship")).to_be_checked()
    expect(page.get_by_role("switch", name="Mentor–mentee pairing")).to_be_checked()

    page.get_by_role("link", name="Programs").click()
    dialog = _create(page, "Spring cohort")
    cohort = dialog.get_by_role("radio", name=re.compile("^Cohort"))
    cohort.click()
    expect(cohort).to_be_checked()
    dialog.get_by_label("Start date").fill("2031-06-30")
    dialog.get_by_label("End date").fill("2031-03-01")
    dialog.get_by_role("button", name="Create program").click()
    # Refused in the dialog itself, with everything still as typed.
    refusal = "A cohort program cannot end before it starts."
    expect(dialog.get_by_role("alert")).to_have_text(refusal)
    expect(dialog.get_by_label("Program name")).to_have_value("Spring cohort")
    expect(dialog.get_by_label("Start date")).to_have_value("2031-06-30")
    dialog.get_by_label("End date").fill("2031-09-30")
    dialog.get_by_role("button", name="Create program").click()
    expect(dialog).to_have_count(0)
    expect(_card(page, "Spring cohort")).to_contain_text("30 June 2031 – 30 September 2031")
    _settings_of(page, "Spring cohort")
    expect(page.get_by_role("switch", name="Peer mentorship")).not_to_be_checked()
    expect(page.get_by_role("switch", name="Mentor–mentee pairing")).to_be_checked()


def test_a_person_joins_a_program_with_roles_and_it_becomes_current(
    app_server, new_context, keep_current_programs
):
    circle = _new_program(app_server, "Joiners circle")
    today = programs.today()
    _new_program(
        app_server,
        "Joiners cohort",
        kind="cohort",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    page = sign_in(new_context(), app_server, "hana")
    page.get_by_role("link", name="Programs").click()

    # A new cohort has peer mentorship off: it offers no peer role.
    page.get_by_role("button", name="Join Joiners cohort").click()
    dialog = page.get_by_role("dialog", name="Join Joiners cohort")
    expect(dialog.get_by_role("checkbox", name="Mentee", exact=True)).to_be_visible()
    expect(dialog.get_by_role("checkbox", name="Mentor", exact=True)).to_be_visible()
    expect(dialog.get_by_role("checkbox", name="Peer", exact=True)).to_have_count(0)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)

    page.get_by_role("button", name="Join Joiners circle").click()
    dialog = page.get_by_role("dialog", name="Join Joiners circle")
    dialog.get_by_role("button", name="Join program").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Choose at least one role: mentor, mentee or peer."
    )
    dialog.get_by_role("checkbox", name="Peer", exact=True).check()
    dialog.get_by_role("checkbox", name="Mentee", exact=True).check()
    dialog.get_by_label("Peer places").fill("2")
    dialog.get_by_role("checkbox", name="Discussing shared experiences").check()
    _settled(page)
    assert _serious(page) == []
    dialog.get_by_role("button", name="Join program").click()
    expect(dialog).to_have_count(0)

    card = (
        page.get_by_test_id("my-programs")
        .get_by_test_id("program-card")
        .filter(has=page.get_by_role("heading", name="Joiners circle"))
    )
    expect(card.get_by_test_id("current")).to_be_visible()
    expect(card).to_contain_text("Mentee · Peer")
    expect(_switcher(page)).to_have_text("Joiners circle")
    with app_server.db() as db:
        member = db.exec(
            select(Membership).where(
                Membership.program_id == circle,
                Membership.employee_id == app_server.person_id("hana"),
            )
        ).one()
        assert (member.is_mentor, member.is_mentee, member.is_peer) == (False, True, True)
        assert member.capacity == 2
        assert member.themes == "Discussing shared experiences"
    assert _current_program(app_server, "hana") == circle


def test_the_switcher_changes_the_program_the_pages_show(
    app_server, new_context, keep_current_programs
):
    guild = _new_program(app_server, "Switchers guild")
    _join(app_server, guild, "jo")
    _join(app_server, guild, "ivan")
    first = _first_program_name(app_server)
    page = sign_in(new_context(), app_server, "ivan")
    switcher = _switcher(page)
    expect(switcher).to_have_text(first)

    # By keyboard: open the list, move to the other program, choose it.
    switcher.focus()
    page.keyboard.press("Enter")
    option = page.get_by_role("option", name="Switchers guild")
    expect(option).to_be_visible()
    for _ in range(5):
        if option.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(switcher).to_have_text("Switchers guild")
    expect(page.get_by_role("heading", name="Directory", level=1)).to_be_visible()
    # The directory read again, in the new program: Ivan and Jo are its only members.
    expect(page.get_by_role("status").filter(has_text="people")).to_have_text("2 people")
    expect(page.get_by_role("heading", name="Jo Jones")).to_be_visible()
    expect(page.get_by_role("heading", name="Alice Adams")).to_have_count(0)
    assert _current_program(app_server, "ivan") == guild
    page.reload()
    expect(_switcher(page)).to_have_text("Switchers guild")


def test_a_link_switches_only_to_a_program_one_may_work_in(
    app_server, new_context, keep_current_programs
):
    linked = _new_program(app_server, "Linked guild")
    elsewhere = _new_program(app_server, "Closed doors guild")
    _join(app_server, linked, "kim")
    first = _first_program_name(app_server)
    page = sign_in(new_context(), app_server, "kim")
    before = _current_program(app_server, "kim")

    page.goto(f"{app_server.url}/inbox?program={elsewhere}")
    expect(page.get_by_text("That program does not exist, or you are not in it.")).to_be_visible()
    expect(_switcher(page)).to_have_text(first)
    assert _current_program(app_server, "kim") == before

    page.goto(f"{app_server.url}/inbox?program=not-a-number")
    expect(page.get_by_text("That program is not valid.")).to_be_visible()
    assert _current_program(app_server, "kim") == before

    page.goto(f"{app_server.url}/directory?program={linked}")
    expect(page.get_by_text("You are now working in Linked guild.")).to_be_visible()
    expect(_switcher(page)).to_have_text("Linked guild")
    assert _current_program(app_server, "kim") == linked


def test_on_a_phone_the_programs_are_a_group_of_the_menu(
    app_server, new_context, keep_current_programs
):
    guild = _new_program(app_server, "Pocket guild")
    _join(app_server, guild, "lee")
    first = _first_program_name(app_server)
    page = sign_in(new_context(), app_server, "lee")
    page.set_viewport_size(PHONE)
    expect(_switcher(page)).to_have_count(0)
    page.get_by_role("button", name="Menu").click()
    group = page.get_by_role("group", name="Program")
    _settled(page)
    expect(group.get_by_role("menuitemradio", name=first)).to_have_attribute("aria-checked", "true")
    assert _serious(page) == []
    group.get_by_role("menuitemradio", name="Pocket guild").click()
    expect(page.get_by_text("You are now working in Pocket guild.")).to_be_visible()
    # Choosing closes the menu and the page then loads the new program's people: open
    # it again once both are done (a menu opened while the page re-rendered closed).
    expect(page.get_by_role("group", name="Program")).to_have_count(0)
    _settled(page)
    page.get_by_role("button", name="Menu").click()
    expect(
        page.get_by_role("group", name="Program").get_by_role("menuitemradio", name="Pocket guild")
    ).to_have_attribute("aria-checked", "true")
    assert _current_program(app_server, "lee") == guild


def test_an_admin_archives_a_program_after_confirming(
    app_server, new_context, keep_current_programs
):
    old = _new_program(app_server, "Retiring guild")
    page = sign_in(new_context(), app_server, "admin")
    page.get_by_role("link", name="Programs").click()
    page.get_by_role("button", name="Archive Retiring guild").click()
    confirm = page.get_by_role("alertdialog", name="Archive Retiring guild?")
    confirm.get_by_role("button", name="Keep it").click()
    expect(confirm).to_have_count(0)
    with app_server.db() as db:
        assert db.get(Program, old).archived_at is None

    page.get_by_role("button", name="Archive Retiring guild").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Archive program").click()
    expect(page.get_by_text("Retiring guild archived.")).to_be_visible()
    card = page.get_by_test_id("other-programs").get_by_test_id("program-card")
    card = card.filter(has=page.get_by_role("heading", name="Retiring guild"))
    expect(card).to_contain_text("Archived")
    expect(card.get_by_role("button", name=re.compile("^(Join|Archive)"))).to_have_count(0)
    with app_server.db() as db:
        assert db.get(Program, old).archived_at is not None
