"""The account security section of the profile page: password, sign out everywhere."""

from __future__ import annotations

import reflex as rx

from peerapp.services import accounts
from peerapp.state.account import AccountState
from peerapp.state.session import SessionState


def _password_field(label: str, name: str, autocomplete: str, hint: str = "") -> rx.Component:
    new = name != "current_password"
    return rx.vstack(
        rx.el.label(label, html_for=name, class_name="field-label"),
        rx.input(
            id=name,
            name=name,
            type="password",
            required=True,
            auto_complete=autocomplete,
            min_length=accounts.PASSWORD_MIN if new else None,
            max_length=accounts.PASSWORD_MAX,
            aria_describedby=f"{name}-help" if hint else None,
            size="2",
            width="100%",
        ),
        rx.cond(hint != "", rx.text(hint, id=f"{name}-help", size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _password_form() -> rx.Component:
    return rx.form(
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
            rx.cond(
                AccountState.password_error != "",
                rx.callout(
                    AccountState.password_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    role="alert",
                    width="100%",
                ),
            ),
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
        reset_on_submit=False,
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
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.button("Sign out everywhere", variant="soft", color_scheme="tomato"),
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Sign out everywhere?"),
                rx.alert_dialog.description(
                    "Every browser and device signed in as you is signed out, this one "
                    "too. You will need your password to sign in again.",
                    size="2",
                ),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button("Stay signed in", variant="soft", color_scheme="gray"),
                    ),
                    rx.button(
                        "Sign out everywhere",
                        color_scheme="tomato",
                        on_click=SessionState.sign_out_everywhere,
                    ),
                    justify="end",
                    spacing="3",
                    padding_top="1em",
                ),
            ),
        ),
        spacing="3",
        width="100%",
        align="start",
    )


def account_security() -> rx.Component:
    """Password change and sign-out-everywhere, outside the profile form."""
    return rx.card(
        rx.vstack(
            _password_form(),
            rx.separator(size="4"),
            _sign_out_everywhere(),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )
