"""How long another signed-in person waits while many people sign in at once.

Usage (starts its own production server: PostgreSQL + Redis, 2 workers):
    .venv/bin/python bench/sign_in_burst.py [--signins 30] [--bursts 3] [--workers 2] [--url URL]

Password hashing (argon2) is deliberately slow. A signed-in observer tab (a raw
WebSocket client, no browser) times the round trip of a no-op event again and
again, first while the server is quiet, then while N sign-ins from N client
addresses arrive at the same moment (each from its own socket, with the correct
password, so no throttling is involved; the addresses come from an
X-Forwarded-For header the server trusts for one proxy hop). Each burst is
repeated ``--bursts`` times with fresh sockets.

Prints p50/p95/max of the observer's round trip, quiet and during bursts, and
how long the bursts' sign-ins took; writes bench/results/sign_in_burst[-label]-<date>.json.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import sqlalchemy as sa
from _server import ROOT, add_server_arguments, percentile, production_server, save
from reflex.state import OnLoadInternalState

from peerapp.services.demo import DEMO_LOGINS, DEMO_PASSWORD
from peerapp.state.session import SessionState
from tests.support.reflex_ws import Barrier, ReflexClient, handler_name

# A no-op the server answers with the nonce in the echoed page URL (keeps no text).
BARRIER = Barrier.in_url(OnLoadInternalState, "set_is_hydrated", "value", True)
SIGN_IN = handler_name(SessionState, "sign_in")


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "max_ms": round(ordered[-1], 1) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered), 1) if ordered else None,
    }


def _people_with_passwords(database_url: str, count: int) -> list[str]:
    """Give ``count`` demo people the demo password; their emails."""
    engine = sa.create_engine(database_url)
    observer = DEMO_LOGINS[0].email
    with engine.begin() as conn:
        demo_hash = conn.execute(
            sa.text("SELECT password_hash FROM employee WHERE email = :e"), {"e": observer}
        ).scalar_one()
        emails = list(
            conn.execute(
                sa.text(
                    "SELECT email FROM employee WHERE is_active AND email <> :e "
                    "ORDER BY id LIMIT :n"
                ),
                {"e": observer, "n": count},
            ).scalars()
        )
        conn.execute(
            sa.text("UPDATE employee SET password_hash = :h WHERE email = ANY(:emails)"),
            {"h": demo_hash, "emails": emails},
        )
    engine.dispose()
    return emails


def _sign_in(client: ReflexClient, email: str) -> None:
    client.send(SIGN_IN, {"form_data": {"email": email, "password": DEMO_PASSWORD}})


def _observe(observer: ReflexClient, stop: threading.Event, pause: float = 0.06) -> list[float]:
    """No-op round trips (ms) until ``stop`` is set.

    The pause keeps the observer under a tab's event rate limit (20 a second by
    default), like a person clicking fast: a dropped event would never answer.
    """
    times = []
    while not stop.is_set():
        started = time.perf_counter()
        observer.settle()
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(pause)
    return times


def _burst(
    url: str, emails: list[str], burst: int, observer: ReflexClient
) -> tuple[list[float], float, list[float]]:
    """Sign ``emails`` in at once, each from its own address, while ``observer`` times no-ops.

    Returns each sign-in's round trip, the whole burst's time and the observer's
    round trips during the burst (all ms); sockets are connected before the clock starts.
    """
    clients = [
        ReflexClient(
            url,
            barrier=BARRIER,
            timeout=120,
            headers={"X-Forwarded-For": f"10.{burst}.{index // 250}.{index % 250 + 1}"},
        )
        for index in range(len(emails))
    ]
    for client in clients:
        client.connect(pathname="/login")
    start = threading.Barrier(len(clients) + 1)
    durations: list[float] = []

    def run(client: ReflexClient, email: str) -> None:
        start.wait()
        began = time.perf_counter()
        _sign_in(client, email)
        durations.append((time.perf_counter() - began) * 1000)

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(clients, emails, strict=True)
    ]
    for thread in threads:
        thread.start()
    stop = threading.Event()
    observed: list[float] = []
    watcher = threading.Thread(target=lambda: observed.extend(_observe(observer, stop)))
    start.wait()
    began = time.perf_counter()
    watcher.start()
    for thread in threads:
        thread.join()
    total = (time.perf_counter() - began) * 1000
    stop.set()
    watcher.join()
    for client in clients:
        client.close()
    return durations, total, observed


def main() -> None:
    """Run the benchmark and print/save its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--signins", type=int, default=30, help="sign-ins per burst")
    parser.add_argument("--bursts", type=int, default=3, help="bursts (fresh sockets each)")
    parser.add_argument("--quiet-seconds", type=float, default=3.0)
    parser.add_argument("--label", default="", help="suffix of the results file (e.g. before)")
    args = parser.parse_args()
    with production_server(args, PEERAPP_TRUSTED_PROXY_HOPS="1") as server:
        if server["database_url"] is None:
            raise SystemExit("--url: give the people passwords yourself; not supported here")
        emails = _people_with_passwords(server["database_url"], args.signins)
        observer = ReflexClient(server["url"], barrier=BARRIER, timeout=120)
        observer.connect(pathname="/login")
        _sign_in(observer, DEMO_LOGINS[0].email)
        assert observer.var(SessionState, "signed_in") is True, "the observer did not sign in"

        stop = threading.Event()
        quiet: list[float] = []
        timer = threading.Timer(args.quiet_seconds, stop.set)
        timer.start()
        quiet = _observe(observer, stop)

        during: list[float] = []
        sign_ins: list[float] = []
        totals: list[float] = []
        for burst in range(args.bursts):
            durations, total, observed = _burst(server["url"], emails, burst + 1, observer)
            during += observed
            sign_ins += durations
            totals.append(round(total, 1))
            time.sleep(1.0)
        observer.close()

    figures = {
        "setup": server["setup"],
        "signins_per_burst": args.signins,
        "bursts": args.bursts,
        "observer_noop_quiet": _summary(quiet),
        "observer_noop_during_bursts": _summary(during),
        "sign_in_round_trip": _summary(sign_ins),
        "burst_total_ms": totals,
    }
    print(f"setup: {server['setup']}")
    for key in ("observer_noop_quiet", "observer_noop_during_bursts", "sign_in_round_trip"):
        row = figures[key]
        print(
            f"{key:28} n={row['n']:5}  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  "
            f"max {row['max_ms']} ms"
        )
    print(f"bursts of {args.signins} sign-ins took (ms): {totals}")
    path = save("sign_in_burst" + (f"-{args.label}" if args.label else ""), figures)
    print(f"saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
