"""/peers ("My pairings"): your peers, mentors and mentees, and ending a pairing."""

from __future__ import annotations

import reflex as rx

from peerapp import models, routes
from peerapp.components.dialogs import confirm_dialog
from peerapp.components.forms import fieldset, labelled_field
from peerapp.components.layout import page_frame, usage_summary
from peerapp.components.people import person_header, shares_and_wants
from peerapp.components.sections import empty_state, when_loaded
from peerapp.state.inbox import InboxState
from peerapp.state.pairings import PairingActionsState


def _peer_card(row) -> rx.Component:
    return rx.card(
        person_header(
            row.other_name,
            rx.text(
                row.other_about,
                rx.cond(row.other_location != "", " · " + row.other_location, ""),
                size="2",
                color_scheme="gray",
            ),
            rx.link(row.other_email, href="mailto:" + row.other_email, size="2"),
            rx.text(
                row.label,
                " · since ",
                row.since,
                size="1",
                color_scheme="gray",
                data_testid="pairing-label",
            ),
            action=rx.button(
                "End pairing",
                on_click=PairingActionsState.open_end(row.pairing_id),
                variant="soft",
                color_scheme="gray",
                aria_label="End pairing with " + row.other_name,
            ),
            min_width="14rem",
            wrap="wrap",
        ),
        shares_and_wants(row.other_skills, row.other_learning_goals),
        width="100%",
        data_testid="peer-card",
    )


def _choice(value: str, label: str) -> rx.Component:
    return rx.hstack(
        rx.radio_group.item(value=value, id=f"outcome-{value}"),
        rx.el.label(label, html_for=f"outcome-{value}"),
        spacing="2",
        align="center",
    )


def _end_dialog() -> rx.Component:
    return confirm_dialog(
        "End your pairing with " + PairingActionsState.ending_name + "?",
        "Your answers below are private: the other person does not see them.",
        fieldset(
            "How did it go?",
            rx.radio_group.root(
                rx.hstack(
                    _choice("completed", "Completed"),
                    _choice("not_a_fit", "Not a fit"),
                    spacing="4",
                ),
                name="outcome",
                default_value="completed",
            ),
        ),
        labelled_field(
            "Private feedback (optional)",
            "end-feedback",
            area=True,
            name="feedback",
            max_length=models.FEEDBACK_MAX,
        ),
        detail=PairingActionsState.ending_about,
        cancel="Keep pairing",
        confirm="End pairing",
        on_submit=PairingActionsState.confirm_end,
        loading=PairingActionsState.saving,
        open=PairingActionsState.ending_id != 0,
        on_close=PairingActionsState.close_end,
    )


def peers_page() -> rx.Component:
    """Active pairings, live from the inbox channel."""
    return page_frame(
        "My pairings",
        usage_summary(),
        when_loaded(
            InboxState.loaded,
            rx.cond(
                InboxState.peers.length() > 0,
                rx.grid(
                    rx.foreach(InboxState.peers, _peer_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                empty_state(
                    "You have no pairings yet.",
                    rx.link("Find one in the directory", href=routes.DIRECTORY),
                    icon="users",
                ),
            ),
        ),
        _end_dialog(),
    )
