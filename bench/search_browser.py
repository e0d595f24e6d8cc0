"""The directory's search as a person feels it: keystroke to results on screen, in Chromium.

Usage:
    .venv/bin/python bench/search_browser.py [--people 1000000] [--rounds 40]
        [--database sqlite:////path/to/kept.db] [--postgres URL]

Seeds a demo organisation of ``--people`` (one Evergreen program holding
everyone) into a fresh SQLite file, or into the database given with
``--database`` if it already holds people (seeding a million takes minutes:
keep the file and pass it again), starts the production build on it and signs
in as Alex Morgan in Chromium. Each round clears the search box, then types a
query. It times from the moment the debounced search leaves the browser (the
WebSocket frame carrying ``set_query``) until the last change the answer makes
to the page (a MutationObserver), after the page has been quiet for a while:
the server's search, the trip both ways, and React rendering the cards. The
debounce itself (a pause the page waits for on purpose) is not counted.

Prints p50/p95/max and writes bench/results/search_browser-<people>-<date>.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa
from _server import ROOT, percentile, save
from playwright.sync_api import expect, sync_playwright
from sqlmodel import Session, func, select

from peerapp.db import make_engine
from peerapp.models import Employee
from tests.launch import BIN, AppProcess, app_env, free_port, migrate

CHROMIUM = os.environ.get("PEERAPP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWER = "alex.morgan@example.com"
PASSWORD = "peerapp-demo-2026"
# Prefixes as people type them: skills, names, places, titles, two words.
QUERIES = ["eng", "data lis", "sam", "kubern", "design", "mar", "python", "lead pro", "ops", "ana"]
# The page counts as rendered once nothing has changed in it for this long.
QUIET_MS = 400

ARM = """
(query) => {
  window.__sentAt = null;
  window.__lastChange = null;
  window.__query = query;
  if (!window.__benchArmed) {
    window.__benchArmed = true;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      // The typed query's own frame (not the one that cleared the box).
      if (typeof data === "string" && data.includes("set_query")
          && data.includes(JSON.stringify({value: window.__query}).slice(1, -1))
          && window.__sentAt === null) {
        window.__sentAt = performance.now();
      }
      return send.call(this, data);
    };
    new MutationObserver(() => {
      if (window.__sentAt !== null) window.__lastChange = performance.now();
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
  }
}
"""
SETTLED = f"""
() => window.__sentAt !== null && window.__lastChange !== null
      && performance.now() - window.__lastChange > {QUIET_MS}
"""


def _people(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            return db.exec(select(func.count()).select_from(Employee)).one()
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def _prepare(database_url: str, people: int) -> None:
    env = app_env(database_url)
    migrate(env)
    if _people(database_url) == 0:
        print(f"seeding {people:,} people (a million takes several minutes)…", flush=True)
        subprocess.run(
            [str(BIN / "peerapp"), "seed-demo", "--people", str(people)],
            env=env,
            check=True,
            cwd=ROOT,
        )


def measure(base: str, rounds: int) -> list[tuple[str, float]]:
    """(query, milliseconds from the search frame leaving the browser to the page settling)."""
    times: list[tuple[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(VIEWER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/directory**")
        box = page.get_by_label("Search peers")
        expect(box).to_be_visible()
        page.wait_for_load_state("networkidle")
        for round_number in range(rounds + 2):
            query = QUERIES[round_number % len(QUERIES)]
            box.fill("")
            # The cleared box searches too: wait until its answer is in the URL.
            page.wait_for_url(lambda url: "q=" not in url)
            page.wait_for_timeout(QUIET_MS)
            page.evaluate(ARM, query)
            box.press_sequentially(query, delay=20)
            page.wait_for_function(SETTLED, timeout=30_000)
            elapsed = page.evaluate("window.__lastChange - window.__sentAt")
            if round_number >= 2:  # two warm-up rounds
                times.append((query, elapsed))
        browser.close()
    return times


def _fail(message: str) -> None:
    raise SystemExit(message)


def main() -> None:
    """Prepare the database, start the server, time the rounds, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database", help="database URL to use (seeded if empty)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="peerapp-search-browser-"))
    database_url = args.database or f"sqlite:///{folder / 'directory.db'}"
    _prepare(database_url, args.people)
    people = _people(database_url)
    server = AppProcess(app_env(database_url), free_port(), folder / "server.log")
    server.start(_fail)
    try:
        timed = measure(server.url, args.rounds)
    finally:
        server.stop()
    times = [elapsed for _, elapsed in timed]
    ordered = sorted(times)
    by_query = {
        query: round(statistics.median([ms for q, ms in timed if q == query]), 1)
        for query in QUERIES
        if any(q == query for q, _ in timed)
    }
    figures = {
        "setup": f"{sa.make_url(database_url).get_backend_name()}, one backend worker, "
        f"production build, {people:,} people, Chromium",
        "people": people,
        "rounds": len(times),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "max_ms": round(ordered[-1], 1),
        "quiet_ms": QUIET_MS,
        "p50_ms_by_query": by_query,
    }
    print(figures["setup"])
    print(
        f"search frame sent -> results rendered: p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms ({len(times)} rounds)"
    )
    print("p50 by query: " + ", ".join(f"{q!r} {ms} ms" for q, ms in by_query.items()))
    path = save(f"search_browser-{people}", figures)
    print(f"saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
