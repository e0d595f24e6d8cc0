"""axe-core on /programs and its dialogs, light and dark, and the switcher by keyboard alone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from peerapp.services import admin
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _serious

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_programs_and_their_dialogs_have_no_serious_violations(
    app_server, new_context, keep_current_programs, scheme
):
    with app_server.db() as db:
        admin.add_program(
            db, actor_id=app_server.person_id("admin"), name=f"Contrast guild {scheme}"
        )
    page = sign_in(new_context(color_scheme=scheme), app_server, "admin")
    page.get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", name="Your programs")).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = {"page": _serious(page)}

    page.get_by_role("button", name=f"Join Contrast guild {scheme}").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    page.wait_for_timeout(500)  # the dialog fades in
    found["join"] = _serious(page)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.get_by_role("button", name="New program").click()
    dialog = page.get_by_role("dialog", name="New program")
    cohort = dialog.get_by_role("radio", name="Cohort: runs between two dates")
    cohort.click()
    expect(cohort).to_be_checked()
    page.wait_for_timeout(500)
    found["new program"] = _serious(page)
    page.keyboard.press("Escape")

    page.get_by_role("combobox", name="Program").click()
    expect(page.get_by_role("listbox")).to_be_visible()
    page.wait_for_timeout(500)
    # Only the open list: Radix hides the rest of the page from screen readers
    # while it is open and keeps focus in the list (axe would call the hidden
    # page's links "aria-hidden-focus", but focus cannot get there).
    found["switcher"] = _serious_in(page, "[role=listbox]")
    assert found == {name: [] for name in found}


def _serious_in(page, selector: str) -> list[str]:
    results = Axe().run(page, context={"include": [[selector]]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
