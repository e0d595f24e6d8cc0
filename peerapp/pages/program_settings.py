"""/admin/settings: how the current program is doing, and its settings, for admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from peerapp import models
from peerapp.components.dialogs import confirm_dialog
from peerapp.components.forms import (
    field_row,
    fieldset,
    labelled_choice,
    number_field,
    text_area_field,
)
from peerapp.components.layout import page_frame
from peerapp.components.overview import program_overview
from peerapp.components.sections import notice, section_card, when_loaded
from peerapp.services import admin
from peerapp.state.program_settings import ProgramSettingsState


def _confirm_disable() -> rx.Component:
    return confirm_dialog(
        ProgramSettingsState.confirm_title,
        ProgramSettingsState.confirm_text,
        cancel="Keep it on",
        confirm=ProgramSettingsState.confirm_button,
        on_confirm=ProgramSettingsState.save,
        open=ProgramSettingsState.confirm_disable_open,
        on_close=ProgramSettingsState.cancel_save,
        loading=ProgramSettingsState.saving,
    )


def _keep(field: str) -> Callable[[Any], Any]:
    """The change handler of one field of the draft."""
    return lambda value: ProgramSettingsState.set_draft(field, value)


def _pairing_switch(switch_id: str, label: str, description: str, field: str) -> rx.Component:
    """One pairing type's switch in the draft, named by ``label`` for screen readers too."""
    return labelled_choice(
        rx.switch,
        switch_id,
        label,
        description,
        checked=getattr(ProgramSettingsState, field),
        on_change=_keep(field),
        aria_label=label,
        size="3",
    )


def _switches() -> rx.Component:
    return fieldset(
        "Pairing types",
        rx.vstack(
            _pairing_switch(
                "peer-mentorship",
                "Peer mentorship",
                "Registered peers can find each other in the directory and send one-click "
                "peer requests. Turning it off cancels pending peer requests; existing "
                "pairings stay.",
                "peer_mentorship_enabled",
            ),
            _pairing_switch(
                "mentoring",
                "Mentor–mentee pairing",
                "Mentees can ask mentors to guide them. Turning it off cancels pending "
                "mentoring requests; existing pairings stay.",
                "mentoring_enabled",
            ),
            spacing="3",
            padding_top="0.25em",
        ),
    )


# The limits: each number's label, its field in the draft, the service's range and a hint.
_LIMITS = (
    (
        "Open requests per person",
        "open_request_limit",
        admin.OPEN_REQUEST_LIMIT_RANGE,
        "How many unanswered requests one person may have out at once.",
    ),
    (
        "Days before a request expires",
        "request_expiry_days",
        admin.EXPIRY_DAYS_RANGE,
        "Unanswered requests close after this many days. Applies to new requests.",
    ),
    (
        "Days before expiry to remind",
        "reminder_days",
        admin.REMINDER_DAYS_RANGE,
        "The person asked is reminded this many days before a request expires, and "
        "once more the day before. Fewer than the days before a request expires.",
    ),
)


def _limits() -> rx.Component:
    return field_row(
        *(
            number_field(
                label,
                field.replace("_", "-"),
                bounds,
                hint,
                value=getattr(ProgramSettingsState, field),
                on_change=_keep(field),
            )
            for label, field, bounds, hint in _LIMITS
        )
    )


def _themes() -> rx.Component:
    return text_area_field(
        "Themes",
        "program-themes",
        ProgramSettingsState.themes,
        _keep("themes"),
        models.THEMES_TEXT_MAX,
        rows="6",
        hint=f"One theme a line, at most {models.THEMES_MAX}. People choose from these when "
        "they join the program and when they send a request.",
    )


def _form() -> rx.Component:
    return section_card(
        "Settings",
        rx.cond(
            ProgramSettingsState.locked_reason != "",
            notice(ProgramSettingsState.locked_reason, icon="archive"),
        ),
        _switches(),
        _limits(),
        _themes(),
        rx.button(
            "Save settings",
            on_click=ProgramSettingsState.request_save,
            loading=ProgramSettingsState.saving,
            disabled=ProgramSettingsState.locked_reason != "",
            size="3",
        ),
        spacing="5",
    )


def _program_name() -> rx.Component:
    return rx.text(
        "Program: ",
        rx.text.strong(ProgramSettingsState.program_name),
        size="3",
        data_testid="settings-program",
    )


def program_settings_page() -> rx.Component:
    """Admins see the form; everyone else is told the page is for admins."""
    return page_frame(
        "Program settings",
        when_loaded(
            ProgramSettingsState.loaded,
            rx.cond(
                ProgramSettingsState.allowed,
                rx.vstack(_program_name(), program_overview(), _form(), spacing="5", width="100%"),
                notice(
                    "This page is for program admins. Ask your program admin if a setting "
                    "needs to change.",
                    icon="lock",
                    role="alert",
                ),
            ),
        ),
        _confirm_disable(),
    )
