"""Program cards and the sections of the /programs page."""

from __future__ import annotations

import reflex as rx

from peerapp.state.program_forms import JoinProgramState
from peerapp.state.programs import ProgramRow, ProgramsState


def _badges(row: ProgramRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.is_current,
            rx.badge("Current", color_scheme="grass", variant="solid", data_testid="current"),
        ),
        rx.badge(row.kind, variant="soft", color_scheme="gray"),
        rx.cond(row.status != "", rx.badge(row.status, variant="soft", color_scheme="amber")),
        spacing="2",
        wrap="wrap",
    )


def _facts(row: ProgramRow) -> rx.Component:
    return rx.vstack(
        rx.cond(row.dates != "", rx.text(row.dates, size="2", weight="medium")),
        rx.cond(row.description != "", rx.text(row.description, size="2", class_name="prose")),
        rx.cond(
            row.roles != "",
            rx.text(rx.text.strong("Your roles: "), row.roles, size="2"),
        ),
        rx.text(
            row.members,
            rx.cond(row.pairing != "", " · " + row.pairing, ""),
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def _offered(allowed: rx.Var[bool], *children: rx.Component | str, **props) -> rx.Component:
    """A button the card shows only where the row allows it (the service checks again)."""
    return rx.cond(allowed, rx.button(*children, **props))


def _actions(row: ProgramRow) -> rx.Component:
    return rx.flex(
        _offered(
            row.can_join,
            "Join " + row.name,
            on_click=JoinProgramState.open_join(row.id),
            class_name="wrap-button",
        ),
        _offered(
            row.can_work_in,
            "Work in " + row.name,
            on_click=ProgramsState.work_in(row.id),
            loading=ProgramsState.choosing.contains(row.id),
            variant="soft",
            class_name="wrap-button",
        ),
        _offered(
            row.can_archive,
            rx.icon("archive", size=16, aria_hidden="true"),
            "Archive",
            on_click=ProgramsState.open_archive(row.id),
            aria_label="Archive " + row.name,
            variant="soft",
            color_scheme="tomato",
        ),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def program_card(row: ProgramRow) -> rx.Component:
    """One program: what it is, the person's place in it, and what they can do."""
    return rx.card(
        rx.vstack(
            rx.heading(row.name, size="4", as_="h3", class_name="prose"),
            _badges(row),
            _facts(row),
            _actions(row),
            spacing="3",
            width="100%",
        ),
        data_testid="program-card",
        data_program=row.name,
        width="100%",
    )


def program_section(
    title: str, rows: rx.Var[list[ProgramRow]], empty: str, test_id: str, hint: str = ""
) -> rx.Component:
    """A heading and its cards, or a sentence when there are none."""
    return rx.el.section(
        rx.vstack(
            rx.heading(title, size="5", as_="h2"),
            rx.text(hint, size="2", color_scheme="gray") if hint else rx.fragment(),
            rx.cond(
                rows.length() > 0,
                rx.grid(
                    rx.foreach(rows, program_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.callout(empty, icon="info", color_scheme="gray", width="100%"),
            ),
            spacing="3",
            width="100%",
        ),
        data_testid=test_id,
        class_name="programs-section",
    )
