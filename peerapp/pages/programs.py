"""/programs: your programs, the ones you can join, and (admins) every other one."""

from __future__ import annotations

import reflex as rx

from peerapp.components.layout import page_frame
from peerapp.components.program_dialogs import archive_dialog, join_dialog, new_program_dialog
from peerapp.components.programs import program_section
from peerapp.components.sections import when_loaded
from peerapp.state.program_forms import NewProgramState
from peerapp.state.programs import ProgramsState


def _admin_bar() -> rx.Component:
    return rx.cond(
        ProgramsState.is_admin,
        rx.button(
            rx.icon("plus", size=16, aria_hidden="true"),
            "New program",
            on_click=NewProgramState.open_form,
            size="3",
        ),
    )


def _catalogue() -> rx.Component:
    return rx.vstack(
        _admin_bar(),
        program_section(
            "Your programs",
            ProgramsState.mine,
            "You are not in any program yet. Join one below to find peers and mentors.",
            "my-programs",
        ),
        program_section(
            "Programs you can join",
            ProgramsState.joinable,
            "There is no other open program to join right now.",
            "joinable-programs",
        ),
        rx.cond(
            ProgramsState.is_admin,
            program_section(
                "Other programs",
                ProgramsState.others,
                "There are none.",
                "other-programs",
                hint="Programs that have ended or been archived, and that you are not in.",
            ),
        ),
        spacing="6",
        width="100%",
    )


def programs_page() -> rx.Component:
    """The catalogue, with its dialogs."""
    return page_frame(
        "Programs",
        when_loaded(ProgramsState.loaded, _catalogue(), "Loading programs…"),
        join_dialog(),
        new_program_dialog(),
        archive_dialog(),
        subtitle=rx.text(
            "Each program has its own people, requests and pairings. You work in one at a "
            "time: choose it here, or under Program at the top of any page.",
            color_scheme="gray",
        ),
    )
