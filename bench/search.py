"""The directory's search service at 10,000, 100,000 and 1,000,000 employees.

Usage:
    .venv/bin/python bench/search.py [--sizes 10000 100000 1000000] [--backends sqlite postgres]
        [--rounds 30] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/bench]

For each size and database it seeds a fresh demo organisation of that size
(``peerapp seed-demo --people N``: one Evergreen program holding everyone),
then times a fixed mix of searches, each ``--rounds`` times after one warm-up:
a common word, a rare word, a three-letter name prefix, two words, filters
only, the empty search (all in the default order, Best match for a demo
login), a deep page (the last page of the name order's window) and a word that
matches nobody; and, beside the mix, a common word in name order. It times
the service call (``directory.search``, as a page load runs it: a read-only
transaction) and, in the same run, the bare full-text lookup it starts from
(the index's own query for the same words, one page of ids), and prints
p50/p95 of both and their ratio.

The PostgreSQL database named by --pg-url is dropped and created again for
each size. Results go to bench/results/search-<date>.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from _server import percentile, save
from sqlmodel import Session, SQLModel, col, select

from peerapp.db import make_engine, reads_only
from peerapp.models import Employee
from peerapp.services import demo, directory, programs, search_index

VIEWER = "alex.morgan@example.com"

# The directory's default order is Best match for the person asking (Alex Morgan).
MIX: list[tuple[str, dict]] = [
    ("common word", {"query": "engineer"}),
    ("rare word", {"query": "fundraising"}),
    ("name prefix", {"query": "sam"}),
    ("two words", {"query": "data lisbon"}),
    ("filters only", {"department": "Engineering", "show": "peers"}),
    ("empty search", {}),
    ("deep page", {"sort": "name", "page": directory.WINDOW // directory.PAGE_SIZE}),
    ("no match", {"query": "zzqxv"}),
]
# Reported beside the mix: ordering every match of a common word by name.
EXTRA: list[tuple[str, dict]] = [("by name, common", {"sort": "name", "query": "engineer"})]


def _fresh(backend: str, pg_url: str, folder: Path, size: int) -> sa.Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{folder / f'search-{size}.db'}")
    url = sa.make_url(pg_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return make_engine(url.render_as_string(hide_password=False))


def _timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def _figures(times: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
    }


def measure(engine: sa.Engine, size: int, rounds: int) -> dict:
    SQLModel.metadata.create_all(engine)
    with Session(engine) as db:
        started = time.perf_counter()
        demo.seed(db, people=size)
        seeded = time.perf_counter() - started
        program_id = programs.default_program(db).id
        viewer = db.exec(select(col(Employee.id)).where(col(Employee.email) == VIEWER)).one()
        people = db.exec(select(sa.func.count(col(Employee.id)))).one()
    print(f"  {people:,} people seeded in {seeded:.0f} s", flush=True)
    results = {"people": people, "seed_seconds": round(seeded, 1), "queries": {}}
    for label, asked in MIX + EXTRA:

        def service(asked: dict = asked) -> object:
            with reads_only(), Session(engine) as db:
                return directory.search(
                    db, program_id=program_id, viewer_id=viewer, **{"sort": "best", **asked}
                )

        def bare(asked: dict = asked) -> object:
            with reads_only(), Session(engine) as db:
                words = search_index.looked_up(db, str(asked.get("query", "")))
                if not words:
                    return db.exec(select(col(Employee.id)).limit(directory.PAGE_SIZE)).all()
                first = search_index.first_matches(db, words, directory.PAGE_SIZE, in_order=False)
                return db.execute(first).all()

        service_times, bare_times = _timed(service, rounds), _timed(bare, rounds)
        row = {"service": _figures(service_times), "bare_sql": _figures(bare_times)}
        row["p95_ratio"] = round(row["service"]["p95_ms"] / max(row["bare_sql"]["p95_ms"], 0.01), 1)
        results["queries"][label] = row
        print(
            f"  {label:<13} service p50 {row['service']['p50_ms']:>7.2f} ms"
            f"  p95 {row['service']['p95_ms']:>7.2f} ms │ bare SQL p50"
            f" {row['bare_sql']['p50_ms']:>6.2f}  p95 {row['bare_sql']['p95_ms']:>6.2f} ms"
            f" │ ×{row['p95_ratio']}",
            flush=True,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_search"
    )
    args = parser.parse_args()
    runs: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends:
            for size in args.sizes:
                print(f"{backend}, {size:,} employees:", flush=True)
                engine = _fresh(backend, args.pg_url, Path(folder), size)
                try:
                    runs[f"{backend}-{size}"] = measure(engine, size, args.rounds)
                finally:
                    engine.dispose()
    path = save("search", {"rounds": args.rounds, "runs": runs})
    print(f"Saved {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    sys.exit(main())
