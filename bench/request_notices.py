"""What telling the recipient costs a request: send_request with and without its notice and email.

In one process, on one database, sends alternate in blocks of ten between the
real service and one whose new-request notice is switched off, so both halves
see the same load and the same table sizes. Prints CPU time (this process's
work, steady on a busy machine) and wall time per send.

    python bench/request_notices.py                       # in-memory SQLite
    python bench/request_notices.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_notices

The database named is emptied and its tables recreated.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "services"))
os.environ.setdefault("PEERAPP_REQUESTS_PER_HOUR", "100000")

from service_helpers import make_person  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from peerapp import models  # noqa: E402, F401  (registers every table)
from peerapp.db import make_engine  # noqa: E402
from peerapp.services import announce, programs, requests  # noqa: E402

SENDERS, RECIPIENTS, BLOCK = 50, 20, 10


def main(url: str) -> None:
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    real = announce.request_sent
    times: dict[bool, tuple[list[float], list[float]]] = {True: ([], []), False: ([], [])}
    with Session(engine) as db:
        program = programs.default_program(db)
        program.open_request_limit = RECIPIENTS
        db.add(program)
        db.commit()
        ids = [make_person(db, program, f"Person {i}").id for i in range(SENDERS + RECIPIENTS)]
        sent = 0
        for sender in ids[:SENDERS]:
            for recipient in ids[SENDERS:]:
                telling = (sent // BLOCK) % 2 == 0
                announce.request_sent = real if telling else (lambda db, request: None)
                cpu, wall = time.process_time(), time.perf_counter()
                requests.send_request(
                    db,
                    program_id=program.id,
                    sender_id=sender,
                    recipient_id=recipient,
                    message="Would you like to pair?",
                )
                times[telling][0].append((time.process_time() - cpu) * 1000)
                times[telling][1].append((time.perf_counter() - wall) * 1000)
                sent += 1
    announce.request_sent = real
    engine.dispose()
    for index, clock in enumerate(("CPU", "wall")):
        for telling in (False, True):
            xs = sorted(times[telling][index])
            print(
                f"{clock:4} {'with notice + email' if telling else 'without notice     '} "
                f"n={len(xs)} mean={statistics.mean(xs):.2f} ms "
                f"p50={xs[len(xs) // 2]:.2f} ms p95={xs[int(len(xs) * 0.95)]:.2f} ms"
            )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite://")
