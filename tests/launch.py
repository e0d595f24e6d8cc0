"""Start the real app for end-to-end tests: migrate, seed, `reflex run --env prod`.

Used by the browser tests (SQLite, one worker) and the production tests
(PostgreSQL + Redis, several workers). The server runs exactly as the README's
commands run it, on a free port, and can be restarted in place.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own database, no telemetry."""
    return {
        **os.environ,
        "PEERAPP_DATABASE_URL": database_url,
        "PEERAPP_EXPIRY_INTERVAL_SECONDS": "1",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }


def migrate(env: dict[str, str]) -> None:
    """`reflex db migrate` against the database in ``env``."""
    subprocess.run(
        [str(BIN / "reflex"), "db", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True
    )


# A server log line that reports an error: Python's, Reflex's and granian's forms.
_ERROR_MARKS = ("Traceback", " ERROR ", "[ERROR]")


class AppProcess:
    """One `reflex run --env prod --single-port` process and its log."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env = env
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        self._process: subprocess.Popen | None = None
        self._logged = 0

    @property
    def pid(self) -> int | None:
        """Process id of the running `reflex run` (its workers are its descendants)."""
        return self._process.pid if self._process else None

    def start(self, fail: Callable[[str], None], timeout: float = 600) -> None:
        """Start the server and wait until it answers its health check."""
        with open(self.log_path, "a") as log:
            self._process = subprocess.Popen(
                [
                    str(BIN / "reflex"),
                    "run",
                    "--env",
                    "prod",
                    "--single-port",
                    "--frontend-port",
                    str(self.port),
                    "--backend-port",
                    str(self.port),
                    "--loglevel",
                    "info",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                fail(f"app exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                fail(f"app did not start in time:\n{self.log_path.read_text()[-4000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        """Stop the server (and its workers)."""
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, 15)
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, 9)
            self._process.wait()
        except ProcessLookupError:
            pass
        self._process = None

    def logged_problems(self, skip: Iterable[tuple[int, int]] = ()) -> list[str]:
        """Error reports the server logged, leaving out byte spans a test accepted.

        Each report is the error line with the traceback that follows it, so a
        failure (in CI above all) says what went wrong, not only that something did.
        """
        text = self.log_path.read_bytes()
        for start, end in sorted(skip, reverse=True):
            text = text[:start] + text[end:]
        lines = text.decode(errors="replace").splitlines()
        reports: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            if not (line.startswith("ERROR") or any(mark in line for mark in _ERROR_MARKS)):
                continue
            report = [line]
            # A traceback's frames are indented; its last line (the exception) is not.
            while index < len(lines) and len(report) < 60:
                following = lines[index]
                if following.startswith((" ", "\t")) or report[-1].startswith((" ", "\t")):
                    report.append(following)
                    index += 1
                    if not following.startswith((" ", "\t")):
                        break
                else:
                    break
            reports.append("\n".join(report))
        return reports
