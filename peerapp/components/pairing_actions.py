"""What a directory card offers: a peer request, asking for or offering mentoring, a note.

Where the viewer stands with each person comes from the live inbox channel,
so a button changes as soon as the other person answers; the server re-checks
all of it when a request is sent.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import reflex as rx

from peerapp import models
from peerapp.components.buttons import working_button
from peerapp.components.dialogs import dialog_footer
from peerapp.components.forms import fieldset, text_area_field
from peerapp.state.directory import DirectoryState
from peerapp.state.inbox import InboxState

# (condition, relation) in order: the first that holds says where the viewer stands.
_Rules = list[tuple[rx.Var[bool], str]]


def _badge(text: str) -> rx.Component:
    return rx.badge(text, color_scheme="gray", size="2", variant="soft")


def _first(rules: _Rules, otherwise: rx.Var[str] | str) -> Any:
    """The value of the first rule whose condition holds, else ``otherwise``."""
    value = otherwise
    for condition, result in reversed(rules):
        value = rx.cond(condition, result, value)
    return value


def _existing(entry, paired: rx.Var, requested: rx.Var, incoming: rx.Var) -> _Rules:
    """The rules for a relation of one kind that exists: paired, requested or incoming.

    ``paired``, ``requested`` and ``incoming`` are the inbox channel's id lists
    of that kind: people paired with, asked, and asking the viewer.
    """
    return [
        (paired.contains(entry.id), "paired"),
        (requested.contains(entry.id), "requested"),
        (incoming.contains(entry.id), "incoming"),
    ]


def relation(entry) -> rx.Var[str]:
    """Where the viewer stands with ``entry``: self, none, paired, requested, incoming, open, off.

    Pairing and request status come from the live inbox channel, so a button
    changes as soon as the other person answers; the server re-checks all of it.
    """
    return _first(
        [
            (entry.id == DirectoryState.viewer_id, "self"),
            (~entry.is_peer, "none"),
            *_existing(
                entry, InboxState.paired_ids, InboxState.outgoing_ids, InboxState.incoming_from_ids
            ),
        ],
        rx.cond(InboxState.peer_mentorship_enabled, "open", "off"),
    )


def mentoring_relation(entry) -> rx.Var[str]:
    """Where the viewer stands for mentoring with ``entry``.

    Self, off, paired, requested, incoming, or what the viewer can start: ask,
    offer, both, none.
    """
    can_ask = DirectoryState.my_roles.contains("mentee") & entry.is_mentor
    can_offer = DirectoryState.my_roles.contains("mentor") & entry.is_mentee
    return _first(
        [
            (entry.id == DirectoryState.viewer_id, "self"),
            (~InboxState.mentoring_enabled, "off"),
            *_existing(
                entry,
                InboxState.mentoring_paired_ids,
                InboxState.mentoring_out_ids,
                InboxState.mentoring_in_ids,
            ),
            (can_ask & can_offer, "both"),
            (can_ask, "ask"),
            (can_offer, "offer"),
        ],
        "none",
    )


def _start(label: str, on_click, aria_label, sending: rx.Var[bool], **props) -> rx.Component:
    """A one-click request button; "Sending…" while the request is on its way."""
    return working_button(
        label,
        "Sending…",
        sending,
        on_click=on_click,
        aria_busy=sending,
        size="2",
        aria_label=aria_label,
        **props,
    )


def _waiting(label: str, aria_label) -> rx.Component:
    """A request already sent: nothing to click until it is answered."""
    return rx.button(label, disabled=True, variant="soft", size="2", aria_label=aria_label)


def _answer(label: str, aria_label) -> rx.Component:
    """A request from this person: answered in the inbox."""
    return rx.link(
        rx.button(label, variant="outline", size="2", aria_label=aria_label), href="/inbox"
    )


class _Words(NamedTuple):
    """What an existing relation of one kind says; an accessible name ends with the person."""

    paired: str
    requested: str
    requested_name: str
    incoming: str
    incoming_name: str


_PEER_WORDS = _Words("Paired", "Requested", "Requested ", "Answer request", "Answer request from ")
_MENTORING_WORDS = _Words(
    "Mentoring",
    "Mentoring asked",
    "Mentoring requested with ",
    "Answer",
    "Answer mentoring request from ",
)


def _relation_action(entry, relation: rx.Var[str], words: _Words, *starts: tuple) -> rx.Component:
    """What a peer or a mentoring relation shows: paired, asked, to answer, ``starts``, nothing.

    ``starts`` are the (relation, component) cases that begin a pairing.
    """
    name = entry.full_name
    return rx.match(
        relation,
        ("paired", rx.badge(words.paired, color_scheme="grass", size="2", variant="soft")),
        ("requested", _waiting(words.requested, words.requested_name + name)),
        ("incoming", _answer(words.incoming, words.incoming_name + name)),
        *starts,
        rx.fragment(),
    )


def _request_action(entry, relation: rx.Var[str], sending: rx.Var[bool]) -> rx.Component:
    """Request / Requested / Paired / Answer request / Paused / No places left / nothing."""
    name = entry.full_name
    return _relation_action(
        entry,
        relation,
        _PEER_WORDS,
        (
            "open",
            rx.cond(
                entry.paused,
                _badge("Paused"),
                rx.cond(
                    entry.places_left == 0,
                    _badge("No places left"),
                    _start(
                        "Request", DirectoryState.request_peer(entry.id), "Request " + name, sending
                    ),
                ),
            ),
        ),
    )


def _mentoring_start(entry, sending: rx.Var[bool], ask: bool) -> rx.Component:
    """Ask to be mentored (a mentor with mentee places left) or offer to mentor."""
    name = entry.full_name
    label, on_click, aria_label = (
        ("Ask to mentor you", DirectoryState.ask_mentor(entry.id), "Ask " + name + " to mentor you")
        if ask
        else (
            "Offer to mentor",
            DirectoryState.offer_mentoring(entry.id),
            "Offer to mentor " + name,
        )
    )
    start = _start(label, on_click, aria_label, sending, variant="outline")
    if ask:
        start = rx.cond(entry.mentee_places_left == 0, _badge("No mentee places left"), start)
    return rx.cond(entry.paused, _badge("Not taking requests now"), start)


def mentoring_action(entry, mentoring: rx.Var[str], sending: rx.Var[bool]) -> rx.Component:
    """Mentoring / Mentoring asked / Answer / Ask to mentor you / Offer to mentor / nothing."""
    return _relation_action(
        entry,
        mentoring,
        _MENTORING_WORDS,
        ("ask", _mentoring_start(entry, sending, ask=True)),
        ("offer", _mentoring_start(entry, sending, ask=False)),
        (
            "both",
            rx.fragment(
                _mentoring_start(entry, sending, ask=True),
                _mentoring_start(entry, sending, ask=False),
            ),
        ),
    )


def actions(entry, relation: rx.Var[str], mentoring: rx.Var[str], sending: rx.Var[bool]):
    """Every pairing the viewer can start with this person, and "with a note…"."""
    can_start = (relation == "open") | rx.Var.create(["ask", "offer", "both"]).contains(mentoring)
    return rx.flex(
        _request_action(entry, relation, sending),
        mentoring_action(entry, mentoring, sending),
        rx.cond(
            can_start & ~entry.paused,
            rx.button(
                "With a note…",
                on_click=DirectoryState.open_note(entry.id),
                variant="ghost",
                size="1",
                aria_label="Request with a note to " + entry.full_name,
            ),
        ),
        direction="column",
        align="end",
        spacing="2",
    )


def note_dialog() -> rx.Component:
    """Request with a note: which pairing, up to three themes, and a short note."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Request to " + DirectoryState.note_name),
            rx.dialog.description(
                "Say what you would like to work on together. Both are optional.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                fieldset(
                    "Pairing",
                    rx.radio_group.root(
                        rx.foreach(
                            DirectoryState.note_options,
                            lambda option: rx.radio_group.item(option[1], value=option[0]),
                        ),
                        value=DirectoryState.note_role,
                        on_change=DirectoryState.set_note_role,
                        direction="column",
                    ),
                ),
                fieldset(
                    "Themes (up to three)",
                    rx.foreach(
                        DirectoryState.themes,
                        lambda theme: rx.checkbox(
                            theme,
                            checked=DirectoryState.note_themes.contains(theme),
                            on_change=lambda _checked: DirectoryState.toggle_note_theme(theme),
                        ),
                    ),
                ),
                text_area_field(
                    "Note (optional)",
                    "request-note",
                    DirectoryState.note_text,
                    DirectoryState.set_note_text,
                    models.MESSAGE_MAX,
                    hint=DirectoryState.note_text.length().to_string()
                    + f" of {models.MESSAGE_MAX} characters",
                ),
                dialog_footer(
                    rx.button(
                        "Send request",
                        on_click=DirectoryState.send_note,
                        loading=DirectoryState.sending_to.contains(DirectoryState.note_to),
                    ),
                ),
                spacing="4",
                padding_top="0.75em",
            ),
        ),
        open=DirectoryState.note_to != 0,
        on_open_change=DirectoryState.note_open_changed,
    )
