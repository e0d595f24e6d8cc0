"""Many signed-in sessions on Reflex's WebSocket protocol, with a steady event mix.

Usage (starts its own production server: PostgreSQL + Redis, 2 workers):
    .venv/bin/python bench/load.py [--sessions 1000] [--rate 50] [--duration 60] [--url URL]

Each session is a lightweight client (not a browser) that speaks the same
Engine.IO/Socket.IO frames as the browser: it connects with its own tab token,
hydrates with a real session token in its local-storage var (sessions are
opened through the service layer, as a sign-in would), and is linked to its
person's live inbox. Then, at ``--rate`` events per second spread over random
idle sessions, it sends a mix of directory searches (70 %), one-click requests
(20 %) and accepts of a pending incoming request (10 %). An event's latency is
from sending its frame until the frame that shows its outcome arrives (search
results, or the success/refusal toast). Refusals (limits, already requested)
are normal outcomes; errors are timeouts, server errors and dropped sockets.

Prints sessions held, events per second, p50/p95 latency, errors, backend
memory per session and Redis state bytes per session; writes
bench/results/load-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from dataclasses import dataclass, field

import psutil
import redis
import websockets
from _server import add_server_arguments, percentile, production_server, save
from sqlmodel import Session, select

from peerapp.db import make_engine
from peerapp.models import Employee, Membership
from peerapp.services import sessions
from peerapp.state.directory import DirectoryState
from peerapp.state.inbox import InboxState
from peerapp.state.requests import RequestActionsState
from peerapp.state.session import SessionState
from tests.support import reflex_ws

ROOT_STATE = reflex_ws.ROOT_STATE
TOKEN_VAR = reflex_ws.storage_key(SessionState, "session_token")
PAGE = "/directory/"
TIMEOUT = 10.0
# An error toast (refs['__toast']?.["error"](...)) as it appears inside the JSON frame.
REFUSAL = re.compile(r'__toast\'\]\?\.\[\\*"error\\*"\]')
SEARCH_TERMS = ["a", "an", "Engineering", "Design", "Data", "Lisbon", "Python", "research", "lead"]


@dataclass
class Client:
    """One tab: a socket, its session token, and what its inbox shows."""

    session_token: str
    employee_id: int
    ws: websockets.ClientConnection | None = None
    incoming: list[int] = field(default_factory=list)
    busy: bool = False
    hydrated: asyncio.Event = field(default_factory=asyncio.Event)
    _waiter: tuple | None = None
    _reader: asyncio.Task | None = None

    async def connect(self, base: str) -> None:
        """Open the socket and hydrate, signed in by the session token."""
        url = reflex_ws.socket_url(base, reflex_ws.new_token())
        self.ws = await websockets.connect(url, origin=base, max_size=None, open_timeout=60)
        opening = reflex_ws.decode(await self.ws.recv())
        assert opening.kind == "open", opening
        hydrate = reflex_ws.hydrate_event({TOKEN_VAR: self.session_token}, pathname=PAGE)
        await self.ws.send(reflex_ws.encode_connect({"event": hydrate}))
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self.hydrated.wait(), 60)

    async def _read(self) -> None:
        inbox_key = InboxState.get_full_name()
        async for message in self.ws:
            packet = reflex_ws.decode(message)
            if packet.kind == "ping":
                await self.ws.send(reflex_ws.encode_pong())
                continue
            if packet.kind != "event" or packet.name != "event":
                continue
            delta = packet.data.get("delta") or {}
            if delta.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True:
                self.hydrated.set()
            inbox = delta.get(inbox_key, {})
            if "incoming_rx_state_" in inbox:
                self.incoming = [row["id"] for row in inbox["incoming_rx_state_"]]
            if self._waiter and self._waiter[0](message, delta):
                self._waiter[1].set_result(message)
                self._waiter = None

    async def call(self, name: str, payload: dict, done) -> tuple[float, str]:
        """Send one event; wait for the frame that shows its outcome."""
        future = asyncio.get_running_loop().create_future()
        self._waiter = (done, future)
        sent = time.perf_counter()
        event = reflex_ws.make_event(name, payload, pathname=PAGE)
        await self.ws.send(reflex_ws.encode_event(event))
        message = await asyncio.wait_for(future, TIMEOUT)
        return (time.perf_counter() - sent) * 1000, message


def _shows_search(_message: str, delta: dict) -> bool:
    return DirectoryState.get_full_name() in delta


def _shows_toast(message: str, _delta: dict) -> bool:
    return '"events"' in message and "__toast" in message


def _open_sessions(database_url: str, count: int) -> tuple[list[Client], list[int]]:
    """Sign in ``count`` tabs, round-robin over the program's peers."""
    with Session(make_engine(database_url)) as db:
        peers = db.exec(
            select(Employee.id)
            .join(Membership, Membership.employee_id == Employee.id)
            .where(Membership.is_peer, Employee.is_active)
            .order_by(Employee.id)
        ).all()
        clients = []
        for index in range(count):
            employee_id = peers[index % len(peers)]
            token = sessions.start_session(db, employee_id, days=1)
            clients.append(Client(session_token=token, employee_id=employee_id))
        return clients, list(peers)


