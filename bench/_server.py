"""Start peerapp's production build for a benchmark, or use one that is running.

By default a benchmark gets its own server: a fresh PostgreSQL database, a
Redis database and N backend workers, seeded with the 300-person demo
organisation, started the way `make run-prod` starts it. ``--url`` points a
benchmark at a server you started yourself instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.launch import BIN, AppProcess, app_env, free_port, migrate  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark shares."""
    parser.add_argument("--url", help="use a running server instead of starting one")
    parser.add_argument("--workers", type=int, default=2, help="backend workers (default 2)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "PEERAPP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="PostgreSQL server to create the benchmark database on",
    )
    parser.add_argument(
        "--people",
        type=int,
        default=300,
        help="size of the seeded demo organisation (default 300)",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("PEERAPP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        help="Redis database for the shared state (emptied first)",
    )


@contextlib.contextmanager
def production_server(args: argparse.Namespace, **extra_env: str) -> Iterator[dict]:
    """Yield {url, database_url, pid, setup}: a seeded production server."""
    if args.url:
        yield {"url": args.url.rstrip("/"), "database_url": None, "pid": None, "setup": "external"}
        return
    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = "peerapp_bench"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database_url = sa.make_url(args.postgres).set(database=name).render_as_string(False)
    redis.Redis.from_url(args.redis).flushdb()
    port = free_port()
    env = app_env(
        database_url,
        PEERAPP_REDIS_URL=args.redis,
        GRANIAN_WORKERS=str(args.workers),
        PEERAPP_EXPIRY_INTERVAL_SECONDS="60",
        # A benchmark plays a whole organisation from one address (127.0.0.1):
        # lift the per-address limits, keep the per-tab ones.
        PEERAPP_SOCKETS_PER_ADDRESS="100000",
        PEERAPP_EVENTS_PER_SECOND_PER_ADDRESS="100000",
        PEERAPP_EVENT_BURST_PER_ADDRESS="100000",
        **extra_env,
    )
    migrate(env)
    subprocess.run(
        [str(BIN / "peerapp"), "seed-demo", "--people", str(args.people)],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    log = Path(tempfile.mkdtemp(prefix="peerapp-bench-")) / "server.log"
    server = AppProcess(env, port, log)

    def fail(message: str) -> None:
        raise SystemExit(message)

    server.start(fail)
    try:
        yield {
            "url": server.url,
            "database_url": database_url,
            "pid": server.pid,
            "setup": (
                f"PostgreSQL + Redis, {args.workers} backend "
                f"worker{'s' if args.workers != 1 else ''}, production build, "
                f"{args.people}-person demo organisation"
            ),
            "log": str(log),
        }
    finally:
        server.stop()
        admin.dispose()


def machine() -> dict:
    """What the figures were measured on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory_gib = round(kib / 1024 / 1024, 1)
    return {
        "hostname": platform.node(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python_loop_ms": python_loop_ms(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def python_loop_ms() -> float:
    """Best of 3 runs of a fixed pure-Python loop (10 million additions).

    Machines of one kind here report the same CPU model but run at very
    different speeds; this figure tells two result files' machines apart.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def save(kind: str, figures: dict) -> Path:
    """Write figures to bench/results/<kind>-<date>.json (with the machine)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = RESULTS / f"{kind}-{now:%Y-%m-%d}.json"
    path.write_text(
        json.dumps(
            {"benchmark": kind, "date": now.isoformat(timespec="seconds"), "machine": machine()}
            | figures,
            indent=2,
        )
        + "\n"
    )
    return path
