"""Account security in Chromium: password change, sign out everywhere, throttled sign-in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peerapp.services import accounts, programs
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "violet-harbour-lantern"
GENERIC = re.compile("did not work, or there were too many attempts")


def _person(app, email: str, name: str) -> str:
    """A fresh account for one test, so its sessions and attempts affect nobody else."""
    with app.db() as db:
        accounts.create_employee(
            db,
            email=email,
            full_name=name,
            password=PASSWORD,
            program_id=programs.default_program(db).id,
            roles={"peer"},
        )
    return email


def _try_sign_in(context, app, email: str, password: str) -> Page:
    """Submit the sign-in form from a fresh page; the caller checks the result."""
    page = context.new_page()
    page.goto(f"{app.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


def _signed_in(context, app, email: str, password: str = PASSWORD) -> Page:
    page = _try_sign_in(context, app, email, password)
    page.wait_for_url("**/directory")
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    return page


def _refused(page: Page) -> None:
    expect(page.get_by_role("alert").filter(has_text=GENERIC)).to_be_visible()
    assert re.search(r"/login/?$", page.url), page.url


def _open_profile(page: Page) -> None:
    page.get_by_role("link", name="Profile").click()
    page.wait_for_url("**/profile")
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()


def test_password_change_then_old_password_fails_and_other_browsers_are_signed_out(
    app_server, new_context
):
    email = _person(app_server, "pat.change@example.com", "Pat Change")
    laptop = _signed_in(new_context(), app_server, email)
    phone = _signed_in(new_context(), app_server, email)

    _open_profile(laptop)
    laptop.get_by_label("Current password").fill(PASSWORD)
    laptop.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    laptop.get_by_label("Repeat new password").fill(NEW_PASSWORD + "!")
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.get_by_role("alert").filter(has_text="two new passwords differ")).to_be_visible()

    laptop.get_by_label("Repeat new password").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()
    expect(laptop.get_by_text("Password changed.")).to_be_visible()
    expect(laptop.get_by_label("Current password")).to_have_value("")

    # This browser stays signed in; the other one is out on its next action.
    laptop.get_by_role("link", name=re.compile("^Inbox")).click()
    laptop.wait_for_url("**/inbox")
    phone.get_by_role("link", name=re.compile("^Inbox")).click()
    phone.wait_for_url("**/login")

    _refused(_try_sign_in(new_context(), app_server, email, PASSWORD))
    _signed_in(new_context(), app_server, email, NEW_PASSWORD)


def test_sign_out_everywhere_signs_out_another_browser_at_once(app_server, new_context):
    email = _person(app_server, "sam.everywhere@example.com", "Sam Everywhere")
    laptop = _signed_in(new_context(), app_server, email)
    phone = _signed_in(new_context(), app_server, email)

    _open_profile(laptop)
    laptop.get_by_role("button", name="Sign out everywhere").click()
    dialog = laptop.get_by_role("alertdialog")
    expect(dialog).to_contain_text("this one too")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_have_count(0)
    assert re.search(r"/profile/?$", laptop.url), laptop.url

    laptop.get_by_role("button", name="Sign out everywhere").click()
    laptop.get_by_role("alertdialog").get_by_role("button", name="Sign out everywhere").click()
    laptop.wait_for_url("**/login")
    expect(laptop.get_by_role("heading", name="Sign in")).to_be_visible()

    # The phone did nothing meanwhile: it is told at once, and its page is emptied.
    expect(phone.get_by_text("You were signed out")).to_be_visible()
    expect(phone.get_by_role("heading", name="Directory")).to_have_count(0)
    phone.get_by_role("link", name="Sign in again").click()
    phone.wait_for_url("**/login")
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()


def test_throttled_sign_in_shows_the_generic_message_even_for_the_right_password(
    app_server, new_context
):
    email = _person(app_server, "tia.throttle@example.com", "Tia Throttle")
    wrong = _try_sign_in(new_context(), app_server, email, "not-the-password")
    _refused(wrong)
    wrong_text = wrong.get_by_role("alert").inner_text()
    for attempt in range(4):
        _refused(_try_sign_in(new_context(), app_server, email, f"wrong-password-{attempt}"))

    throttled = _try_sign_in(new_context(), app_server, email, PASSWORD)
    _refused(throttled)
    # The same words as a wrong password: nothing says whether the account exists.
    assert throttled.get_by_role("alert").inner_text() == wrong_text
    expect(throttled.get_by_role("heading", name="Directory")).to_have_count(0)
