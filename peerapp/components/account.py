"""The account security section of the profile page: password, sign out everywhere."""

from __future__ import annotations

import reflex as rx

from peerapp.components.dialogs import confirm_dialog
from peerapp.components.forms import error_callout, form, labelled_field
from peerapp.components.sections import card_stack
from peerapp.services import accounts
from peerapp.state.account import AccountState
from peerapp.state.session import SessionState


def _password_field(label: str, name: str, autocomplete: str, hint: str = "") -> rx.Component:
    new = name != "current_password"
    return labelled_field(
        label,
        name,
        type="password",
        required=True,
        auto_complete=autocomplete,
        min_length=accounts.PASSWORD_MIN if new else None,
        max_length=accounts.PASSWORD_MAX,
        hint=hint,
    )


def _password_form() -> rx.Component:
    return form(
        rx.vstack(
            rx.heading("Change password", size="4", as_="h2"),
            _password_field("Current password", "current_password", "current-password"),
            _password_field(
                "New password",
                "new_password",
                "new-password",
                f"At least {accounts.PASSWORD_MIN} characters. A few unrelated words work well.",
            ),
            _password_field("Repeat new password", "repeat_password", "new-password"),
            error_callout(AccountState.password_error),
            rx.text(
                "Changing your password signs you out everywhere else.",
                size="1",
                color_scheme="gray",
            ),
            rx.button("Change password", type="submit", loading=AccountState.changing_password),
            spacing="3",
            width="100%",
        ),
        on_submit=AccountState.change_password,
        key=AccountState.password_form_key,
        width="100%",
    )


def _sign_out_everywhere() -> rx.Component:
    return rx.vstack(
        rx.heading("Signed-in devices", size="4", as_="h2"),
        rx.text(
            "Lost a device or used a shared computer? Sign out of peerapp on every "
            "browser and device, this one included.",
            size="2",
            color_scheme="gray",
        ),
        confirm_dialog(
            "Sign out everywhere?",
            "Every browser and device signed in as you is signed out, this one too. "
            "You will need your password to sign in again.",
            cancel="Stay signed in",
            confirm="Sign out everywhere",
            on_confirm=SessionState.sign_out_everywhere,
            trigger=rx.button("Sign out everywhere", variant="soft", color_scheme="tomato"),
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def account_security() -> rx.Component:
    """Password change and sign-out-everywhere, outside the profile form."""
    return card_stack(_password_form(), rx.separator(size="4"), _sign_out_everywhere(), spacing="4")
