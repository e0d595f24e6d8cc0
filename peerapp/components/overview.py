"""The admins' program overview: a few figures, read when the page opens or on Refresh."""

from __future__ import annotations

import reflex as rx

from peerapp.components.sections import card_stack
from peerapp.state.overview import FigureRow, ProgramOverviewState


def _figure(row: FigureRow) -> rx.Component:
    # A description list: screen readers hear each label with its value.
    return rx.el.div(
        rx.el.dt(rx.text(row.label, size="2", color_scheme="gray")),
        rx.el.dd(
            rx.text(row.value, size="7", weight="bold"),
            rx.cond(row.detail != "", rx.text(row.detail, size="1", color_scheme="gray")),
            class_name="figure-value",
        ),
        class_name="figure",
    )


def _group(title: rx.Var | str, rows, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        rx.el.dl(rx.foreach(rows, _figure), class_name="figures", data_testid=test_id),
        spacing="2",
        width="100%",
    )


def program_overview() -> rx.Component:
    """Who takes part now, and what the recent requests became."""
    return card_stack(
        rx.hstack(
            rx.heading("How the program is doing", size="4", as_="h2"),
            rx.spacer(),
            rx.cond(
                ProgramOverviewState.as_of != "",
                rx.text("As of ", ProgramOverviewState.as_of, size="1", color_scheme="gray"),
            ),
            rx.button(
                rx.icon("refresh-cw", size=14, aria_hidden="true"),
                "Refresh",
                on_click=ProgramOverviewState.refresh,
                loading=ProgramOverviewState.refreshing,
                variant="soft",
                size="1",
                aria_label="Refresh the program figures",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            ProgramOverviewState.now.length() > 0,
            rx.vstack(
                _group("Right now", ProgramOverviewState.now, "figures-now"),
                _group(
                    "Last " + ProgramOverviewState.window_days.to_string() + " days",
                    ProgramOverviewState.recent,
                    "figures-recent",
                ),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                ProgramOverviewState.loaded,
                rx.text("No figures to show.", size="2", color_scheme="gray"),
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text("Counting…", size="2", color_scheme="gray"),
                    justify="center",
                    padding="1.5em",
                    width="100%",
                    aria_busy="true",
                ),
            ),
        ),
    )
