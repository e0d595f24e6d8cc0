"""The admins' program overview: a few figures, read when the page opens or on Refresh."""

from __future__ import annotations

import reflex as rx

from peerapp.components.sections import card_stack
from peerapp.state.overview import FailedMailRow, FigureRow, ProgramOverviewState


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


def _failed_mail(row: FailedMailRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.recipient),
        rx.table.cell(row.subject),
        rx.table.cell(row.error, class_name="mail-error"),
        rx.table.cell(row.attempts),
        rx.table.cell(row.queued),
    )


def _mail_delivery() -> rx.Component:
    # What the sender gave up on, so an admin can tell people or fix the mail settings.
    return rx.vstack(
        rx.heading("Email", size="3", as_="h3"),
        rx.text(ProgramOverviewState.mail_summary, size="2", data_testid="mail-summary"),
        rx.cond(
            ProgramOverviewState.mail_failures.length() > 0,
            rx.box(
                rx.table.root(
                    # A caption names the table itself (Radix puts props on a wrapper div).
                    rx.el.caption(
                        "Latest emails that could not be delivered", class_name="sr-only"
                    ),
                    rx.table.header(
                        rx.table.row(
                            *(
                                rx.table.column_header_cell(title)
                                for title in ("To", "Subject", "Why", "Attempts", "Queued")
                            )
                        )
                    ),
                    rx.table.body(rx.foreach(ProgramOverviewState.mail_failures, _failed_mail)),
                    size="1",
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
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
                _mail_delivery(),
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
