"""/inbox: requests you received and sent, your peers, and what happened before."""

from __future__ import annotations

import reflex as rx

from peerapp.components.layout import page_frame, peer_mentorship_off_notice
from peerapp.state.live import InboxState
from peerapp.state.requests import RequestActionsState


def _person_line(row) -> rx.Component:
    return rx.vstack(
        rx.text(row.other_name, weight="bold", size="3"),
        rx.text(
            row.other_title,
            rx.cond(row.other_department != "", " · " + row.other_department, ""),
            size="2",
            color_scheme="gray",
        ),
        spacing="0",
        flex="1",
        # Wide enough to keep names on one line; the actions wrap below on phones.
        min_width="14rem",
    )


def _message(row) -> rx.Component:
    return rx.cond(
        row.message != "",
        rx.blockquote(row.message, size="2", color_scheme="gray"),
    )


def _empty(text: str) -> rx.Component:
    return rx.text(text, color_scheme="gray", size="2", class_name="empty-state")


def _section(title: str, count, body: rx.Component, test_id: str) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(title, size="5", as_="h2"),
            rx.badge(count, variant="soft", radius="full", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        rx.box(body, padding_top="0.5em"),
        aria_label=title,
        data_testid=test_id,
        class_name="inbox-section",
    )


def _incoming_row(row) -> rx.Component:
    busy = RequestActionsState.busy_ids.contains(row.id)
    return rx.card(
        rx.hstack(
            _person_line(row),
            rx.hstack(
                rx.button(
                    "Accept",
                    on_click=RequestActionsState.accept(row.id),
                    loading=busy,
                    aria_label="Accept request from " + row.other_name,
                    size="2",
                ),
                rx.button(
                    "Decline",
                    on_click=RequestActionsState.open_decline(row.id, row.other_name),
                    disabled=busy,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    aria_label="Decline request from " + row.other_name,
                ),
                spacing="2",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        _message(row),
        rx.text("Sent ", row.sent, size="1", color_scheme="gray"),
        width="100%",
        data_testid="incoming-request",
    )


def _outgoing_row(row) -> rx.Component:
    busy = RequestActionsState.busy_ids.contains(row.id)
    return rx.card(
        rx.hstack(
            _person_line(row),
            rx.badge("Waiting for an answer", color_scheme="amber", variant="soft"),
            rx.button(
                "Withdraw",
                on_click=RequestActionsState.withdraw(row.id),
                loading=busy,
                variant="outline",
                color_scheme="gray",
                size="2",
                aria_label="Withdraw request to " + row.other_name,
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        _message(row),
        rx.text("Sent ", row.sent, size="1", color_scheme="gray"),
        width="100%",
        data_testid="outgoing-request",
    )


_STATUS_COLOR = {
    "accepted": "grass",
    "declined": "tomato",
    "withdrawn": "gray",
    "cancelled": "amber",
}


def _history_row(row) -> rx.Component:
    return rx.card(
        rx.hstack(
            _person_line(row),
            rx.badge(
                row.status_label,
                color_scheme=rx.match(row.status, *_STATUS_COLOR.items(), "gray"),
                variant="soft",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(
            rx.cond(row.direction == "incoming", "Request from ", "Your request to "),
            row.other_name,
            " · closed ",
            row.closed,
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            row.close_reason != "",
            rx.text("Reason: ", row.close_reason, size="2", data_testid="close-reason"),
        ),
        width="100%",
        data_testid="past-request",
        data_status=row.status,
    )


def _peer_row(row) -> rx.Component:
    return rx.card(
        rx.hstack(
            _person_line(row),
            rx.text("Peers since ", row.since, size="1", color_scheme="gray"),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        width="100%",
        data_testid="peer",
    )


def _decline_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                "Decline the request from ", RequestActionsState.decline_name, "?"
            ),
            rx.alert_dialog.description(
                "They will see that you declined. A short reason helps them (optional).",
                size="2",
            ),
            rx.el.label("Reason (optional)", html_for="decline-reason", class_name="field-label"),
            rx.text_area(
                id="decline-reason",
                value=RequestActionsState.decline_reason,
                on_change=RequestActionsState.set_decline_reason,
                max_length=300,
                placeholder="e.g. Not enough time this quarter",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep request",
                        variant="soft",
                        color_scheme="gray",
                        on_click=RequestActionsState.close_decline,
                    ),
                ),
                # Not an alert_dialog.action: its auto-close would race the decline.
                rx.button(
                    "Decline request",
                    color_scheme="tomato",
                    on_click=RequestActionsState.confirm_decline,
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
        open=RequestActionsState.decline_id != 0,
        on_open_change=lambda _open: RequestActionsState.close_decline(),
    )


def inbox_page() -> rx.Component:
    """Incoming and outgoing requests, live; your peers; past requests."""
    return page_frame(
        "Inbox",
        peer_mentorship_off_notice(),
        rx.cond(
            InboxState.loaded,
            rx.vstack(
                _section(
                    "Incoming",
                    InboxState.incoming_count,
                    rx.cond(
                        InboxState.incoming.length() > 0,
                        rx.vstack(rx.foreach(InboxState.incoming, _incoming_row), width="100%"),
                        _empty("No requests waiting for you. New ones appear here as they arrive."),
                    ),
                    "incoming",
                ),
                _section(
                    "Outgoing",
                    InboxState.outgoing.length(),
                    rx.cond(
                        InboxState.outgoing.length() > 0,
                        rx.vstack(rx.foreach(InboxState.outgoing, _outgoing_row), width="100%"),
                        _empty(
                            "You have no requests waiting for an answer. Find a peer in "
                            "the directory."
                        ),
                    ),
                    "outgoing",
                ),
                _section(
                    "Your peers",
                    InboxState.peers.length(),
                    rx.cond(
                        InboxState.peers.length() > 0,
                        rx.vstack(rx.foreach(InboxState.peers, _peer_row), width="100%"),
                        _empty("No peers yet. Accepted requests become pairings here."),
                    ),
                    "peers",
                ),
                _section(
                    "Past requests",
                    InboxState.history.length(),
                    rx.cond(
                        InboxState.history.length() > 0,
                        rx.vstack(rx.foreach(InboxState.history, _history_row), width="100%"),
                        _empty("Nothing here yet."),
                    ),
                    "history",
                ),
                spacing="6",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="3em"),
        ),
        _decline_dialog(),
    )
