"""At phone width the navigation is one short bar with a Menu button, usable by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _serious

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_menu_works_by_keyboard_and_navigates(app_server, new_context, scheme):
    page = sign_in(new_context(color_scheme=scheme), app_server, "admin")
    page.set_viewport_size(PHONE)
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    # The row of links and the Sign out button give way to the one button.
    expect(page.get_by_role("link", name="My pairings")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("button", name="Toggle dark mode")).to_be_visible()
    bar = page.locator("header.navbar").bounding_box()
    assert bar is not None and bar["height"] < 70, bar
    heading = page.get_by_role("heading", name="Directory", level=1).bounding_box()
    assert heading is not None and heading["y"] < 150, heading

    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menu")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Directory")).to_be_focused()
    for name in ("Inbox", "My pairings", "Profile", "Settings", "Sign out"):
        expect(page.get_by_role("menuitem", name=re.compile(f"^{name}"))).to_be_visible()
    assert _serious(page) == []
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(menu).to_be_focused()

    page.keyboard.press("Enter")
    # One key at a time: a key pressed before the menu is there goes to the button.
    for name in ("Directory", "Inbox", "My pairings"):
        if name != "Directory":
            page.keyboard.press("ArrowDown")
        expect(page.get_by_role("menuitem", name=re.compile(f"^{name}"))).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/peers")
    expect(page.get_by_role("heading", name="My pairings", level=1)).to_be_visible()
    expect(page.get_by_role("menu")).to_have_count(0)
    assert _serious(page) == []
