"""Screenshots of the program pages with their dialogs open, for a person to look at.

Usage: start the app (make run), then `python scripts/program_screenshots.py [URL]`.
Signs in as the demo admin at 1280 and 390 px, light and dark, and captures
/programs, its join dialog and new-program form (refused once, to show the
inline error), the program switcher open, /admin/settings and its question
before turning mentor–mentee pairing off. Nothing is saved: every dialog is
cancelled. Writes PNG files to screenshots/ (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from peerapp.services.demo import DEMO_LOGINS, DEMO_PASSWORD

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path("screenshots")


def _shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    page.wait_for_timeout(600)  # dialogs and menus animate in
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page)


def _programs(page: Page, base: str, tag: str) -> None:
    page.goto(f"{base}/programs")
    page.get_by_role("heading", name="Your programs").wait_for()
    _shoot(page, f"programs-{tag}", full_page=True)
    join = page.get_by_role("button", name="Join ", exact=False)
    if join.count():
        join.first.click()
        page.get_by_role("dialog").wait_for()
        _shoot(page, f"programs-join-{tag}")
        page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="New program").click()
    dialog = page.get_by_role("dialog", name="New program")
    dialog.get_by_label("Program name").fill("Autumn cohort")
    dialog.get_by_role("radio", name="Cohort: runs between two dates").click()
    dialog.get_by_label("Start date").fill("2031-09-30")
    dialog.get_by_label("End date").fill("2031-09-01")
    dialog.get_by_role("button", name="Create program").click()
    dialog.get_by_role("alert").wait_for()
    _shoot(page, f"programs-new-{tag}")
    dialog.get_by_role("button", name="Cancel").click()


def _switcher(page: Page, tag: str, narrow: bool) -> None:
    if narrow:
        page.get_by_role("button", name="Menu").click()
    else:
        page.get_by_role("combobox", name="Program").click()
    _shoot(page, f"switcher-{tag}")
    page.keyboard.press("Escape")


def _settings(page: Page, base: str, tag: str) -> None:
    page.goto(f"{base}/admin/settings")
    switch = page.get_by_role("switch", name="Mentor–mentee pairing")
    switch.wait_for()
    _shoot(page, f"settings-{tag}", full_page=True)
    if switch.get_attribute("aria-checked") == "true":
        switch.click()
        page.get_by_role("button", name="Save settings").click()
        page.get_by_role("alertdialog").wait_for()
        _shoot(page, f"settings-confirm-{tag}")
        page.get_by_role("button", name="Keep it on").click()


def main(base: str = "http://localhost:3000") -> None:
    """Sign in as the demo admin and capture each view in both colour schemes."""
    OUT.mkdir(exist_ok=True)
    admin = DEMO_LOGINS[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for width in (1280, 390):
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(f"{base}/login")
                page.get_by_label("Email").fill(admin.email)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url("**/directory")
                tag = f"{scheme}-{width}"
                _programs(page, base, tag)
                _switcher(page, tag, narrow=width < 900)
                _settings(page, base, tag)
                context.close()
        browser.close()
    print(f"screenshots written to {OUT.resolve()}")


if __name__ == "__main__":
    main(*sys.argv[1:])
