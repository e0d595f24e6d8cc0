"""/inbox: requests you received and sent, your peers, and what happened before."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.layout import page_frame, request_standing
from peerapp.components.requests import (
    decline_dialog,
    incoming_card,
    outgoing_card,
    past_card,
    row_card,
)
from peerapp.components.sections import when_loaded
from peerapp.state.inbox import InboxState
from peerapp.state.rows import PeerRow


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


def _listing(items, card, empty: str, key: str = "id") -> rx.Component:
    """Cards keyed by row: a push that adds one row renders that card only."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.foreach(items, lambda row: rx.fragment(card(row=row), key=getattr(row, key))),
            width="100%",
        ),
        _empty(empty),
    )


@rx.memo
def _peer_card(row: rx.Var[PeerRow]) -> rx.Component:
    return row_card(
        row,
        rx.text(row.label, " · since ", row.since, size="1", color_scheme="gray"),
        test_id="peer",
    )


def inbox_page() -> rx.Component:
    """Incoming and outgoing requests, live; your peers; past requests."""
    return page_frame(
        "Inbox",
        request_standing(),
        when_loaded(
            InboxState.loaded,
            rx.vstack(
                _section(
                    "Incoming",
                    InboxState.incoming_count,
                    _listing(
                        InboxState.incoming,
                        incoming_card,
                        "No requests waiting for you. New ones appear here as they arrive.",
                    ),
                    "incoming",
                ),
                _section(
                    "Outgoing",
                    InboxState.outgoing.length(),
                    _listing(
                        InboxState.outgoing,
                        outgoing_card,
                        "You have no requests waiting for an answer. Find a peer in the directory.",
                    ),
                    "outgoing",
                ),
                _section(
                    "Your pairings",
                    InboxState.peers.length(),
                    rx.vstack(
                        _listing(
                            InboxState.peers,
                            _peer_card,
                            "No pairings yet. Accepted requests become pairings here.",
                            key="pairing_id",
                        ),
                        rx.link("Manage your pairings", href=routes.PEERS, size="2"),
                        width="100%",
                    ),
                    "peers",
                ),
                _section(
                    "Past requests",
                    InboxState.history.length(),
                    _listing(InboxState.history, past_card, "Nothing here yet."),
                    "history",
                ),
                spacing="6",
                width="100%",
            ),
        ),
        decline_dialog(),
    )
