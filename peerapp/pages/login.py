"""/login: email and password."""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.components.forms import error_callout, form, labelled_field
from peerapp.components.sections import signed_out_card
from peerapp.components.sso import sso_button, sso_error
from peerapp.services.accounts import PASSWORD_MAX
from peerapp.state.session import SessionState


def login_page() -> rx.Component:
    """A small centred card; errors arrive as a toast with one generic wording."""
    return signed_out_card(
        form(
            rx.vstack(
                rx.heading("Sign in", size="7", as_="h1"),
                rx.text(
                    "Find colleagues to learn with, and keep track of your peer requests.",
                    color_scheme="gray",
                    size="2",
                ),
                error_callout(SessionState.sign_in_error),
                sso_error(),
                labelled_field(
                    "Email",
                    "email",
                    type="email",
                    required=True,
                    auto_complete="username",
                    max_length=models.EMAIL_MAX,
                    size="3",
                ),
                labelled_field(
                    "Password",
                    "password",
                    type="password",
                    required=True,
                    auto_complete="current-password",
                    max_length=PASSWORD_MAX,
                    size="3",
                ),
                rx.button("Sign in", type="submit", size="3", width="100%"),
                sso_button(),
                spacing="4",
                width="100%",
            ),
            on_submit=SessionState.sign_in,
            # Should the script not run, the browser must never put the
            # password in a URL (a GET form would).
            method="post",
        ),
    )
