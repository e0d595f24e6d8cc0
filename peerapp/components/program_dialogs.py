"""The dialogs of the /programs page: join a program, create one, archive one."""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.components.dialogs import confirm_dialog, form_dialog
from peerapp.components.forms import (
    checkbox,
    checkbox_group,
    field_hint,
    field_row,
    fieldset,
    labelled_choice,
    labelled_field,
    number_field,
)
from peerapp.models import ProgramKind
from peerapp.state.program_forms import JoinProgramState, NewProgramState, RoleOption
from peerapp.state.programs import ProgramsState

PLACES = (0, models.CAPACITY_MAX)


def _role(option: RoleOption) -> rx.Component:
    return labelled_choice(
        rx.checkbox,
        "join-role-" + option.value,
        option.label,
        option.hint,
        name=option.value,
    )


def _theme(theme: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    return checkbox("join-theme-" + index.to_string(), theme, name="theme-" + index.to_string())


def _places() -> rx.Component:
    return field_row(
        rx.cond(
            JoinProgramState.offers_peer,
            number_field(
                "Peer places",
                "join-peer-places",
                PLACES,
                "How many peers you pair with at once, if you join as a peer.",
                name="peer_places",
                default_value=str(models.DEFAULT_CAPACITY),
            ),
        ),
        rx.cond(
            JoinProgramState.offers_mentoring,
            number_field(
                "Mentee places",
                "join-mentee-places",
                PLACES,
                "How many mentees you guide at once, if you join as a mentor.",
                name="mentee_places",
                default_value=str(models.DEFAULT_MENTEE_CAPACITY),
            ),
        ),
    )


def join_dialog() -> rx.Component:
    """Roles (those the program offers now), places and themes, then Join program."""
    return form_dialog(
        "Join " + JoinProgramState.program_name,
        "Choose how you want to take part. You can change this later on your profile.",
        checkbox_group("Roles", rx.foreach(JoinProgramState.roles, _role)),
        _places(),
        rx.cond(
            JoinProgramState.themes.length() > 0,
            checkbox_group(
                "Themes",
                rx.foreach(JoinProgramState.themes, _theme),
                hint=f"What you would like to talk about (up to {models.THEMES_MAX}).",
            ),
        ),
        submit="Join program",
        on_submit=JoinProgramState.join,
        open=JoinProgramState.program_id != 0,
        on_close=JoinProgramState.close_join,
        error=JoinProgramState.error,
        loading=JoinProgramState.joining,
    )


def _kind() -> rx.Component:
    return fieldset(
        "Kind",
        rx.radio_group.root(
            rx.vstack(
                rx.radio_group.item("Evergreen: always open", value=ProgramKind.EVERGREEN.value),
                rx.radio_group.item(
                    "Cohort: runs between two dates", value=ProgramKind.COHORT.value
                ),
                spacing="2",
            ),
            value=NewProgramState.kind,
            on_change=NewProgramState.set_kind,
            aria_label="Kind",
        ),
        field_hint(
            rx.cond(
                NewProgramState.kind == ProgramKind.COHORT.value,
                "A cohort starts with peer mentorship off and mentor–mentee pairing on.",
                "An evergreen program starts with peer mentorship and mentor–mentee pairing on.",
            ),
            padding_top="0.25em",
        ),
    )


def _dates() -> rx.Component:
    return rx.cond(
        NewProgramState.kind == ProgramKind.COHORT.value,
        field_row(
            labelled_field(
                "Start date", "program-starts-on", type="date", name="starts_on", required=True
            ),
            labelled_field(
                "End date", "program-ends-on", type="date", name="ends_on", required=True
            ),
        ),
    )


def new_program_dialog() -> rx.Component:
    """Name, description, kind (and a cohort's dates), then Create program."""
    return form_dialog(
        "New program",
        "People can join it as soon as it exists. You can change its settings afterwards.",
        labelled_field(
            "Program name",
            "program-name",
            name="name",
            max_length=models.NAME_MAX,
            required=True,
        ),
        labelled_field(
            "Description",
            "program-description",
            name="description",
            area=True,
            max_length=models.DESCRIPTION_MAX,
            hint="What the program is for and who it is for (optional).",
        ),
        _kind(),
        _dates(),
        submit="Create program",
        on_submit=NewProgramState.create,
        open=NewProgramState.open,
        on_close=NewProgramState.close_form,
        error=NewProgramState.error,
        loading=NewProgramState.creating,
    )


def archive_dialog() -> rx.Component:
    """Ask before archiving: it cannot be undone."""
    return confirm_dialog(
        "Archive " + ProgramsState.archive_name + "?",
        "Its history stays readable, but nothing new can start in it: nobody can join, "
        "and every pending request in it is cancelled (both people see why). "
        "This cannot be undone.",
        cancel="Keep it",
        confirm="Archive program",
        on_confirm=ProgramsState.confirm_archive,
        open=ProgramsState.archive_id != 0,
        on_close=ProgramsState.close_archive,
        loading=ProgramsState.archiving,
    )
