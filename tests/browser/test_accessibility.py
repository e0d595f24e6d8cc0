"""axe-core on every page in light and dark mode, and a keyboard-only request."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PEOPLE, sign_in

pytestmark = pytest.mark.browser

PAGES = {
    "/directory": "Directory",
    # The same page with a search, three filters and their chips showing.
    "/directory?q=a&department=Engineering&show=peers&places=1": "Directory",
    "/inbox": "Inbox",
    "/profile": "Your profile",
    "/admin/settings": "Program settings",
    "/notifications": "Notifications",
}


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(app_server, new_context, scheme):
    context = new_context(color_scheme=scheme)
    login = context.new_page()
    login.goto(f"{app_server.url}/login")
    expect(login.get_by_role("button", name="Sign in")).to_be_visible()
    found = {"/login": _serious(login)}
    page = sign_in(context, app_server, "admin")
    for path, heading in PAGES.items():
        page.goto(f"{app_server.url}{path}")
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if "department=" in path:
            expect(page.get_by_role("button", name="Remove filter: Engineering")).to_be_visible()
        page.wait_for_load_state("networkidle")
        found[path] = _serious(page)
    assert found == {path: [] for path in found}


def test_a_request_can_be_sent_with_the_keyboard_alone(app_server, new_context):
    page = new_context().new_page()
    page.goto(f"{app_server.url}/login")
    expect(page.get_by_label("Email")).to_be_visible()
    page.get_by_label("Email").focus()
    page.keyboard.type(PEOPLE["dan"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/directory")

    page.get_by_label("Search peers").focus()
    page.keyboard.type("Finn")
    # Wait for the debounced search to land, so the list does not re-render mid-Tab.
    expect(page.get_by_role("status").filter(has_text="person")).to_have_text("1 person")
    page.get_by_label("Search peers").focus()
    target = page.get_by_role("button", name="Request Finn Ford")
    expect(target).to_be_visible()
    for _ in range(25):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the request button is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Requested Finn Ford")).to_be_visible()
