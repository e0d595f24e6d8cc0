"""How fast the outbox drains into a local SMTP server, and what a request send costs.

Usage:
    .venv/bin/python bench/mail.py [--messages 10000] [--backends sqlite postgres]
        [--senders 1 2] [--batch 50] [--rounds 200]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench]

For each database it queues ``--messages`` outbox rows (each a whole
multipart email, as the producer writes them), starts aiosmtpd in a separate
process (so the server does not share the sender's interpreter lock), and
times ``outbox.deliver_all`` with one sender, then again with two senders at
once (threads, each with its own session) on a fresh queue. It checks that
the server received every Message-ID exactly once and prints messages per
second.

In the same run it times ``requests.send_request`` with the recipient's notice
(the outbox's entry, written in the request's transaction; the sender writes
the email from it later) and without it, alternating in blocks of ten over
``--rounds`` sends each, and prints both and their ratio (target: at most
10 % slower at p95).

The PostgreSQL database named by --postgres is dropped and created again.
Results go to bench/results/mail-<date>.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

# The timed senders each ask twenty people within seconds: lift the hourly cap
# (set before peerapp's settings are read).
os.environ.setdefault("PEERAPP_REQUESTS_PER_HOUR", "100000")

import sqlalchemy as sa  # noqa: E402
from _server import free_port, percentile, save  # noqa: E402
from sqlmodel import Session, SQLModel, col, func, select  # noqa: E402

from peerapp.clock import utcnow  # noqa: E402
from peerapp.db import make_engine  # noqa: E402
from peerapp.models import OutboxMessage, OutboxStatus  # noqa: E402
from peerapp.services import accounts, announce, outbox, programs, requests  # noqa: E402
from peerapp.services.mailer import SmtpServer, SmtpTransport  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SENDER = "peerapp <peerapp@bench.example>"
# Each timed sender asks this many people (the program's open-request limit is raised to it).
RECIPIENTS = 20


def _fresh(backend: str, pg_url: str, folder: Path, name: str) -> sa.Engine:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / f'{name}.db'}")
    else:
        url = sa.make_url(pg_url)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        engine = make_engine(url.render_as_string(hide_password=False))
    SQLModel.metadata.create_all(engine)
    return engine


# --- the SMTP server, in its own process -------------------------------------------


def _serve(port: int, ready, stop, report) -> None:
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    seen: list[str] = []

    class Count:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            headers = BytesHeaderParser().parsebytes(envelope.original_content)
            seen.append(headers["Message-ID"])
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    report.send(seen)


class SmtpProcess:
    """aiosmtpd in a child process; ``received()`` stops it and returns the Message-IDs."""

    def __init__(self) -> None:
        self.port = free_port()
        context = multiprocessing.get_context("spawn")
        self._ready, self._stop = context.Event(), context.Event()
        self._theirs, self._ours = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(self.port, self._ready, self._stop, self._theirs), daemon=True
        )

    def __enter__(self) -> SmtpProcess:
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("the SMTP server did not start")
        return self

    def received(self) -> list[str]:
        self._stop.set()
        seen = self._ours.recv()
        self._process.join(10)
        return seen

    def __exit__(self, *_exc: object) -> None:
        if self._process.is_alive():
            self._process.kill()


# --- delivery ---------------------------------------------------------------------


def _queue(engine: sa.Engine, count: int, tag: str) -> set[str]:
    rows, ids = [], set()
    now = utcnow()
    for number in range(count):
        message = EmailMessage()
        message["From"] = SENDER
        message["To"] = f"person{number}@bench.example"
        message["Subject"] = f"Alex Morgan asks you to be their peer ({number})"
        message["Message-ID"] = f"<{tag}-{number}@bench.example>"
        message.set_content("Hello,\n\nAlex Morgan would like to be your peer.\n" * 3)
        message.add_alternative("<p>Hello,</p><p>Alex Morgan would like to be your peer.</p>" * 3)
        ids.add(message["Message-ID"])
        rows.append(
            {
                "category": "requests_for_me",
                "to_address": message["To"],
                "subject": message["Subject"],
                "content": message.as_string(),
                "message_id": message["Message-ID"],
                "status": OutboxStatus.QUEUED.value,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "created_at": now,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 1000):
            connection.execute(sa.insert(OutboxMessage), rows[start : start + 1000])
    return ids


def deliver(engine: sa.Engine, messages: int, senders: int, batch: int, tag: str) -> dict:
    """Queue ``messages``, drain them with ``senders`` threads; messages per second."""
    ids = _queue(engine, messages, tag)
    counts: list[int] = []
    with SmtpProcess() as server:
        start = threading.Barrier(senders + 1)

        def sender() -> None:
            transport = SmtpTransport(SmtpServer("127.0.0.1", server.port), SENDER)
            with Session(engine) as db:
                start.wait()
                done = outbox.deliver_all(db, transport, batch=batch, rounds=10**6)
                counts.append(done.sent)

        threads = [threading.Thread(target=sender) for _ in range(senders)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        received = server.received()
    with Session(engine) as db:
        waiting = db.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status) != OutboxStatus.SENT.value)
        ).one()
    ours = [mid for mid in received if mid in ids]
    exact = len(ours) == len(set(ours)) == len(ids) and waiting == 0
    return {
        "messages": messages,
        "senders": senders,
        "batch": batch,
        "seconds": round(seconds, 2),
        "per_second": round(messages / seconds),
        "sent_by_each": counts,
        "each_exactly_once": exact,
    }


# --- request-send latency ----------------------------------------------------------


def request_latency(engine: sa.Engine, rounds: int) -> dict:
    """p50/p95 of ``requests.send_request`` with its notice (the outbox's entry) and without.

    Sends alternate in blocks of ten between the real service and one whose
    new-request notice is switched off, so both halves see the same load and
    the same table sizes; each side gets ``rounds`` sends.
    """
    real = announce.request_sent
    times: dict[bool, list[float]] = {True: [], False: []}
    with Session(engine) as db:
        program = programs.default_program(db)
        program.open_request_limit = RECIPIENTS
        db.add(program)
        db.commit()
        program_id = program.id
        people = [
            accounts.create_employee(
                db,
                email=f"latency{n}@bench.example",
                full_name=f"Latency Person {n}",
                password=None,
                program_id=program_id,
                roles=frozenset({"peer"}),
            ).id
            for n in range(2 * rounds // RECIPIENTS + 2 + RECIPIENTS)
        ]
        pairs = [(s, r) for s in people[RECIPIENTS:] for r in people[:RECIPIENTS]]
        try:
            for n, (sender, recipient) in enumerate(pairs[: 2 * rounds + 20]):
                telling = (n // 10) % 2 == 0
                announce.request_sent = real if telling else _tell_nobody
                began = time.perf_counter()
                requests.send_request(
                    db, program_id=program_id, sender_id=sender, recipient_id=recipient
                )
                if n >= 20:  # the first blocks warm caches
                    times[telling].append((time.perf_counter() - began) * 1000)
        finally:
            announce.request_sent = real
    figures = {}
    for telling, name in ((False, "without_outbox"), (True, "with_outbox")):
        ordered = sorted(times[telling])
        figures[name] = {
            "rounds": len(ordered),
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(percentile(ordered, 0.95), 2),
        }
    for key in ("p50", "p95"):
        figures[f"ratio_{key}"] = round(
            figures["with_outbox"][f"{key}_ms"] / figures["without_outbox"][f"{key}_ms"], 3
        )
    return figures


def _tell_nobody(_db: Session, _request: object) -> None:
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--senders", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--batch", type=int, default=outbox.BATCH)
    parser.add_argument("--rounds", type=int, default=200, help="request sends to time")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends:
            for senders in args.senders:
                engine = _fresh(backend, args.postgres, Path(folder), f"mail-{senders}")
                figures = deliver(engine, args.messages, senders, args.batch, f"{backend}{senders}")
                latency = request_latency(engine, args.rounds) if senders == 1 else None
                engine.dispose()
                runs.append({"backend": backend, **figures, "request_send": latency})
                print(
                    f"{backend:>8}, {senders} sender(s): {figures['messages']:,} messages "
                    f"in {figures['seconds']} s = {figures['per_second']:,}/s "
                    f"(each exactly once: {figures['each_exactly_once']})",
                    flush=True,
                )
                if latency:
                    base, told = latency["without_outbox"], latency["with_outbox"]
                    print(
                        f"{'':>8}  request send without outbox p50 {base['p50_ms']} ms, "
                        f"p95 {base['p95_ms']} ms; with p50 {told['p50_ms']} ms, "
                        f"p95 {told['p95_ms']} ms; ratio p50 {latency['ratio_p50']}, "
                        f"p95 {latency['ratio_p95']}",
                        flush=True,
                    )
    path = save("mail", {"messages": args.messages, "batch": args.batch, "runs": runs})
    print(f"Saved {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
