"""The single sign-on button and its error message on the sign-in page.

Both render nothing when single sign-on is not configured (settings are read
when the app is built and started).
"""

from __future__ import annotations

import reflex as rx

from peerapp.components.forms import error_callout
from peerapp.oidc import START_PATH
from peerapp.settings import oidc_settings
from peerapp.state.sso import SsoState


def sso_error() -> rx.Component:
    """Why the last single sign-on did not sign this browser in, if it did not."""
    if oidc_settings() is None:
        return rx.fragment()
    return error_callout(SsoState.error)


def sso_button() -> rx.Component:
    """'Sign in with your company account': a plain link to the provider hand-off."""
    settings = oidc_settings()
    if settings is None:
        return rx.fragment()
    return rx.vstack(
        rx.hstack(
            rx.separator(size="4", flex="1"),
            rx.text("or", size="2", color_scheme="gray"),
            rx.separator(size="4", flex="1"),
            align="center",
            width="100%",
            aria_hidden="true",
        ),
        rx.button(
            rx.el.a(
                rx.icon("building-2", size=18, aria_hidden="true"),
                settings.label,
                href=START_PATH,
                # A real page load: the backend route answers, not the client-side router.
                reload_document=True,
            ),
            as_child=True,
            variant="outline",
            size="3",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
