"""How long a peer request takes to appear in the recipient's open inbox.

Usage: start the app with demo data (make run), then
    .venv/bin/python bench/live_latency.py [URL] [ROUNDS]

Two Chromium contexts: Alex on the directory, Sam on the inbox. Each round Alex
clicks "Request Sam Okafor" (clicked inside the page, so Playwright's own
overhead is not counted) and a MutationObserver in Sam's page stops the clock
when the request row appears; both clocks read performance.timeOrigin + now().
Sam then declines through the UI (not timed) to reset. Prints p50/p95/max (ms).
"""

from __future__ import annotations

import statistics
import sys

from playwright.sync_api import expect, sync_playwright

from peerapp.services.demo import DEMO_PASSWORD

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ARM_OBSERVER = """() => new Promise(resolve => {
  window.__arrived = null;
  const section = document.querySelector('[data-testid="incoming"]');
  const observer = new MutationObserver(() => {
    if (section.querySelector('[data-testid="incoming-request"]')) {
      window.__arrived = performance.timeOrigin + performance.now();
      observer.disconnect();
    }
  });
  observer.observe(section, {childList: true, subtree: true});
  resolve(true);
})"""

CLICK = """() => {
  const button = document.querySelector('button[aria-label="Request Sam Okafor"]');
  const at = performance.timeOrigin + performance.now();
  button.click();
  return at;
}"""


def _sign_in(browser, base: str, email: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/directory")
    return page


def main(base: str = "http://localhost:3000", rounds: str = "30") -> None:
    """Run the rounds and print the figures."""
    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        sam = _sign_in(browser, base, "sam.okafor@example.com")
        sam.goto(f"{base}/inbox")
        expect(sam.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
        alex = _sign_in(browser, base, "alex.morgan@example.com")
        alex.get_by_label("Search peers").fill("Sam Okafor")
        request = alex.get_by_role("button", name="Request Sam Okafor")
        for _ in range(int(rounds)):
            while sam.get_by_role("button", name="Decline request from Alex Morgan").count():
                sam.get_by_role("button", name="Decline request from Alex Morgan").click()
                sam.get_by_role("alertdialog").get_by_role("button", name="Decline request").click()
                expect(sam.get_by_role("alertdialog")).to_have_count(0)
            expect(
                sam.get_by_test_id("incoming-request").filter(has_text="Alex Morgan")
            ).to_have_count(0)
            expect(request).to_be_enabled()
            sam.evaluate(ARM_OBSERVER)
            clicked = alex.evaluate(CLICK)
            sam.wait_for_function("window.__arrived !== null", timeout=10_000)
            samples.append(sam.evaluate("window.__arrived") - clicked)
        browser.close()
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(
        f"live request -> recipient inbox, {len(samples)} rounds: "
        f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
