"""The profile's "Hidden from your results": the people you hid, Show again, the empty state.

The people are hidden through the service in the setup (the directory card's
Hide is wired in later); everything after that is what a person sees and does.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _hide(app_server, viewer: str, *people: str) -> None:
    from peerapp.services import hiding

    with app_server.db() as db:
        for person in people:
            hiding.hide(
                db, viewer_id=app_server.person_id(viewer), person_id=app_server.person_id(person)
            )


def _hidden_by(app_server, viewer: str) -> set[int]:
    from peerapp.models import HiddenPerson

    with app_server.db() as db:
        rows = db.exec(
            select(HiddenPerson.hidden_id).where(
                HiddenPerson.viewer_id == app_server.person_id(viewer)
            )
        ).all()
    return set(rows)


@pytest.fixture(autouse=True)
def nobody_hidden_after(app_server):
    """The app is shared by every browser test: leave nobody hidden from anyone."""
    yield
    from peerapp.models import HiddenPerson
    from peerapp.services.unit import unit_of_work

    with app_server.db() as db, unit_of_work(db):
        for row in db.exec(select(HiddenPerson)).all():
            db.delete(row)


def _section(page):
    return page.get_by_role("heading", name="Hidden from your results", level=2).locator("xpath=..")


def test_hidden_people_are_listed_and_shown_again(app_server, new_context):
    _hide(app_server, "mia", "lee", "kim")
    _hide(app_server, "hana", "ivan")  # someone else's choice: not on Mia's profile
    page = sign_in(new_context(), app_server, "mia")
    page.goto(f"{app_server.url}/profile")
    section = _section(page)
    hidden = section.get_by_role("list", name="People hidden from your results")
    expect(hidden.get_by_role("listitem")).to_have_count(2)
    expect(hidden.get_by_role("listitem").first).to_contain_text("Kim Kerr")
    expect(hidden.get_by_role("listitem").first).to_contain_text("Kim Specialist · Product")
    expect(hidden.get_by_role("listitem").last).to_contain_text("Lee Lund")
    expect(section.get_by_text("Ivan Ito")).to_have_count(0)

    section.get_by_role("button", name="Show again: Kim Kerr").click()
    expect(page.get_by_text("Kim Kerr shows in your results again.")).to_be_visible()
    expect(hidden.get_by_role("listitem")).to_have_count(1)
    expect(section.get_by_role("button", name="Show again: Kim Kerr")).to_have_count(0)
    assert _hidden_by(app_server, "mia") == {app_server.person_id("lee")}

    section.get_by_role("button", name="Show again: Lee Lund").click()
    expect(section.get_by_text("You haven't hidden anyone.")).to_be_visible()
    expect(section.get_by_role("link", name="Find colleagues")).to_be_visible()
    assert _hidden_by(app_server, "mia") == set()
    assert _hidden_by(app_server, "hana") == {app_server.person_id("ivan")}

    # What the page showed is what the database holds: a reload shows the same.
    page.reload()
    expect(_section(page).get_by_text("You haven't hidden anyone.")).to_be_visible()


def test_the_section_has_no_serious_accessibility_problems(app_server, new_context):
    _hide(app_server, "jo", "finn")
    page = sign_in(new_context(), app_server, "jo")
    page.goto(f"{app_server.url}/profile")
    expect(_section(page).get_by_role("button", name="Show again: Finn Ford")).to_be_visible()
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    serious = [
        violation["id"]
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
