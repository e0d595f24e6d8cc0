"""/login/sso: where single sign-on lands; the ticket is redeemed on load."""

from __future__ import annotations

import reflex as rx


def sso_landing_page() -> rx.Component:
    """A short wait while the one-time ticket becomes a session."""
    return rx.center(
        rx.el.main(
            rx.vstack(
                rx.spinner(size="3"),
                rx.heading("Signing you in…", size="5", as_="h1"),
                rx.link("Back to sign in", href="/login", size="2"),
                align="center",
                spacing="3",
                role="status",
            ),
            id="main",
        ),
        min_height="60vh",
    )
