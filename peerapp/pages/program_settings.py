"""/admin/settings: how the program is doing, and its settings, for admins."""

from __future__ import annotations

import reflex as rx

from peerapp.components.forms import confirm_dialog, labelled_choice, number_field
from peerapp.components.layout import page_frame
from peerapp.components.overview import program_overview
from peerapp.components.sections import loading, section_card
from peerapp.services import admin
from peerapp.state.inbox import InboxState
from peerapp.state.program_settings import ProgramSettingsState


def _confirm_disable() -> rx.Component:
    return confirm_dialog(
        "Turn off peer mentorship?",
        "Nobody will be able to send new peer requests, and every pending peer request "
        "is cancelled (both people see why). Existing pairings stay.",
        cancel="Keep it on",
        confirm="Turn off and cancel requests",
        on_confirm=ProgramSettingsState.save,
        open=ProgramSettingsState.confirm_disable_open,
        on_close=ProgramSettingsState.cancel_save,
    )


def _form() -> rx.Component:
    return section_card(
        InboxState.program_name,
        labelled_choice(
            rx.switch,
            "peer-mentorship",
            "Peer mentorship",
            "Registered peers can find each other in the directory and send one-click "
            "peer requests. Turning it off cancels pending peer requests; existing "
            "pairings stay.",
            checked=ProgramSettingsState.peer_mentorship_enabled,
            on_change=ProgramSettingsState.set_peer_mentorship,
            aria_label="Peer mentorship",
            size="3",
        ),
        rx.grid(
            number_field(
                "Open requests per person",
                "open-request-limit",
                admin.OPEN_REQUEST_LIMIT_RANGE,
                "How many unanswered requests one person may have out at once.",
                value=ProgramSettingsState.open_request_limit,
                on_change=ProgramSettingsState.set_open_request_limit,
            ),
            number_field(
                "Days before a request expires",
                "request-expiry-days",
                admin.EXPIRY_DAYS_RANGE,
                "Unanswered requests close after this many days. Applies to new requests.",
                value=ProgramSettingsState.request_expiry_days,
                on_change=ProgramSettingsState.set_request_expiry_days,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        rx.button(
            "Save settings",
            on_click=ProgramSettingsState.request_save,
            loading=ProgramSettingsState.saving,
            size="3",
        ),
        spacing="4",
    )


def program_settings_page() -> rx.Component:
    """Admins see the form; everyone else is told the page is for admins."""
    return page_frame(
        "Program settings",
        rx.cond(
            ProgramSettingsState.loaded,
            rx.cond(
                ProgramSettingsState.allowed,
                rx.vstack(program_overview(), _form(), spacing="5", width="100%"),
                rx.callout(
                    "This page is for program admins. Ask your program admin if a setting "
                    "needs to change.",
                    icon="lock",
                    color_scheme="amber",
                    role="alert",
                    width="100%",
                ),
            ),
            loading(),
        ),
        _confirm_disable(),
    )
