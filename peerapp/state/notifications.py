"""The notifications page: this tab's list of recent notices, marking them read.

The bell's count lives in the person's live channel (``InboxState.unread``),
so every tab of theirs follows it; the list itself is per tab and only loaded
on the notifications page (at most ``notices.RECENT_LIMIT`` rows of words and
links). A notice id from the browser is checked by the service against the
signed-in person.
"""

from __future__ import annotations

import reflex as rx

from peerapp.clock import utcnow
from peerapp.services import notices
from peerapp.state.actions import act
from peerapp.state.live import push_unread
from peerapp.state.notice_words import NoticeRow


class NotificationsState(rx.State):
    """Recent notices of the signed-in person, as this tab shows them."""

    rows: list[NoticeRow] = []
    loaded: bool = False
    # The bell's count when the list was read: a higher count means news to show.
    seen_unread: int = 0
    marking: bool = False

    def _reload(self, db, viewer) -> None:
        now = utcnow()
        self.rows = [NoticeRow.of(item, now) for item in notices.recent(db, viewer.employee_id)]
        self.seen_unread = notices.unread_count(db, viewer.employee_id)
        self.loaded = True

    @rx.event
    async def load(self):
        """on_load of the page, and its "Show new notifications": the latest notices."""
        async for update in act(self, self._reload, reads=True):
            yield update

    @rx.event
    async def mark_all_read(self):
        """Mark every notice read; the bell shows none in all the person's tabs."""

        def work(db, viewer):
            change = notices.mark_all_read(db, viewer.employee_id)
            self._reload(db, viewer)
            push_unread(change.told)
            return rx.toast.success("All notifications are marked as read.")

        async for update in act(self, work, busy="marking"):
            yield update

    @rx.event
    async def open_notice(self, notice_id: int):
        """A notice's link was followed: it is read now (the link itself navigates)."""

        def work(db, viewer):
            change = notices.mark_read(db, viewer.employee_id, notice_id)
            self.rows = [
                NoticeRow(**{**vars(row), "read": True}) if row.id == notice_id else row
                for row in self.rows
            ]
            self.seen_unread = notices.unread_count(db, viewer.employee_id)
            push_unread(change.told)

        async for update in act(self, work):
            yield update
