"""/directory: find colleagues and send a peer request in one click."""

from __future__ import annotations

import reflex as rx

from peerapp.components.forms import labelled_field, labelled_select
from peerapp.components.layout import page_frame, peer_mentorship_off_notice, usage_summary
from peerapp.components.pairing_actions import note_dialog
from peerapp.components.people import directory_card
from peerapp.components.sections import empty_state, loading
from peerapp.services.directory import QUERY_MAX
from peerapp.state.directory import DirectoryState


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(
            labelled_field(
                "Search peers",
                "directory-search",
                rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
                placeholder="Name, job title, department or skill",
                value=DirectoryState.query,
                on_change=DirectoryState.set_query.debounce(250),
                aria_label="Search peers",
                max_length=QUERY_MAX,
                type="search",
                size="3",
            ),
            flex="1",
            min_width="240px",
        ),
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
            value=DirectoryState.show,
            on_change=DirectoryState.set_show,
            min_width="160px",
        ),
        labelled_select(
            "Department",
            "department-filter",
            "All departments",
            rx.foreach(DirectoryState.departments, lambda d: rx.select.item(d, value=d)),
            value=DirectoryState.department,
            on_change=DirectoryState.set_department,
            min_width="200px",
            placeholder="All departments",
        ),
        spacing="3",
        width="100%",
        wrap="wrap",
        align="end",
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16, aria_hidden="true"),
            "Previous",
            on_click=DirectoryState.go_to_page(DirectoryState.page - 1),
            disabled=DirectoryState.page <= 1,
            variant="soft",
            aria_label="Previous page",
        ),
        rx.text("Page ", DirectoryState.page, " of ", DirectoryState.page_count, size="2"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16, aria_hidden="true"),
            on_click=DirectoryState.go_to_page(DirectoryState.page + 1),
            disabled=DirectoryState.page >= DirectoryState.page_count,
            variant="soft",
            aria_label="Next page",
        ),
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
                rx.text(
                    rx.cond(
                        DirectoryState.total == 1,
                        "1 person",
                        DirectoryState.total.to_string() + " people",
                    ),
                    size="2",
                    color_scheme="gray",
                    role="status",
                ),
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
        peer_mentorship_off_notice(),
        usage_summary(),
        _filters(),
        _results(),
        note_dialog(),
        subtitle=rx.text(
            "Find a colleague to learn with as peers, a mentor to guide you, or someone to "
            "mentor: swap skills, share experiences, keep each other on track.",
            color_scheme="gray",
        ),
    )
