"""Parts of a page's content: section cards, the loading spinner, the empty state, tags, lists.

Each page composes these, so a section, a wait or an empty list looks the
same on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def loading(*label: rx.Component, padding: str = "3em", **props: Any) -> rx.Component:
    """A spinner (and ``label``) while a page's data is on its way."""
    return rx.center(rx.spinner(size="3"), *label, padding=padding, **props)


def when_loaded(loaded: rx.Var[bool], content: rx.Component, waiting: str = "") -> rx.Component:
    """``content`` once the page's state has ``loaded``; the spinner (and ``waiting``) before."""
    return rx.cond(
        loaded, content, loading(rx.text(waiting), spacing="2") if waiting else loading()
    )


def notice(message: str | rx.Var, icon: str, role: str = "status") -> rx.Component:
    """An amber, full-width callout: why something is off, paused or not for this person."""
    return rx.callout(message, icon=icon, color_scheme="amber", role=role, width="100%")


def empty_state(message: str, action: rx.Component, icon: str) -> rx.Component:
    """Nothing to list here, in words, with the way on (a link or a button)."""
    return rx.callout(
        rx.vstack(rx.text(message), action),
        icon=icon,
        color_scheme="gray",
        width="100%",
    )


def card_stack(*children: rx.Component, spacing: str = "3") -> rx.Component:
    """A full-width card whose parts stack: the sections of the profile and settings pages."""
    return rx.card(rx.vstack(*children, spacing=spacing, width="100%"), width="100%")


def section_card(
    title: str | rx.Var[str], *children: rx.Component, spacing: str = "3"
) -> rx.Component:
    """A ``card_stack`` under its own heading (one level below the page's)."""
    return card_stack(rx.heading(title, size="4", as_="h2"), *children, spacing=spacing)


def tags(label: str, items, color: str) -> rx.Component:
    """A labelled row of badges (skills, goals, themes); nothing when the list is empty."""
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


def plain_list(
    rows, item: Callable[[Any], rx.Component], label: str, class_name: str = ""
) -> rx.Component:
    """A list without bullets, named ``label``: each of ``rows`` drawn by ``item`` in a ``<li>``."""
    return rx.el.ul(
        rx.foreach(rows, lambda row: rx.el.li(item(row), class_name="plain-list-item")),
        aria_label=label,
        class_name=f"plain-list {class_name}".strip(),
    )


def signed_out_card(*children: rx.Component, width: str = "420px") -> rx.Component:
    """A page for someone not signed in (sign-in, unsubscribe): one centred card.

    The card starts with the app's mark; the dark-mode toggle stays in the corner.
    """
    return rx.center(
        rx.el.main(
            rx.card(
                rx.vstack(brand(icon_size=28, text_size="6"), *children, spacing="4", width="100%"),
                size="4",
                width=f"min({width}, 92vw)",
            ),
            id="main",
        ),
        rx.box(
            rx.color_mode.button(variant="ghost", aria_label="Toggle dark mode"),
            position="fixed",
            top="1em",
            right="1em",
        ),
        min_height="100vh",
        class_name="login-backdrop",
    )


def brand(icon_size: int = 22, text_size: str = "5") -> rx.Component:
    """The app's mark, its icon and name: in the navigation, larger on the sign-in card."""
    return rx.hstack(
        rx.icon("users", size=icon_size, aria_hidden="true"),
        rx.text("peerapp", size=text_size, weight="bold"),
        spacing="2",
        align="center",
    )
