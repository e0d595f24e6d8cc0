"""The bell in the navigation, and the list of recent notifications it opens.

The bell is a link to the notifications page: a page (not a popover) reads the
same with a keyboard, a screen reader and on a 390 px phone, and its address
can be opened in a new tab. Its count comes from the person's live channel
(``InboxState.unread``), so it changes in every open tab without a reload.
"""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.sections import empty_state, plain_list, section_card
from peerapp.state.inbox import InboxState
from peerapp.state.notice_words import NoticeRow
from peerapp.state.notifications import NotificationsState
from peerapp.state.session import SessionState

_HAS_UNREAD = SessionState.signed_in & (InboxState.unread > 0)


def bell_label() -> rx.Var[str]:
    """'Notifications, 3 unread', or 'Notifications' with none."""
    return rx.cond(
        _HAS_UNREAD, "Notifications, " + InboxState.unread_text + " unread", "Notifications"
    )


def bell() -> rx.Component:
    """An icon link with the unread count on it; its name says the count in words."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=20, aria_hidden="true"),
            rx.cond(
                _HAS_UNREAD,
                rx.badge(
                    InboxState.unread_text,
                    color_scheme="tomato",
                    variant="solid",
                    radius="full",
                    size="1",
                    class_name="bell-count",
                    aria_hidden="true",
                    data_testid="bell-count",
                ),
            ),
            class_name="bell-box",
        ),
        href=routes.NOTIFICATIONS,
        aria_label=bell_label(),
        title=bell_label(),
        class_name="bell",
        color_scheme="gray",
        high_contrast=True,
        data_testid="bell",
    )


def _row(row: NoticeRow) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(row.icon, size=18, aria_hidden="true", flex_shrink="0"),
            rx.vstack(
                rx.text(row.text, size="2", weight=rx.cond(row.read, "regular", "bold")),
                rx.text(
                    rx.el.time(row.ago, title=row.at),
                    rx.cond(row.read, "", " · Unread"),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="1",
                flex="1",
            ),
            rx.cond(row.read, rx.fragment(), rx.box(class_name="unread-dot", aria_hidden="true")),
            align="start",
            spacing="3",
            width="100%",
        ),
        href=row.href,
        on_click=NotificationsState.open_notice(row.id),
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        class_name=rx.cond(row.read, "notice-link", "notice-link notice-unread"),
    )


def _news_banner() -> rx.Component:
    """New notices arrived while the list was open: the bell's count says so, this offers them."""
    return rx.cond(
        InboxState.unread > NotificationsState.seen_unread,
        rx.callout(
            rx.hstack(
                rx.text("New notifications have arrived."),
                rx.button("Show them", on_click=NotificationsState.load, size="1", variant="soft"),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            icon="bell-ring",
            role="status",
            width="100%",
        ),
    )


def notifications_list() -> rx.Component:
    """Recent notifications, newest first, unread ones marked; Mark all as read."""
    has_rows = NotificationsState.rows.length() > 0
    return section_card(
        "Recent",
        _news_banner(),
        rx.cond(
            has_rows,
            rx.vstack(
                rx.button(
                    rx.icon("check-check", size=16, aria_hidden="true"),
                    rx.cond(NotificationsState.marking, "Marking…", "Mark all as read"),
                    on_click=NotificationsState.mark_all_read,
                    disabled=NotificationsState.marking | (InboxState.unread == 0),
                    variant="soft",
                    size="2",
                    type="button",
                ),
                plain_list(NotificationsState.rows, _row, "Recent notifications", "notice-list"),
                spacing="3",
                width="100%",
                align="start",
            ),
            empty_state(
                "Nothing new. When someone asks you to pair, answers your request or a "
                "pairing starts, it shows here.",
                rx.link("Find someone in the directory", href=routes.DIRECTORY),
                icon="bell",
            ),
        ),
    )
