"""Where each live round's time went: the server's trace lined up with the browser's clocks.

The server writes ``<epoch ms> <stage> [detail]`` lines (bench/trace/sitecustomize.py);
the browsers give each round's click, the moment the update frame reached the
recipient's tab and the moment the row was in their DOM, on the same clock.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass
from pathlib import Path

from _server import percentile


@dataclass(frozen=True)
class Round:
    """One round as the browsers saw it (epoch ms)."""

    clicked: float
    frame_at: float | None
    arrived: float


def read_trace(directory: Path) -> list[tuple[float, str, str]]:
    """Every worker's lines, in time order, as (ms, stage, detail)."""
    lines = []
    for log in directory.glob("*.log"):
        for line in log.read_text().splitlines():
            at, stage, detail = (line.split(" ", 2) + [""])[:3]
            lines.append((float(at), stage, detail))
    return sorted(lines)


def stages(
    rounds: list[Round],
    trace: list[tuple[float, str, str]],
    *,
    sender_tab: str,
    recipient_tab: str,
    recipient_channel: str,
) -> dict[str, dict]:
    """p50/p95 from the click of each stage, in the order a push passes them.

    Each stage is the first matching line after the previous stage of the same
    round, so a later round's lines (or the reset's) are never counted.
    """
    wanted = [
        ("event received by the server", lambda s, d: s == "received"),
        ("sender's tab locked, handler starts", lambda s, d: s == "locked" and d == sender_tab),
        ("sign-in checked", lambda s, d: s == "signed-in"),
        ("request committed", lambda s, d: s == "committed"),
        (
            "recipient's channel locked",
            lambda s, d: s == "locked" and d == recipient_channel,
        ),
        (
            "recipient's channel updated and unlocked",
            lambda s, d: s == "unlocked" and d == recipient_channel,
        ),
        ("frame handed to the recipient's socket", lambda s, d: s == "emit" and d == recipient_tab),
    ]
    times = [at for at, _, _ in trace]
    found: dict[str, list[float]] = {name: [] for name, _ in wanted}
    for one in rounds:
        index = bisect.bisect_left(times, one.clicked)
        for name, matches in wanted:
            while index < len(trace) and trace[index][0] <= one.arrived:
                if matches(*trace[index][1:]):
                    break
                index += 1
            else:
                break
            found[name].append(trace[index][0] - one.clicked)
            index += 1
    found["frame seen by the recipient's tab"] = [
        one.frame_at - one.clicked for one in rounds if one.frame_at
    ]
    found["row in the recipient's DOM"] = [one.arrived - one.clicked for one in rounds]
    return {
        name: {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p95_ms": round(percentile(sorted(values), 0.95), 1) if values else None,
        }
        for name, values in found.items()
    }
