"""/unsubscribe?token=...: the one-click unsubscribe link of every email.

Opening the page only reads the link (mail scanners open links too); the
button turns that one category's emails off, and the page then says what
changed and where to change it back.
"""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.buttons import working_button
from peerapp.components.sections import loading, signed_out_card
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
        working_button(
            "Stop these emails", "Stopping…", S.working, on_click=S.confirm, size="3", type="button"
        ),
        spacing="3",
        width="100%",
    )


def _outcome(icon: str, scheme: str, role: str, link: str) -> rx.Component:
    """What the link did (or why it could not), and the way to the profile."""
    return rx.vstack(
        rx.callout(S.message, icon=icon, color_scheme=scheme, role=role),
        rx.link(link, href=routes.PROFILE),
        spacing="3",
        width="100%",
    )


def unsubscribe_page() -> rx.Component:
    """A small centred card, like the sign-in page: works without signing in."""
    return signed_out_card(
        rx.heading("Email settings", size="7", as_="h1"),
        rx.match(
            S.phase,
            ("ask", _ask()),
            (
                "done",
                _outcome(
                    "circle-check", "green", "status", "Change your email settings on your profile"
                ),
            ),
            ("refused", _outcome("triangle-alert", "red", "alert", "Go to your profile")),
            loading(rx.text("Reading your link…"), padding="1em", spacing="2"),
        ),
        width="460px",
    )
