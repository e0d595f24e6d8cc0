"""Request cards for the inbox: incoming, outgoing and past, each with its history.

The cards are React memo components keyed by request id: a push that adds one
request renders that card only, not the whole inbox (its other rows keep their
identity when the browser applies the delta).
"""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.components.dialogs import confirm_dialog
from peerapp.components.forms import text_area_field
from peerapp.components.sections import tags
from peerapp.state.requests import RequestActionsState
from peerapp.state.rows import RequestRow

_STATUS_COLOR = {
    "accepted": "grass",
    "declined": "tomato",
    "withdrawn": "gray",
    "expired": "gray",
    "cancelled": "amber",
}


def person_line(row) -> rx.Component:
    """The other person's name, title and department."""
    return rx.vstack(
        rx.text(row.other_name, weight="bold", size="3"),
        # Names are not unique: title and department tell two namesakes apart.
        rx.text(row.other_about, size="2", color_scheme="gray"),
        spacing="0",
        flex="1",
        # Wide enough to keep names on one line; the actions wrap below on phones.
        min_width="14rem",
    )


def _message(row) -> rx.Component:
    return rx.cond(row.message != "", rx.blockquote(row.message, size="2", color_scheme="gray"))


def _kind(row) -> rx.Component:
    """Which pairing it asks for ("Alex Morgan asks you to be their mentor"), and its themes."""
    return rx.vstack(
        rx.text(row.kind_label, size="2", weight="medium", data_testid="request-kind"),
        tags("Themes", row.themes, "iris"),
        spacing="1",
    )


def _steps(row) -> rx.Component:
    """Every transition of the request, oldest first, folded away by default."""
    return rx.el.details(
        rx.el.summary("History", class_name="history-summary"),
        rx.el.ol(
            rx.foreach(
                row.steps,
                lambda step: rx.el.li(
                    rx.text(step.when, " · ", step.text, size="1", color_scheme="gray")
                ),
            ),
            class_name="history-list",
        ),
        class_name="history",
    )


def _sent_line(row) -> rx.Component:
    return rx.text(
        "Sent ",
        row.sent,
        rx.cond(row.expires_label != "", " · " + row.expires_label, ""),
        size="1",
        color_scheme="gray",
    )


def row_card(row, aside: rx.Component, *details: rx.Component, test_id: str, **props):
    """The frame of every inbox row: who it is, what to do or where it stands, then details."""
    return rx.card(
        rx.vstack(
            rx.hstack(person_line(row), aside, align="center", width="100%", wrap="wrap"),
            *details,
            # Air between the actions and the message once they wrap on a phone.
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid=test_id,
        **props,
    )


def request_card(row, actions: rx.Component, test_id: str) -> rx.Component:
    """An open request: who, the actions you have on it, message, dates and history."""
    return row_card(
        row, actions, _kind(row), _message(row), _sent_line(row), _steps(row), test_id=test_id
    )


@rx.memo
def incoming_card(row: rx.Var[RequestRow]) -> rx.Component:
    """A request waiting for your answer."""
    busy = RequestActionsState.busy_ids.contains(row.id)
    actions = rx.hstack(
        rx.button(
            "Accept",
            on_click=RequestActionsState.accept(row.id),
            loading=busy,
            aria_label="Accept request from " + row.other_name,
            size="2",
        ),
        rx.button(
            "Decline",
            on_click=RequestActionsState.open_decline(row.id),
            disabled=busy,
            variant="soft",
            color_scheme="gray",
            size="2",
            aria_label="Decline request from " + row.other_name,
        ),
        spacing="2",
    )
    return request_card(row, actions, "incoming-request")


@rx.memo
def outgoing_card(row: rx.Var[RequestRow]) -> rx.Component:
    """A request you sent that has no answer yet."""
    actions = rx.hstack(
        rx.badge(row.status_label, color_scheme="amber", variant="soft"),
        rx.button(
            "Withdraw",
            on_click=RequestActionsState.withdraw(row.id),
            loading=RequestActionsState.busy_ids.contains(row.id),
            variant="outline",
            color_scheme="gray",
            size="2",
            aria_label="Withdraw request to " + row.other_name,
        ),
        spacing="3",
        align="center",
    )
    return request_card(row, actions, "outgoing-request")


@rx.memo
def past_card(row: rx.Var[RequestRow]) -> rx.Component:
    """A closed request, worded for you ("Declined by Bob: not enough time")."""
    status = rx.badge(
        row.status,
        color_scheme=rx.match(row.status, *_STATUS_COLOR.items(), "gray"),
        variant="soft",
        class_name="capitalize",
    )
    return row_card(
        row,
        status,
        _kind(row),
        rx.text(row.status_label, size="2", data_testid="status-label"),
        rx.text(
            rx.cond(row.direction == "incoming", "Request from ", "Your request to "),
            row.other_name,
            " · closed ",
            row.closed,
            size="1",
            color_scheme="gray",
        ),
        _steps(row),
        test_id="past-request",
        data_status=row.status,
    )


def decline_dialog() -> rx.Component:
    """Confirm a decline, with an optional reason the sender will see."""
    return confirm_dialog(
        "Decline the request from " + RequestActionsState.decline_name + "?",
        "They will see that you declined. A short reason helps them (optional).",
        text_area_field(
            "Reason (optional)",
            "decline-reason",
            RequestActionsState.decline_reason,
            RequestActionsState.set_decline_reason,
            models.REASON_MAX,
            placeholder="e.g. Not enough time this quarter",
        ),
        detail=RequestActionsState.decline_about,
        cancel="Keep request",
        confirm="Decline request",
        on_confirm=RequestActionsState.confirm_decline,
        open=RequestActionsState.decline_id != 0,
        on_close=RequestActionsState.close_decline,
    )
