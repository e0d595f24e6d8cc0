"""/directory: find colleagues and send a peer request in one click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from peerapp.components.forms import labelled_field, labelled_select
from peerapp.components.layout import page_frame, request_standing
from peerapp.components.pairing_actions import note_dialog
from peerapp.components.people import directory_card
from peerapp.components.sections import empty_state, loading
from peerapp.services.directory_ask import QUERY_MAX
from peerapp.state.directory import DirectoryState

# How long typing must pause before the search leaves the browser.
SEARCH_PAUSE_MS = 250


def _controls(*controls: rx.Component, **props: Any) -> rx.Component:
    """A row of labelled controls, bottoms aligned, that wraps on a narrow screen."""
    return rx.flex(*controls, spacing="3", width="100%", wrap="wrap", align="end", **props)


def _search_box() -> rx.Component:
    return _controls(
        rx.box(
            labelled_field(
                "Search peers",
                "directory-search",
                rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
                placeholder="Name, job, department, place, skill or goal",
                value=DirectoryState.ask.query,
                # The input itself waits for a pause in typing: one wait, not a
                # second one on the event as well (the two would add up).
                on_change=DirectoryState.set_query,
                debounce_timeout=SEARCH_PAUSE_MS,
                aria_label="Search peers",
                max_length=QUERY_MAX,
                type="search",
                size="3",
            ),
            flex="1",
            min_width="240px",
        ),
        labelled_select(
            "Sort by",
            "sort-order",
            None,
            rx.select.item("Best match", value="best"),
            rx.select.item("Name", value="name"),
            rx.select.item("Recently joined", value="recent"),
            value=DirectoryState.ask.sort,
            on_change=DirectoryState.set_sort,
            min_width="170px",
        ),
    )


def _set_filter(part: str) -> Callable[[rx.Var[str]], rx.event.EventSpec]:
    """The select's on_change for one filter."""
    return lambda value: DirectoryState.set_filter(part, value)


def _choices(values: rx.Var[list[str]]) -> rx.Component:
    return rx.foreach(values, lambda value: rx.select.item(value, value=value))


def _filters() -> rx.Component:
    return _controls(
        labelled_select(
            "Show",
            "show-filter",
            "Everyone",
            *(
                rx.cond(
                    DirectoryState.my_roles.contains(role),
                    rx.select.item(label, value=value),
                )
                for role, label, value in (
                    ("peer", "Peers", "peers"),
                    ("mentee", "Mentors", "mentors"),
                    ("mentor", "Mentees", "mentees"),
                )
            ),
            value=DirectoryState.ask.show,
            on_change=_set_filter("show"),
            min_width="150px",
        ),
        *(
            labelled_select(
                label,
                f"{name}-filter",
                everything,
                _choices(values),
                value=value,
                on_change=_set_filter(name),
                min_width="180px",
                placeholder=everything,
            )
            for label, name, everything, values, value in (
                (
                    "Department",
                    "department",
                    "All departments",
                    DirectoryState.departments,
                    DirectoryState.ask.department,
                ),
                (
                    "Location",
                    "location",
                    "All locations",
                    DirectoryState.locations,
                    DirectoryState.ask.location,
                ),
                (
                    "Theme",
                    "theme",
                    "Any theme",
                    DirectoryState.themes,
                    DirectoryState.ask.theme,
                ),
            )
        ),
        rx.el.label(
            rx.switch(
                checked=DirectoryState.ask.has_places,
                on_change=DirectoryState.set_has_places,
                id="has-places-filter",
            ),
            rx.text("Has places left", size="2"),
            html_for="has-places-filter",
            class_name="switch-label",
        ),
        id="directory-filters",
        class_name=rx.cond(
            DirectoryState.filters_open, "directory-filters open", "directory-filters"
        ),
    )


def _filters_toggle() -> rx.Component:
    """Phones: the filters open and close under one button (wide screens show them)."""
    return rx.button(
        rx.icon("sliders-horizontal", size=16, aria_hidden="true"),
        rx.cond(DirectoryState.filters_open, "Hide filters", "Filters"),
        on_click=DirectoryState.toggle_filters,
        variant="soft",
        class_name="filters-toggle",
        aria_expanded=rx.cond(DirectoryState.filters_open, "true", "false"),
        aria_controls="directory-filters",
    )


def _chip(shown: rx.Var[bool], label: rx.Var | str, on_remove: rx.EventHandler) -> rx.Component:
    return rx.cond(
        shown,
        rx.button(
            label,
            rx.icon("x", size=14, aria_hidden="true"),
            on_click=on_remove,
            variant="soft",
            radius="full",
            size="1",
            aria_label=rx.Var.create("Remove filter: ") + label,
        ),
    )


def _chips() -> rx.Component:
    """The active filters, each removable in one click."""
    state = DirectoryState
    return rx.cond(
        state.filtered,
        rx.flex(
            _chip(state.ask.show != "", state.show_label, state.set_filter("show", "all")),
            _chip(
                state.ask.department != "",
                state.ask.department,
                state.set_filter("department", "all"),
            ),
            _chip(
                state.ask.location != "", state.ask.location, state.set_filter("location", "all")
            ),
            _chip(state.ask.theme != "", state.ask.theme, state.set_filter("theme", "all")),
            _chip(state.ask.has_places, "Has places left", state.set_has_places(False)),
            rx.button("Clear all", on_click=state.clear_filters, variant="ghost", size="1"),
            spacing="2",
            wrap="wrap",
            align="center",
            aria_label="Active filters",
            role="group",
        ),
    )


def _page_button(label: str, step: int, disabled: rx.Var[bool]) -> rx.Component:
    """Previous or Next: the icon on the side it points to."""
    icon = rx.icon("chevron-left" if step < 0 else "chevron-right", size=16, aria_hidden="true")
    parts = (icon, label) if step < 0 else (label, icon)
    return rx.button(
        *parts,
        on_click=DirectoryState.go_to_page(DirectoryState.ask.page + step),
        disabled=disabled,
        variant="soft",
        aria_label=f"{label} page",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        _page_button("Previous", -1, DirectoryState.ask.page <= 1),
        rx.text("Page ", DirectoryState.ask.page, " of ", DirectoryState.page_count, size="2"),
        _page_button("Next", 1, DirectoryState.ask.page >= DirectoryState.page_count),
        justify="center",
        align="center",
        spacing="4",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.cond(
        DirectoryState.loading,
        loading(rx.text("Loading colleagues…"), spacing="2"),
        rx.cond(
            DirectoryState.total == 0,
            empty_state(
                "Nobody matches this search.",
                rx.button(
                    "Clear search", on_click=DirectoryState.clear_filters, variant="soft", size="1"
                ),
                icon="search",
            ),
            rx.vstack(
                rx.text(DirectoryState.found_text, size="2", color_scheme="gray", role="status"),
                rx.grid(
                    rx.foreach(DirectoryState.entries, directory_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(DirectoryState.page_count > 1, _pager()),
                spacing="3",
                width="100%",
            ),
        ),
    )


def directory_page() -> rx.Component:
    """Search, filters and the visible page of people."""
    return page_frame(
        "Directory",
        request_standing(),
        _search_box(),
        _filters_toggle(),
        _filters(),
        _chips(),
        _results(),
        note_dialog(),
        subtitle=rx.text(
            "Find a colleague to learn with as peers, a mentor to guide you, or someone to "
            "mentor: swap skills, share experiences, keep each other on track.",
            color_scheme="gray",
        ),
    )
