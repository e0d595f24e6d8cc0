"""Screenshots of every page in light and dark mode, for a person to look at.

Usage: start the app (make run), then `python scripts/screenshots.py [URL]`.
Writes PNG files to screenshots/ (git-ignored).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from peerapp.services.demo import DEMO_LOGINS, DEMO_PASSWORD

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["directory", "inbox", "peers", "profile", "admin/settings"]


def main(base: str = "http://localhost:3000") -> None:
    """Sign in as the demo admin and capture each page in both colour schemes."""
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for login, width in ((DEMO_LOGINS[0], 1280), (DEMO_LOGINS[1], 390)):
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto(f"{base}/login")
                page.get_by_label("Email").fill(login.email)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.screenshot(path=out / f"login-{scheme}-{width}.png")
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url("**/directory")
                for path in PAGES:
                    page.goto(f"{base}/{path}")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(500)
                    name = path.replace("/", "-")
                    page.screenshot(path=out / f"{name}-{scheme}-{width}.png", full_page=True)
                context.close()
        browser.close()
    print(f"screenshots written to {out.resolve()}")


if __name__ == "__main__":
    main(*sys.argv[1:])
