"""A person in the directory, with the request button that fits where you stand."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peerapp.services.directory import DirectoryEntry
from peerapp.state.directory import DirectoryState
from peerapp.state.inbox import InboxState


def tags(label: str, items, color: str) -> rx.Component:
    """A labelled row of badges (skills, goals); nothing when the list is empty."""
    return rx.cond(
        items.length() > 0,
        rx.hstack(
            rx.text(label, size="1", weight="medium", color_scheme="gray"),
            rx.foreach(items, lambda tag: rx.badge(tag, variant="surface", color_scheme=color)),
            spacing="1",
            wrap="wrap",
            align="center",
        ),
    )


def person_header(
    name: rx.Var[str], *details: rx.Component, action: rx.Component, min_width: str, **props: Any
) -> rx.Component:
    """The top of a card about a person: avatar, name and details, the action beside them.

    ``min_width``: how narrow the details may get before the action wraps (with
    ``wrap="wrap"``) or squeezes them.
    """
    return rx.hstack(
        rx.avatar(fallback=name[:1], size="4", radius="full"),
        rx.vstack(
            rx.heading(name, size="4", as_="h2"),
            *details,
            spacing="1",
            flex="1",
            min_width=min_width,
        ),
        action,
        align="start",
        spacing="3",
        width="100%",
        **props,
    )


def shares_and_wants(skills, learning_goals, *above: rx.Component) -> rx.Component:
    """The bottom of a card about a person: what they share and want to learn."""
    return rx.vstack(
        *above,
        tags("Shares", skills, "blue"),
        tags("Wants to learn", learning_goals, "violet"),
        spacing="2",
        padding_top="0.75em",
    )


def _about(entry) -> rx.Var[str]:
    """Job title · department, as ``rows.person_about`` words it for the inbox."""
    return rx.cond(
        entry.job_title != "",
        entry.job_title + rx.cond(entry.department != "", " · " + entry.department, ""),
        rx.cond(entry.department != "", entry.department, "No job title or department given"),
    )


def _places(entry):
    """'Bob Brown has 1 of 3 places left', or why there are none."""
    return rx.cond(
        entry.paused,
        entry.full_name + " is not taking new requests right now",
        rx.cond(
            entry.capacity == 0,
            entry.full_name + " is not taking on peers",
            entry.full_name
            + " has "
            + entry.places_left.to_string()
            + " of "
            + entry.capacity.to_string()
            + rx.cond(entry.capacity == 1, " place left", " places left"),
        ),
    )


def relation(entry) -> rx.Var[str]:
    """Where the viewer stands with ``entry``: self, none, paired, requested, incoming, open, off.

    Pairing and request status come from the live inbox channel, so a button
    changes as soon as the other person answers; the server re-checks all of it.
    """
    return rx.cond(
        entry.id == DirectoryState.viewer_id,
        "self",
        rx.cond(
            ~entry.is_peer,
            "none",
            rx.cond(
                InboxState.paired_ids.contains(entry.id),
                "paired",
                rx.cond(
                    InboxState.outgoing_ids.contains(entry.id),
                    "requested",
                    rx.cond(
                        InboxState.incoming_from_ids.contains(entry.id),
                        "incoming",
                        rx.cond(InboxState.peer_mentorship_enabled, "open", "off"),
                    ),
                ),
            ),
        ),
    )


def _request_action(entry, relation: rx.Var[str], sending: rx.Var[bool]) -> rx.Component:
    """Request / Requested / Paired / Answer request / Paused / No places left / nothing."""
    name = entry.full_name
    return rx.match(
        relation,
        ("paired", rx.badge("Paired", color_scheme="grass", size="2", variant="soft")),
        (
            "requested",
            rx.button(
                "Requested", disabled=True, variant="soft", size="2", aria_label="Requested " + name
            ),
        ),
        (
            "incoming",
            rx.link(
                rx.button(
                    "Answer request",
                    variant="outline",
                    size="2",
                    aria_label="Answer request from " + name,
                ),
                href="/inbox",
            ),
        ),
        (
            "open",
            rx.cond(
                entry.paused,
                rx.badge("Paused", color_scheme="gray", size="2", variant="soft"),
                rx.cond(
                    entry.places_left == 0,
                    rx.badge("No places left", color_scheme="gray", size="2", variant="soft"),
                    rx.button(
                        # A still label while it sends: an animated spinner makes
                        # the browser composite a frame every 16 ms (costly without
                        # a GPU) exactly while the request is on its way.
                        rx.cond(sending, "Sending…", "Request"),
                        on_click=DirectoryState.request_peer(entry.id),
                        disabled=sending,
                        aria_busy=sending,
                        size="2",
                        aria_label="Request " + name,
                    ),
                ),
            ),
        ),
        rx.fragment(),
    )


@rx.memo
def person_card(
    entry: rx.Var[DirectoryEntry], relation: rx.Var[str], sending: rx.Var[bool]
) -> rx.Component:
    """One directory result.

    A React memo with plain props: a push that changes one person's button
    renders that card only, not the whole page of results.
    """
    return rx.card(
        person_header(
            entry.full_name,
            # Names are not unique: title and department tell two namesakes apart.
            rx.text(_about(entry), size="2", color_scheme="gray"),
            rx.cond(
                entry.location != "",
                rx.text(entry.location, size="1", color_scheme="gray"),
            ),
            action=_request_action(entry, relation, sending),
            min_width="0",
        ),
        shares_and_wants(
            entry.skills,
            entry.learning_goals,
            rx.hstack(
                rx.foreach(
                    entry.roles,
                    lambda role: rx.badge(role, color_scheme="teal", variant="soft", radius="full"),
                ),
                rx.cond(
                    entry.is_peer & (relation != "self"),
                    rx.text(_places(entry), size="1", color_scheme="gray"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        width="100%",
        class_name="person-card",
    )


def directory_card(entry) -> rx.Component:
    """A directory result keyed by person, with where the viewer stands."""
    return rx.fragment(
        person_card(
            entry=entry,
            relation=relation(entry),
            sending=DirectoryState.sending_to.contains(entry.id),
        ),
        key=entry.id,
    )
