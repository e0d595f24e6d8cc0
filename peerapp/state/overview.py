"""The admins' program overview, read on page load and on Refresh (checked on the server)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from peerapp.clock import utcnow
from peerapp.services import mail_failures
from peerapp.services import overview as overview_service
from peerapp.state import wording
from peerapp.state.actions import act


@dataclass
class FigureRow:
    """One figure as the page shows it."""

    label: str = ""
    value: str = ""
    detail: str = ""


def now_rows(seen: overview_service.Overview) -> list[FigureRow]:
    """Who takes part, at this moment."""
    return [FigureRow(*figure) for figure in wording.figures_now(seen)]


def recent_rows(seen: overview_service.Overview) -> list[FigureRow]:
    """What the requests of the window became, and the pairings it saw start and end."""
    return [FigureRow(*figure) for figure in wording.figures_recent(seen)]


@dataclass
class FailedMailRow:
    """One email the sender gave up on, as the page shows it."""

    recipient: str
    subject: str
    error: str
    attempts: str
    queued: str


def mail_summary(seen: mail_failures.Failures) -> str:
    """One line on email delivery: all delivered, or how many could not be."""
    if not seen.count:
        return "Every email has been delivered or is on its way."
    return f"{wording.plural(seen.count, 'email', 'emails')} could not be delivered."


def mail_rows(seen: mail_failures.Failures) -> list[FailedMailRow]:
    """The latest failures, newest first."""
    return [
        FailedMailRow(
            failed.to_address,
            failed.subject,
            failed.error,
            str(failed.attempts),
            wording.when(failed.created_at),
        )
        for failed in seen.latest
    ]


class ProgramOverviewState(rx.State):
    """The figures an admin watches; empty for everyone else."""

    now: list[FigureRow] = []
    recent: list[FigureRow] = []
    window_days: int = overview_service.WINDOW_DAYS
    mail_summary: str = ""
    mail_failures: list[FailedMailRow] = []
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
            undelivered = mail_failures.failures(db, actor_id=viewer.employee_id)
            self.mail_summary = mail_summary(undelivered)
            self.mail_failures = mail_rows(undelivered)
            self.as_of = wording.clock_time(utcnow())
            self.loaded = True

        return act(self, work, busy=busy, refused=self._show_nothing)

    def _show_nothing(self, _message: str) -> None:
        # Not an admin any more (since this tab signed in): show nothing old.
        self.now, self.recent, self.loaded = [], [], True
        self.mail_summary, self.mail_failures = "", []

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
