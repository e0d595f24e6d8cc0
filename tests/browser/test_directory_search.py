"""The directory's search in Chromium: prefixes, filters as chips, orders, the URL, best match."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from peerapp.models import Employee, Membership
from peerapp.services import programs
from peerapp.services.unit import unit_of_work
from tests.browser.conftest import PEOPLE, sign_in

pytestmark = pytest.mark.browser


def _status(page: Page):
    return page.get_by_role("status").filter(has_text=re.compile(r"people|person"))


def _names(page: Page) -> list[str]:
    return page.locator(".person-card h2").all_inner_texts()


def _set(app_server, key: str, **fields: str) -> None:
    """Give a seeded person profile fields (or program themes) straight through the database."""
    person_id = app_server.person_id(key)
    with app_server.db() as db, unit_of_work(db):
        employee = db.get(Employee, person_id)
        member = db.exec(select(Membership).where(Membership.employee_id == person_id)).one()
        for name, value in fields.items():
            setattr(member if name == "themes" else employee, name, value)
        db.add_all([employee, member])


@pytest.fixture
def profiles_reset(app_server):
    yield
    _set(app_server, "carol", themes="")
    _set(app_server, "bob", learning_goals="")


def test_a_skill_prefix_finds_the_person_and_the_url_keeps_the_search(app_server, new_context):
    page = sign_in(new_context(), app_server, "bob")
    page.get_by_label("Search peers").fill("pyth")
    expect(_status(page)).to_have_text("1 person")
    expect(page.get_by_role("heading", name="Alice Adams")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/directory\?q=pyth$"))

    # The same link in another browser shows the same search.
    other = new_context()
    shared = sign_in(other, app_server, "carol")
    shared.goto(page.url)
    expect(shared.get_by_label("Search peers")).to_have_value("pyth")
    expect(_status(shared)).to_have_text("1 person")
    expect(shared.get_by_role("heading", name="Alice Adams")).to_be_visible()


def test_typing_a_word_sends_one_search_with_the_whole_word(app_server, new_context):
    page = sign_in(new_context(), app_server, "bob")
    searches: list[str] = []

    def watch(socket) -> None:
        sent = re.compile(r'set_query".*?"value":"([^"]*)"')
        socket.on("framesent", lambda frame: searches.extend(sent.findall(str(frame))))

    page.on("websocket", watch)
    page.reload()  # a new socket, watched from its start
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    page.get_by_label("Search peers").press_sequentially("python", delay=40)
    expect(_status(page)).to_have_text("1 person")
    expect(page).to_have_url(re.compile(r"/directory\?q=python$"))
    # One pause in typing, one search: not one a letter, and not a word cut short.
    assert searches == ["python"]


def test_filters_show_as_chips_and_back_undoes_them(app_server, new_context, profiles_reset):
    with app_server.db() as db:
        theme = programs.themes_of(programs.default_program(db))[0]
    _set(app_server, "carol", themes=theme)
    page = sign_in(new_context(), app_server, "bob")
    everyone = _status(page).inner_text()

    page.get_by_label("Theme").click()
    page.get_by_role("option", name=theme).click()
    expect(_status(page)).to_have_text("1 person")
    expect(page.get_by_role("heading", name="Carol Chen")).to_be_visible()
    chip = page.get_by_role("button", name=f"Remove filter: {theme}")
    expect(chip).to_be_visible()
    expect(page).to_have_url(re.compile(r"theme="))

    page.get_by_label("Department").click()
    page.get_by_role("option", name="Engineering").click()
    expect(page.get_by_role("button", name="Remove filter: Engineering")).to_be_visible()
    expect(_status(page)).to_have_text("1 person")

    # Back undoes the last filter; the chip removes the other one.
    page.go_back()
    expect(page.get_by_role("button", name="Remove filter: Engineering")).to_have_count(0)
    expect(chip).to_be_visible()
    chip.click()
    expect(_status(page)).to_have_text(everyone)
    expect(page.get_by_role("group", name="Active filters")).to_have_count(0)


def test_sorting_by_name_and_best_match_explains_itself(app_server, new_context, profiles_reset):
    _set(app_server, "bob", learning_goals="Python")
    page = sign_in(new_context(), app_server, "bob")
    alice = page.locator(".person-card").filter(has=page.get_by_role("heading", name="Alice Adams"))
    expect(alice.get_by_text("Shares Python, which you want to learn")).to_be_visible()
    # Best match puts the person who can teach Bob what he wants to learn first.
    expect(page.locator(".person-card h2").first).to_have_text("Alice Adams")

    page.get_by_label("Sort by").click()
    page.get_by_role("option", name="Name").click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    names = sorted((p.name for p in PEOPLE.values()), key=str.lower)
    expect(page.locator(".person-card h2").first).to_have_text(names[0])
    expect(alice.get_by_text("which you want to learn")).to_have_count(0)


def test_hide_takes_a_person_off_my_results_and_undo_brings_them_back(app_server, new_context):
    page = sign_in(new_context(), app_server, "bob")
    page.get_by_label("Search peers").fill("Carol")
    expect(_status(page)).to_have_text("1 person")
    page.get_by_role("button", name="Hide Carol Chen from my results").click()
    expect(page.get_by_role("heading", name="Carol Chen")).to_have_count(0)
    expect(_status(page)).to_have_count(0)
    expect(page.get_by_text("Nobody matches this search.")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Carol Chen")).to_be_visible()
    expect(_status(page)).to_have_text("1 person")


def test_phone_filters_open_behind_one_button(app_server, new_context):
    page = sign_in(new_context(), app_server, "bob")
    page.set_viewport_size({"width": 390, "height": 844})
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Department")).to_be_hidden()
    toggle.click()
    expect(page.get_by_role("button", name="Hide filters")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(page.get_by_label("Department")).to_be_visible()


def test_a_late_search_answer_does_not_rewrite_the_next_pages_address(app_server, new_context):
    page = sign_in(new_context(), app_server, "bob")
    page.get_by_label("Search peers").fill("carol")
    # Away before the debounced search has answered: its URL must stay out of /profile.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_label("Short bio")).to_be_visible()
    page.wait_for_timeout(1_000)
    expect(page).to_have_url(re.compile(r"/profile/?$"))
    page.reload()
    expect(page.get_by_label("Short bio")).to_be_visible()
