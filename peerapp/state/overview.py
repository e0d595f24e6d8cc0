"""The admins' program overview, read on page load and on Refresh (checked on the server)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from peerapp.clock import utcnow
from peerapp.services import overview as overview_service
from peerapp.state.actions import act


@dataclass
class FigureRow:
    """One figure as the page shows it."""

    label: str = ""
    value: str = ""
    detail: str = ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def now_rows(seen: overview_service.Overview) -> list[FigureRow]:
    """Who takes part, at this moment."""
    paired = (
        "no peers yet"
        if seen.paired_percent is None
        else f"{seen.paired_percent}% of peers, "
        f"in {_plural(seen.active_pairings, 'active pairing', 'active pairings')}"
    )
    return [
        FigureRow(
            "Peers", str(seen.peers), f"{seen.paused_peers} paused" if seen.paused_peers else ""
        ),
        FigureRow("Peers with a partner", str(seen.peers_paired), paired),
        FigureRow("Requests waiting for an answer", str(seen.pending_requests), ""),
    ]


def recent_rows(seen: overview_service.Overview) -> list[FigureRow]:
    """What the requests of the window became, and the pairings it saw start and end."""
    still_open = seen.sent - seen.answered - seen.withdrawn_or_cancelled
    answers = (
        "no answers yet"
        if seen.acceptance_percent is None
        else f"{seen.accepted} accepted, {seen.declined} declined, {seen.expired} expired"
    )
    return [
        FigureRow("Requests sent", str(seen.sent), f"{still_open} still waiting"),
        FigureRow("Accepted", _percent(seen.acceptance_percent), answers),
        FigureRow("Withdrawn or cancelled", str(seen.withdrawn_or_cancelled), ""),
        FigureRow(
            "Pairings started",
            str(seen.pairings_started),
            f"{_plural(seen.pairings_ended, 'pairing', 'pairings')} ended",
        ),
    ]


class ProgramOverviewState(rx.State):
    """The figures an admin watches; empty for everyone else."""

    now: list[FigureRow] = []
    recent: list[FigureRow] = []
    window_days: int = overview_service.WINDOW_DAYS
    as_of: str = ""
    loaded: bool = False
    refreshing: bool = False

    def _read(self, busy: str = ""):
        def work(db, viewer):
            if not viewer.is_admin:
                # The page itself says it is for admins; nothing to show or toast.
                self.loaded = True
                return
            seen = overview_service.program_overview(
                db, actor_id=viewer.employee_id, program_id=viewer.program_id
            )
            self.now = now_rows(seen)
            self.recent = recent_rows(seen)
            self.window_days = seen.window_days
            self.as_of = utcnow().strftime("%H:%M UTC")
            self.loaded = True

        return act(self, work, busy=busy, refused=self._show_nothing)

    def _show_nothing(self, _message: str) -> None:
        # Not an admin any more (since this tab signed in): show nothing old.
        self.now, self.recent, self.loaded = [], [], True

    @rx.event
    async def load(self):
        """on_load of the settings page."""
        async for update in self._read():
            yield update

    @rx.event
    async def refresh(self):
        """Read the figures again (the button shows that it is working)."""
        async for update in self._read(busy="refreshing"):
            yield update
