"""A person in the directory, with the request button that fits where you stand."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peerapp.components.hiding import hide_action
from peerapp.components.pairing_actions import actions, mentoring_relation, relation
from peerapp.components.sections import tags
from peerapp.services.directory import DirectoryEntry
from peerapp.state.directory import DirectoryState
from peerapp.state.hidden import HiddenPeopleState


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


def mentee_places(entry):
    """'Priya Raman has 1 of 2 mentee places left', or that there are none."""
    return rx.cond(
        entry.mentee_places_left == 0,
        entry.full_name + " has no mentee places left",
        entry.full_name
        + " has "
        + entry.mentee_places_left.to_string()
        + rx.cond(entry.mentee_places_left == 1, " mentee place left", " mentee places left"),
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


@rx.memo
def person_card(
    entry: rx.Var[DirectoryEntry],
    relation: rx.Var[str],
    mentoring: rx.Var[str],
    sending: rx.Var[bool],
    hiding: rx.Var[bool],
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
            action=actions(entry, relation, mentoring, sending),
            min_width="0",
        ),
        rx.cond(
            entry.why != "",
            rx.el.p(
                rx.icon("sparkles", size=14, aria_hidden="true"),
                rx.text(entry.why, as_="span", size="2"),
                class_name="match-why",
                padding_top="0.5em",
                margin="0",
            ),
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
                rx.cond(
                    entry.is_mentor & (relation != "self"),
                    rx.text(mentee_places(entry), size="1", color_scheme="gray"),
                ),
                rx.cond(
                    (entry.answers != "") & (relation != "self"),
                    rx.text(entry.answers, size="1", color_scheme="gray"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        rx.box(tags("Would like to discuss", entry.themes, "iris"), padding_top="0.5em"),
        rx.cond(relation != "self", hide_action(entry.id, entry.full_name, hiding)),
        width="100%",
        class_name="person-card",
    )


def directory_card(entry) -> rx.Component:
    """A directory result keyed by person, with where the viewer stands."""
    return rx.fragment(
        person_card(
            entry=entry,
            relation=relation(entry),
            mentoring=mentoring_relation(entry),
            sending=DirectoryState.sending_to.contains(entry.id),
            hiding=HiddenPeopleState.busy_ids.contains(entry.id),
        ),
        key=entry.id,
    )
