"""/notifications: what the bell opens, the person's recent notifications."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.bell import notifications_list
from peerapp.components.layout import page_frame
from peerapp.components.sections import when_loaded
from peerapp.state.notifications import NotificationsState


def notifications_page() -> rx.Component:
    """Recent notifications with their links, and Mark all as read."""
    return page_frame(
        "Notifications",
        when_loaded(NotificationsState.loaded, notifications_list()),
        subtitle=rx.text(
            "What happened to your requests and pairings. Choose which ones also come by email on ",
            rx.link("your profile", href=routes.PROFILE + "#notification-settings"),
            ".",
            size="2",
            color_scheme="gray",
        ),
    )
