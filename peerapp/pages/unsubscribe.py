"""/unsubscribe?token=...: the one-click unsubscribe link of every email.

Opening the page only reads the link (mail scanners open links too); the
button turns that one category's emails off, and the page then says what
changed and where to change it back.
"""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.layout import brand
from peerapp.components.sections import loading
from peerapp.state.notice_settings import UnsubscribeState

S = UnsubscribeState


def _ask() -> rx.Component:
    return rx.vstack(
        rx.text(S.question, size="4", weight="medium"),
        rx.text(
            "You will still see these notifications in peerapp. Your other email "
            "settings stay as they are.",
            size="2",
            color_scheme="gray",
        ),
        rx.button(
            rx.cond(S.working, "Stopping…", "Stop these emails"),
            on_click=S.confirm,
            disabled=S.working,
            size="3",
            type="button",
        ),
        spacing="3",
        width="100%",
    )


def _done() -> rx.Component:
    return rx.vstack(
        rx.callout(S.message, icon="circle-check", color_scheme="green", role="status"),
        rx.link("Change your email settings on your profile", href=routes.PROFILE),
        spacing="3",
        width="100%",
    )


def _refused() -> rx.Component:
    return rx.vstack(
        rx.callout(S.message, icon="triangle-alert", color_scheme="red", role="alert"),
        rx.link("Go to your profile", href=routes.PROFILE),
        spacing="3",
        width="100%",
    )


def unsubscribe_page() -> rx.Component:
    """A small centred card, like the sign-in page: works without signing in."""
    return rx.center(
        rx.el.main(
            rx.card(
                rx.vstack(
                    brand(icon_size=28, text_size="6"),
                    rx.heading("Email settings", size="7", as_="h1"),
                    rx.match(
                        S.phase,
                        ("ask", _ask()),
                        ("done", _done()),
                        ("refused", _refused()),
                        loading(rx.text("Reading your link…"), padding="1em", spacing="2"),
                    ),
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="min(460px, 92vw)",
            ),
            id="main",
        ),
        rx.box(
            rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
            position="fixed",
            top="1em",
            right="1em",
        ),
        min_height="100vh",
        class_name="login-backdrop",
    )
