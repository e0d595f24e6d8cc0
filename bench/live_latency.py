"""How long a peer request takes to appear in the recipient's open inbox.

Usage (starts its own production server: PostgreSQL + Redis, 2 workers):
    .venv/bin/python bench/live_latency.py [--rounds 200] [--workers 2] [--url URL]

Two Chromium contexts: Alex on the directory, Sam on the inbox. Each round Alex
clicks "Request Sam Okafor" (clicked inside the page, so Playwright's own
overhead is not counted) and a MutationObserver in Sam's page stops the clock
when the request row is in Sam's DOM; both clocks read
performance.timeOrigin + now() on the same machine. The moment the update's
WebSocket frame reached Sam's tab is recorded too, to split server time from
rendering. Sam then declines through the UI (not timed) to reset, and the next
round starts once both tabs are quiet again: no animation of the reset (the
decline dialog closing, its toast sliding in) still running. Without that wait
a round measures how the two browsers share this machine's two cores with the
leftovers of the reset, not the push.

In the same run, under the same conditions, Sam's tab times the round trip of
a no-op Reflex event (closing an already closed dialog): the event frame goes
out on the tab's own WebSocket and the clock stops at the server's answer.

Prints p50/p95/max of both and their ratio; writes bench/results/live_latency-<date>.json.

With ``--trace`` the server it starts also loads bench/trace/sitecustomize.py,
which timestamps the stages of each push on the server (event received, sign-in
checked, committed, the recipient's channel updated, the frame handed to their
socket); the script lines them up with each round's click and prints p50/p95
of every stage from the click. Tracing costs a little time itself, so a traced
run goes to live_latency_traced-<date>.json, not beside the plain figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

import sqlalchemy as sa
from _server import ROOT, add_server_arguments, percentile, production_server, save
from _stages import Round, read_trace, stages
from playwright.sync_api import Page, expect, sync_playwright
from reflex.state import OnLoadInternalState

from peerapp.services import channels
from peerapp.services.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("PEERAPP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Keep a handle on the page's WebSocket to time frames on it.
CAPTURE_SOCKET = """(() => {
  const Native = window.WebSocket;
  class Tapped extends Native {
    constructor(...args) {
      super(...args);
      window.__ws = this;
      this.addEventListener('message', (m) => {
        if (window.__armed && typeof m.data === 'string' && m.data.includes('incoming')) {
          window.__frameAt = performance.timeOrigin + performance.now();
          window.__armed = false;
        }
      });
    }
  }
  window.WebSocket = Tapped;
})()"""

ARM_OBSERVER = """() => {
  window.__arrived = null;
  window.__frameAt = null;
  window.__armed = true;
  const section = document.querySelector('[data-testid="incoming"]');
  const observer = new MutationObserver(() => {
    if (section.querySelector('[data-testid="incoming-request"]')) {
      window.__arrived = performance.timeOrigin + performance.now();
      observer.disconnect();
    }
  });
  observer.observe(section, {childList: true, subtree: true});
}"""

CLICK = """() => {
  const button = document.querySelector('button[aria-label="Request Sam Okafor"]');
  const at = performance.timeOrigin + performance.now();
  button.click();
  return at;
}"""

# The reset's own animations (the decline dialog closing, its toast coming in)
# have finished: the round starts from a screen someone is simply looking at.
QUIET = "() => document.getAnimations().length === 0"

NOOP_ROUND_TRIP = """(name) => new Promise((resolve) => {
  const ws = window.__ws;
  const sent = performance.now();
  const answer = (m) => {
    if (typeof m.data === 'string' && m.data.startsWith('42/_event')) {
      ws.removeEventListener('message', answer);
      resolve(performance.now() - sent);
    }
  };
  ws.addEventListener('message', answer);
  // A fresh query string each time: the answer carries the changed URL, so the
  // server always replies even though the handler itself changes nothing.
  const asPath = location.pathname + '?noop=' + Math.random();
  ws.send('42/_event,' + JSON.stringify(['event', {
    name, payload: {value: true}, router_data: {pathname: location.pathname, asPath},
  }]));
})"""


# Reflex keeps each tab's token in sessionStorage; the server's trace names tabs by it.
TAB_TOKEN = "() => window.sessionStorage.getItem('token')"


def _sign_in(browser, base: str, email: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CAPTURE_SOCKET)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/directory")
    return page


def _decline_all_from_alex(sam: Page) -> None:
    decline = sam.get_by_role("button", name="Decline request from Alex Morgan")
    while waiting := decline.count():
        decline.first.click()
        sam.get_by_role("alertdialog").get_by_role("button", name="Decline request").click()
        expect(sam.get_by_role("alertdialog")).to_have_count(0)
        # The card leaves when the decline's push arrives.
        expect(decline).to_have_count(waiting - 1)


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(base: str, rounds: int) -> dict:
    """Run the rounds against ``base``; return the figures (and each round's clocks)."""
    # Reflex's own "page is hydrated" flag set to what it is: no effect, always answered.
    noop_event = f"{OnLoadInternalState.get_full_name()}.set_is_hydrated"
    live, frames, noops, timeline = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        sam = _sign_in(browser, base, "sam.okafor@example.com")
        sam.get_by_role("link", name="Inbox").first.click()
        expect(sam.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
        expect(sam.get_by_test_id("incoming")).to_be_visible()
        alex = _sign_in(browser, base, "alex.morgan@example.com")
        alex.get_by_label("Search peers").fill("Sam Okafor")
        request = alex.get_by_role("button", name="Request Sam Okafor")
        expect(alex.get_by_role("button", name="Requested Sam Okafor").or_(request)).to_be_visible()
        # Sam is the one watching: their tab is the browser's foreground tab.
        sam.bring_to_front()
        for _ in range(rounds):
            _decline_all_from_alex(sam)
            expect(request).to_be_enabled()
            for page in (sam, alex):
                page.wait_for_function(QUIET)
            noops.append(sam.evaluate(NOOP_ROUND_TRIP, noop_event))
            sam.evaluate(ARM_OBSERVER)
            clicked = alex.evaluate(CLICK)
            sam.wait_for_function("window.__arrived !== null", timeout=10_000)
            arrived = sam.evaluate("window.__arrived")
            live.append(arrived - clicked)
            frame_at = sam.evaluate("window.__frameAt")
            if frame_at:
                frames.append(frame_at - clicked)
            timeline.append(Round(clicked, frame_at, arrived))
        tabs = {name: page.evaluate(TAB_TOKEN) for name, page in (("alex", alex), ("sam", sam))}
        browser.close()
    result = {
        "live_request_to_inbox": _summary(live),
        "live_request_to_frame": _summary(frames),
        "noop_event_round_trip": _summary(noops),
    }
    result["ratio_p50"] = round(
        result["live_request_to_inbox"]["p50_ms"] / result["noop_event_round_trip"]["p50_ms"], 1
    )
    result["ratio_p95"] = round(
        result["live_request_to_inbox"]["p95_ms"] / result["noop_event_round_trip"]["p95_ms"], 1
    )
    return result | {"_timeline": timeline, "_tabs": tabs}


def _traced_stages(figures: dict, trace_dir: Path, database_url: str) -> dict:
    with sa.create_engine(database_url).connect() as conn:
        sam_id = conn.execute(
            sa.text("SELECT id FROM employee WHERE email = 'sam.okafor@example.com'")
        ).scalar_one()
        # The server names channels with its own key, kept in the database.
        key = bytes.fromhex(
            conn.execute(
                sa.text("SELECT value FROM serversecret WHERE purpose = :purpose"),
                {"purpose": channels.PURPOSE},
            ).scalar_one()
        )
    return stages(
        figures["_timeline"],
        read_trace(trace_dir),
        sender_tab=figures["_tabs"]["alex"],
        recipient_tab=figures["_tabs"]["sam"],
        recipient_channel=channels.channel_name(key, sam_id),
    )


def main() -> None:
    """Start (or use) a server, measure, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--trace", action="store_true", help="also time each stage on the server (own server only)"
    )
    args = parser.parse_args()
    if args.trace and args.url:
        parser.error("--trace needs the server this script starts (no --url)")
    extra = {}
    if args.trace:
        trace_dir = Path(tempfile.mkdtemp(prefix="peerapp-trace-"))
        paths = [str(ROOT / "bench" / "trace"), os.environ.get("PYTHONPATH", "")]
        extra = {
            "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "PEERAPP_TRACE_DIR": str(trace_dir),
        }
    # Alex sends 200 requests in a few minutes: lift the hourly send limit for the run.
    with production_server(args, PEERAPP_REQUESTS_PER_HOUR="100000", **extra) as server:
        figures = measure(server["url"], args.rounds)
        if args.trace:
            figures["stages_from_click"] = _traced_stages(
                figures, trace_dir, server["database_url"]
            )
    for private in ("_timeline", "_tabs"):
        figures.pop(private)
    live, frame, noop = (
        figures["live_request_to_inbox"],
        figures["live_request_to_frame"],
        figures["noop_event_round_trip"],
    )
    print(f"setup: {server['setup']}")
    print(
        f"live request -> row in recipient's inbox, {live['n']} rounds: "
        f"p50 {live['p50_ms']} ms, p95 {live['p95_ms']} ms, max {live['max_ms']} ms"
    )
    print(
        f"  of which until the update frame reached the tab: "
        f"p50 {frame['p50_ms']} ms, p95 {frame['p95_ms']} ms"
    )
    print(
        f"no-op Reflex event round trip, {noop['n']} samples: "
        f"p50 {noop['p50_ms']} ms, p95 {noop['p95_ms']} ms, max {noop['max_ms']} ms"
    )
    print(f"ratio live / no-op: p50 {figures['ratio_p50']}x, p95 {figures['ratio_p95']}x")
    if args.trace:
        print("stages of a push, from the click (traced):")
        for name, stage in figures["stages_from_click"].items():
            print(f"  {stage['p50_ms']:>6} ms p50  {stage['p95_ms']:>6} ms p95  {name}")
    path = save(
        "live_latency_traced" if args.trace else "live_latency",
        {"setup": server["setup"], "rounds": args.rounds, "round_start": "both tabs quiet"}
        | figures,
    )
    print(f"saved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