def _backend_rss(pid: int | None) -> int:
    if pid is None:
        return 0
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])


def _redis_state_bytes(redis_url: str, sample: int = 25) -> float | None:
    client = redis.Redis.from_url(redis_url)
    sizes = []
    keys = [k for k in client.scan_iter(match="*_reflex___state____state*", count=1000)]
    by_token: dict[str, int] = {}
    for key in keys:
        token = key.decode().split("_reflex___state____state", 1)[0]
        if len(by_token) >= sample and token not in by_token:
            continue
        by_token[token] = by_token.get(token, 0) + (client.memory_usage(key) or 0)
    sizes = [v for k, v in by_token.items() if not k.startswith(("inbox", "program"))]
    return sum(sizes) / len(sizes) if sizes else None


async def run_load(args, server: dict) -> dict:
    """Connect the sessions, run the mix, collect figures."""
    base = server["url"]
    rss_before = _backend_rss(server["pid"])
    clients, peers = _open_sessions(server["database_url"], args.sessions)
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(50)

    async def connect(client: Client) -> bool:
        async with semaphore:
            try:
                await client.connect(base)
                return True
            except Exception:  # noqa: BLE001 (counted as a failed session)
                return False

    connected = await asyncio.gather(*(connect(c) for c in clients))
    connect_seconds = time.perf_counter() - started
    live = [c for c, ok in zip(clients, connected, strict=True) if ok]
    await asyncio.sleep(2)
    rss_held = _backend_rss(server["pid"])

    latencies: dict[str, list[float]] = {"search": [], "request": [], "accept": []}
    outcomes = {"ok": 0, "refused": 0, "errors": 0}
    error_samples: list[str] = []
    tasks: set[asyncio.Task] = set()

    async def one(client: Client) -> None:
        roll = random.random()
        try:
            if roll < 0.7 or (roll >= 0.9 and not client.incoming):
                kind = "search"
                term = random.choice(SEARCH_TERMS) + random.choice(["", "e", "o"])
                name, payload, done = (
                    f"{DirectoryState.get_full_name()}.set_query",
                    {"value": term},
                    _shows_search,
                )
            elif roll < 0.9:
                kind = "request"
                other = random.choice([p for p in peers if p != client.employee_id])
                name, payload, done = (
                    f"{DirectoryState.get_full_name()}.request_peer",
                    {"recipient_id": other},
                    _shows_toast,
                )
            else:
                kind = "accept"
                name, payload, done = (
                    f"{RequestActionsState.get_full_name()}.accept",
                    {"request_id": random.choice(client.incoming)},
                    _shows_toast,
                )
            elapsed, message = await client.call(name, payload, done)
            latencies[kind].append(elapsed)
            if "error occurred" in message.lower():
                outcomes["errors"] += 1
                error_samples.append(message[:300])
            elif kind != "search" and REFUSAL.search(message):
                outcomes["refused"] += 1
            else:
                outcomes["ok"] += 1
        except Exception as error:  # noqa: BLE001 (an error is a figure here)
            outcomes["errors"] += 1
            error_samples.append(repr(error)[:300])
        finally:
            client.busy = False

    interval = 1 / args.rate
    load_started = time.perf_counter()
    sent = 0
    while (now := time.perf_counter()) - load_started < args.duration:
        due = load_started + sent * interval
        if now < due:
            await asyncio.sleep(due - now)
        idle = [c for c in random.sample(live, min(len(live), 20)) if not c.busy]
        if not idle:
            outcomes["errors"] += 1
            error_samples.append("no idle session to send from")
            sent += 1
            continue
        client = idle[0]
        client.busy = True
        task = asyncio.create_task(one(client))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        sent += 1
    await asyncio.gather(*tasks)
    load_seconds = time.perf_counter() - load_started
    still_open = sum(1 for c in live if c.ws is not None and c.ws.state.name == "OPEN")
    rss_after = _backend_rss(server["pid"])
    for client in live:
        client._reader.cancel()
        await client.ws.close()

    everything = sorted(x for values in latencies.values() for x in values)
    per_kind = {
        kind: {
            "n": len(values),
            "p50_ms": round(percentile(sorted(values), 0.5), 1),
            "p95_ms": round(percentile(sorted(values), 0.95), 1),
        }
        for kind, values in latencies.items()
    }
    sessions = max(1, len(live))
    return {
        "sessions_requested": args.sessions,
        "sessions_held": still_open,
        "connect_seconds": round(connect_seconds, 1),
        "target_events_per_second": args.rate,
        "events_sent": sent,
        "events_per_second": round(len(everything) / load_seconds, 1),
        "duration_seconds": round(load_seconds, 1),
        "p50_ms": round(percentile(everything, 0.5), 1),
        "p95_ms": round(percentile(everything, 0.95), 1),
        "max_ms": round(everything[-1], 1) if everything else None,
        "by_kind": per_kind,
        "outcomes": outcomes,
        "error_samples": error_samples[:5],
        "backend_rss_mib": {
            "idle": round(rss_before / 2**20, 1),
            "sessions_held": round(rss_held / 2**20, 1),
            "after_load": round(rss_after / 2**20, 1),
        },
        "backend_memory_per_session_kib": round((rss_held - rss_before) / sessions / 1024, 1),
        "redis_state_per_session_kib": (
            round(b / 1024, 1) if (b := _redis_state_bytes(args.redis)) is not None else None
        ),
    }


def main() -> None:
    """Start (or use) a server, run the load, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    args = parser.parse_args()
    if args.url:
        parser.error("load.py opens sessions in the server's database: let it start the server")
    with production_server(args) as server:
        figures = asyncio.run(run_load(args, server))
    print(f"setup: {server['setup']}")
    print(
        f"sessions held: {figures['sessions_held']} of {figures['sessions_requested']} "
        f"(connected in {figures['connect_seconds']} s)"
    )
    print(
        f"events: {figures['events_per_second']}/s for {figures['duration_seconds']} s "
        f"(target {args.rate}/s); latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"max {figures['max_ms']} ms"
    )
    for kind, row in figures["by_kind"].items():
        print(f"  {kind:8} n={row['n']:5}  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms")
    print(f"outcomes: {figures['outcomes']}")
    for sample in figures["error_samples"]:
        print(f"  error: {sample}")
    print(
        f"backend memory: {figures['backend_rss_mib']} MiB; "
        f"{figures['backend_memory_per_session_kib']} KiB per session; "
        f"Redis state {figures['redis_state_per_session_kib']} KiB per session"
    )
    path = save(f"load-{args.people}-people", {"setup": server["setup"]} | figures)
    print(f"saved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
